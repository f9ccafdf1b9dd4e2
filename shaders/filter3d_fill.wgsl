// 3D filter, step 2: one invocation per splat i < N. A splat no training camera sees gets the
// largest filter of the seen ones (Mip-Splatting's rule); 0 when no splat is seen at all.
#include "common/dispatch.wgsl"
#include "common/filter3d.wgsl"

@group(0) @binding(0) var<uniform> params: Filter3dParams;
@group(0) @binding(1) var<storage, read_write> filter_std: array<f32>;   // [N] world units
@group(0) @binding(2) var<storage, read> max_filter: array<u32>;         // [1] f32 bits

const FILTER3D_WG: u32 = 64u;

@compute @workgroup_size(FILTER3D_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, FILTER3D_WG);
  if (i >= params.count || filter_std[i] >= 0.0) { return; }
  filter_std[i] = bitcast<f32>(max_filter[0]);
}
