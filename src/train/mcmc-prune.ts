/**
 * Which splats a run with a peak keeps when it prunes to its budget (McmcConfig.peak), pure and
 * GPU-free: the trainer scores every splat (contributions.ts: its blend weight over the training
 * views), this picks the rows, and the densification scatter (shaders/densify_scatter.wgsl)
 * compacts parameters and moments on the GPU.
 */

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
