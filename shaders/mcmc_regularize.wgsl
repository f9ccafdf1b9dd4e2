// MCMC regularisers, added to the gradients before the optimizer step: one invocation per
// splat i < count adds the gradient of lambda_o mean_i(o_i) + lambda_s mean_{i,k}(exp(s_ik)):
//   v_opacity_logit[i] += (lambda_o / N) o (1 - o),   v_log_scale[i, k] += (lambda_s / 3N) exp(s_ik).
// The host folds 1/N and 1/3N into the two coefficients (float64). src/reference/mcmc.ts
// mcmcRegularizer is the reference, checked against finite differences.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"

struct RegularizeParams {
  count: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
  opacity_coeff: f32,  // lambda_o / N
  scale_coeff: f32,    // lambda_s / (3 N)
}

@group(0) @binding(0) var<uniform> params: RegularizeParams;
@group(0) @binding(1) var<storage, read> opacity_logits: array<f32>;       // [N]
@group(0) @binding(2) var<storage, read> log_scales: array<f32>;           // [N, 3]
@group(0) @binding(3) var<storage, read_write> v_opacity_logits: array<f32>; // [N]
@group(0) @binding(4) var<storage, read_write> v_log_scales: array<f32>;   // [N, 3]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= params.count) { return; }
  // o (1 - o) = e / (1 + e)^2 with e = exp(-|l|): no 1 - o, which loses digits as o -> 1.
  let e = exp(-abs(opacity_logits[i]));
  v_opacity_logits[i] = v_opacity_logits[i] + params.opacity_coeff * e / ((1.0 + e) * (1.0 + e));
  for (var k = 0u; k < 3u; k++) {
    v_log_scales[3u * i + k] = v_log_scales[3u * i + k] + params.scale_coeff * exp(log_scales[3u * i + k]);
  }
}
