// Loss statistics, level 1: one invocation per chunk of LOSS_CHUNK consecutive pixels sums their
// ssim_map.wgsl sums in index order (deterministic; no workgroup memory, no atomics).
#include "common/ssim.wgsl"
#include "common/dispatch.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> pixel_sums: array<vec4<f32>>;     // [H * W]
@group(0) @binding(2) var<storage, read_write> chunk_sums: array<vec4<f32>>; // [ceil(H * W / LOSS_CHUNK)]

@compute @workgroup_size(LOSS_REDUCE_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let c = linear_index(wg, nwg, li, LOSS_REDUCE_WG);
  let n = params.width * params.height;
  let first = c * LOSS_CHUNK;
  if (first >= n) { return; }
  var acc = vec4<f32>(0.0);
  for (var i = first; i < min(first + LOSS_CHUNK, n); i++) { acc += pixel_sums[i]; }
  chunk_sums[c] = acc;
}
