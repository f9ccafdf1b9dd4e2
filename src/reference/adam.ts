/** Float64 reference of one Adam step (PyTorch's formulation), for the GPU kernel's test. */
export function referenceAdamStep(
  p: Float64Array,
  g: ArrayLike<number>,
  m: Float64Array,
  v: Float64Array,
  o: { lr: number; lrRest?: number; period?: number; first?: number; beta1: number; beta2: number; eps: number; step: number },
  /** Selective Adam: element e belongs to row floor(e / rowWidth); rows not visible are skipped. */
  selective?: { rowWidth: number; visible: (row: number) => boolean },
): void {
  const b1 = 1 - Math.pow(o.beta1, o.step);
  const b2 = 1 - Math.pow(o.beta2, o.step);
  for (let e = 0; e < p.length; e++) {
    if (selective && !selective.visible(Math.floor(e / selective.rowWidth))) continue;
    m[e] = o.beta1 * m[e] + (1 - o.beta1) * g[e];
    v[e] = o.beta2 * v[e] + (1 - o.beta2) * g[e] * g[e];
    const lr = e % (o.period ?? 1) < (o.first ?? 1) ? o.lr : (o.lrRest ?? o.lr);
    p[e] -= (lr * (m[e] / b1)) / (Math.sqrt(v[e] / b2) + o.eps);
  }
}
