// 3D filter, backward: one invocation per splat i < N. Turns the gradients by the filtered
// log-scales and opacity logit (what the renderer's backward produced) into gradients by the
// raw ones, in place. With s^2, t = s^2 + f^2, sigma = sigmoid(x) and o = sigma * c the filtered
// opacity:
//   d le_a / d l_a = s_a^2 / t_a,   d xe / d l_a = f^2 / (t_a (1 - o)),   d xe / d x = (1 - sigma) / (1 - o).
#include "common/dispatch.wgsl"
#include "common/filter3d.wgsl"

@group(0) @binding(0) var<uniform> params: Filter3dParams;
@group(0) @binding(1) var<storage, read> filter_std: array<f32>;               // [N]
@group(0) @binding(2) var<storage, read> log_scales: array<f32>;               // [N, 3] raw
@group(0) @binding(3) var<storage, read> opacity_logits: array<f32>;           // [N] raw
@group(0) @binding(4) var<storage, read_write> v_log_scales: array<f32>;       // [N, 3] in: filtered, out: raw
@group(0) @binding(5) var<storage, read_write> v_opacity_logits: array<f32>;   // [N] in: filtered, out: raw

const FILTER3D_WG: u32 = 64u;

@compute @workgroup_size(FILTER3D_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, FILTER3D_WG);
  if (i >= params.count) { return; }
  let f2 = filter_std[i] * filter_std[i];
  let s2 = exp(2.0 * vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u]));
  let t = s2 + vec3<f32>(f2);
  let ratio = s2 / t;
  let sig = 1.0 / (1.0 + exp(-opacity_logits[i]));
  let o = sig * sqrt(ratio.x * ratio.y * ratio.z);
  let v_xe = v_opacity_logits[i];
  let v_le = vec3<f32>(v_log_scales[3u * i], v_log_scales[3u * i + 1u], v_log_scales[3u * i + 2u]);
  let v_l = v_le * ratio + v_xe * f2 / (t * (1.0 - o));
  v_log_scales[3u * i] = v_l.x;
  v_log_scales[3u * i + 1u] = v_l.y;
  v_log_scales[3u * i + 2u] = v_l.z;
  v_opacity_logits[i] = v_xe * (1.0 - sig) / (1.0 - o);
}
