/**
 * Which splats a run with a peak keeps when it prunes to its budget (McmcConfig.peak), pure and
 * GPU-free: the trainer scores every splat (pruneScores, from its blend weight over the training
 * views), this picks the rows, and the densification scatter (shaders/densify_scatter.wgsl)
 * compacts parameters and moments on the GPU.
 */

/**
 * The score a prune ranks splats by: opacity (the sigmoid of its logit) times the splat's blend
 * weight over the training views (contributions.ts: the sum of alpha T over their pixels, which
 * already holds the opacity once), in float64. Opacity alone keeps small opaque splats and drops
 * broad ones that fill surfaces; the blend weight alone keeps broad translucent ones that fit
 * the views at the prune but train on worse: pruning from ADC's count to a third at step 600 of
 * 1,000 ended at 20.92 / 21.31 / 21.31 dB held out on buddha13 (1/2) by opacity / blend weight /
 * this, and at 32.12 / 31.30 / 32.12 on the ring (bench/README.md).
 */
export function pruneScores(opacityLogits: ArrayLike<number>, blendWeights: ArrayLike<number>): Float64Array {
  if (opacityLogits.length !== blendWeights.length) throw new RangeError(`pruneScores: ${opacityLogits.length} opacities, ${blendWeights.length} blend weights`);
  return Float64Array.from(blendWeights, (w, i) => w / (1 + Math.exp(-opacityLogits[i])));
}

/**
 * Rows kept when the splats of `scores` are pruned to `keep`: the `keep` highest scores, ties
 * to the lower index, returned in row order (so the survivors keep their relative order). A NaN
 * score ranks last.
 */
export function pruneRows(scores: ArrayLike<number>, keep: number): Uint32Array {
  const count = scores.length;
  if (keep >= count) return Uint32Array.from({ length: count }, (_, i) => i);
  const score = Float64Array.from(scores, (v) => (Number.isNaN(v) ? -Infinity : v));
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b);
  return order.subarray(0, Math.max(0, keep)).sort();
}

/**
 * The densification scatter's row layout [2 count + 1] for a pure prune: the exclusive scan of
 * one row for each kept splat (first half) and no new rows (second half).
 */
export function pruneLayout(rows: Uint32Array, count: number): Uint32Array {
  const layout = new Uint32Array(2 * count + 1);
  let next = 0;
  for (let i = 0, k = 0; i < count; i++) {
    layout[i] = next;
    if (k < rows.length && rows[k] === i) {
      next++;
      k++;
    }
  }
  layout.fill(next, count);
  return layout;
}
