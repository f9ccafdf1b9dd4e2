// 3D filter, step 1: one invocation per splat i < N. Finds the highest sampling rate focal / z
// among the cameras that see the splat's centre (common/filter3d.wgsl) and writes the filter's
// standard deviation, or -1 when no camera sees it; the largest filter so far goes to
// max_filter (f32 bits of a positive number order like u32), for filter3d_fill.wgsl.
#include "common/dispatch.wgsl"
#include "common/filter3d.wgsl"

@group(0) @binding(0) var<uniform> params: Filter3dParams;
@group(0) @binding(1) var<storage, read> cameras: array<FilterCamera>;   // [V]
@group(0) @binding(2) var<storage, read> means: array<f32>;              // [N, 3]
@group(0) @binding(3) var<storage, read_write> filter_std: array<f32>;   // [N] world units, -1: unseen
@group(0) @binding(4) var<storage, read_write> max_filter: atomic<u32>;  // f32 bits of the largest

const FILTER3D_WG: u32 = 64u;

@compute @workgroup_size(FILTER3D_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, FILTER3D_WG);
  if (i >= params.count) { return; }
  let m = vec3<f32>(means[3u * i], means[3u * i + 1u], means[3u * i + 2u]);
  var rate = 0.0;
  for (var c = 0u; c < params.cameras; c++) {
    let cam = cameras[c];
    let t = vec3<f32>(dot(cam.rot0.xyz, m), dot(cam.rot1.xyz, m), dot(cam.rot2.xyz, m)) + cam.trans.xyz;
    if (!(t.z > cam.size_near.z)) { continue; }
    let u = cam.intrinsics.x * t.x / t.z + cam.intrinsics.z;
    let v = cam.intrinsics.y * t.y / t.z + cam.intrinsics.w;
    let w = cam.size_near.x;
    let h = cam.size_near.y;
    if (u < -FILTER3D_MARGIN * w || u > (1.0 + FILTER3D_MARGIN) * w || v < -FILTER3D_MARGIN * h || v > (1.0 + FILTER3D_MARGIN) * h) { continue; }
    rate = max(rate, cam.intrinsics.x / t.z);
  }
  if (rate > 0.0) {
    let f = sqrt(FILTER3D_VARIANCE) / rate;
    filter_std[i] = f;
    atomicMax(&max_filter, bitcast<u32>(f));
  } else {
    filter_std[i] = -1.0;
  }
}
