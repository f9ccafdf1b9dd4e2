// 3D filter, forward: one invocation per splat i < N. The filtered parameters the renderer
// draws: log-scales 0.5 ln(s^2 + f^2) and the opacity logit of sigmoid(x) * c,
// c = sqrt(prod s^2 / prod (s^2 + f^2)) (common/filter3d.wgsl).
#include "common/dispatch.wgsl"
#include "common/filter3d.wgsl"

@group(0) @binding(0) var<uniform> params: Filter3dParams;
@group(0) @binding(1) var<storage, read> filter_std: array<f32>;               // [N]
@group(0) @binding(2) var<storage, read> log_scales: array<f32>;               // [N, 3] raw
@group(0) @binding(3) var<storage, read> opacity_logits: array<f32>;           // [N] raw
@group(0) @binding(4) var<storage, read_write> log_scales_eff: array<f32>;     // [N, 3] filtered
@group(0) @binding(5) var<storage, read_write> opacity_logits_eff: array<f32>; // [N] filtered

const FILTER3D_WG: u32 = 64u;

@compute @workgroup_size(FILTER3D_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, FILTER3D_WG);
  if (i >= params.count) { return; }
  let f2 = filter_std[i] * filter_std[i];
  let s2 = exp(2.0 * vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u]));
  let t = s2 + vec3<f32>(f2);
  let le = 0.5 * log(t);
  log_scales_eff[3u * i] = le.x;
  log_scales_eff[3u * i + 1u] = le.y;
  log_scales_eff[3u * i + 2u] = le.z;
  let ratio = s2 / t;
  let o = 1.0 / (1.0 + exp(-opacity_logits[i])) * sqrt(ratio.x * ratio.y * ratio.z);
  // logit(o), o in (0, 1): o <= sigmoid(x) < 1.
  opacity_logits_eff[i] = log(o) - log(1.0 - o);
}
