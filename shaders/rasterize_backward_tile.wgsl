// Tile rasterizer backward, CPU-adapter shape (common/rasterize_backward_tile.wgsl), each of a
// tile's 4 invocations writing its own copy of every slot's partial; project_backward_reduce.wgsl
// adds the copies in lane order.
#include "common/rasterize_backward_tile.wgsl"

@group(1) @binding(5) var<storage, read_write> v_isect: array<ProjectedGrad>; // [capacity, TILE_LANES] partials by slot, lane

fn store_partial(slot: u32, lane: u32, g: ProjectedGrad) {
  v_isect[slot * TILE_LANES + lane] = g;
}
