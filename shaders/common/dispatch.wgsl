// 1-D work is dispatched as a 2-D grid of 1-D workgroups when it needs more than 65,535
// workgroups (src/gpu/dispatch.ts grid1d on the host; grid_1d below for grids written on the GPU
// as indirect dispatch arguments).
const MAX_GROUPS_PER_DIM: u32 = 65535u;

// Linear index of an invocation in such a grid.
fn linear_index(wg: vec3<u32>, nwg: vec3<u32>, local: u32, wg_size: u32) -> u32 {
  return (wg.y * nwg.x + wg.x) * wg_size + local;
}

// A grid of at least `groups` workgroups, each dimension <= 65535, split like grid1d.
fn grid_1d(groups: u32) -> vec3<u32> {
  if (groups <= MAX_GROUPS_PER_DIM) {
    return vec3<u32>(groups, 1u, 1u);
  }
  let y = (groups + MAX_GROUPS_PER_DIM - 1u) / MAX_GROUPS_PER_DIM;
  let x = (groups + y - 1u) / y;
  return vec3<u32>(x, y, 1u);
}
