// Indirect draw arguments of the sorted-quad path: a single invocation. The depth sort puts the
// culled splats (key CULLED_KEY, above every finite depth) after the visible ones, so the
// visible count is the position of the first CULLED_KEY, found by binary search.
// Writes [vertex count QUAD_VERTICES * visible, instance count 1, first vertex 0, first
// instance 0, visible, triangles]: one non-instanced triangle list (GPUs: a quad per splat; CPU
// adapters take their draw arguments from polygon_table.wgsl instead).
#include "common/constants.wgsl"
#include "common/camera.wgsl"

// A quad of two triangles per splat, as splat_quads.wgsl draws with SPLAT_VERTICES 6.
const QUAD_VERTICES: u32 = 6u;

@group(1) @binding(0) var<storage, read> sorted_keys: array<u32>;   // [N] depth keys, ascending
@group(1) @binding(1) var<storage, read_write> args: array<u32>;    // [8] u32 draw-indirect arguments, visible, triangles

@compute @workgroup_size(1)
fn main() {
  var lo = 0u;
  var hi = cam.counts.x;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (sorted_keys[mid] == CULLED_KEY) { hi = mid; } else { lo = mid + 1u; }
  }
  args[0] = QUAD_VERTICES * lo;
  args[1] = 1u;
  args[2] = 0u;
  args[3] = 0u;
  args[4] = lo;
  args[5] = 2u * lo;  // triangles
}
