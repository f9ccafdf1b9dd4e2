// Gather per-splat tile counts into depth order: one invocation per sorted position s < N.
// counts[s] = projected[sorted_values[s]].tiles, the input of the exclusive prefix sum that gives
// each splat (in depth order) its first intersection slot.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"

@group(1) @binding(0) var<storage, read> projected: array<ProjectedSplat>;   // [N] by splat index
@group(1) @binding(1) var<storage, read> sorted_values: array<u32>;          // [N] splat index, front to back
@group(1) @binding(2) var<storage, read_write> counts: array<u32>;           // [N] tiles per sorted splat

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let s = linear_index(wg, nwg, li, WG_SIZE);
  if (s >= cam.counts.x) { return; }
  counts[s] = projected[sorted_values[s]].tiles;
}
