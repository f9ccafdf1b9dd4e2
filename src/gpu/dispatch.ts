/**
 * Work sized by splats or intersections can exceed 65,535 workgroups, so 1-D work is dispatched
 * as a 2-D grid. Shaders linearise it with `linear_index` from shaders/common/dispatch.wgsl.
 */
const MAX_WORKGROUPS_PER_DIM = 65535;

export function grid1d(items: number, workgroupSize: number): [number, number] {
  const groups = Math.ceil(items / workgroupSize);
  if (groups <= MAX_WORKGROUPS_PER_DIM) return [Math.max(groups, 1), 1];
  const y = Math.ceil(groups / MAX_WORKGROUPS_PER_DIM);
  const x = Math.ceil(groups / y);
  return [x, y];
}

export function dispatch1d(pass: GPUComputePassEncoder, items: number, workgroupSize: number): void {
  if (items <= 0) return;
  const [x, y] = grid1d(items, workgroupSize);
  pass.dispatchWorkgroups(x, y);
}
