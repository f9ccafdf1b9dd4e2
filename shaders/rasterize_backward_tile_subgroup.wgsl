enable subgroups;
// Tile rasterizer backward, CPU-adapter shape (common/rasterize_backward_tile.wgsl), with the
// `subgroups` feature: a tile's 4 invocations are one subgroup, and subgroupAdd sums their parts
// of a slot's partial, which invocation 0 writes: one copy per slot.
#include "common/rasterize_backward_tile.wgsl"

@group(1) @binding(5) var<storage, read_write> v_isect: array<ProjectedGrad>; // [capacity] partials by slot

fn store_partial(slot: u32, lane: u32, g: ProjectedGrad) {
  let sum = ProjectedGrad(subgroupAdd(g.xy_ab), subgroupAdd(g.c_o_rg), vec4<f32>(subgroupAdd(g.b.x), 0.0, 0.0, 0.0));
  if (lane == 0u) {
    v_isect[slot] = sum;
  }
}
