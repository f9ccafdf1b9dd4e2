// MCMC position noise, once per iteration: one invocation per splat i < count adds
//   scaler * sigmoid(-k (o - o0)) * Sigma z,  z ~ N(0, I),  Sigma = R diag(exp(2 s)) R^T
// to its mean (gsplat's inject_noise_to_position with k = 100, o0 = 0.005): the gate is about
// 1/2 at o = o0 and below 1% from o = 0.05, so only nearly transparent splats explore. z comes
// from the counter-based hash of (seed, iteration, i) (common/hash.wgsl normal3);
// src/reference/mcmc.ts mcmcNoise.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/gaussian.wgsl"
#include "mcmc_common.wgsl"

struct NoiseParams {
  count: u32,
  seed: u32,
  iteration: u32,
  _pad: u32,
  scaler: f32,         // means learning rate * noise learning rate
  sharpness: f32,      // k
  gate_opacity: f32,   // o0
}

@group(0) @binding(0) var<uniform> params: NoiseParams;
@group(0) @binding(1) var<storage, read_write> means: array<f32>;        // [N, 3]
@group(0) @binding(2) var<storage, read> log_scales: array<f32>;         // [N, 3]
@group(0) @binding(3) var<storage, read> quats: array<f32>;              // [N, 4] wxyz, unnormalised
@group(0) @binding(4) var<storage, read> opacity_logits: array<f32>;     // [N]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= params.count) { return; }
  let o = 1.0 / (1.0 + exp(-opacity_logits[i]));
  // exp argument capped: past 80 the gate is 0 in f32 either way.
  let gate = 1.0 / (1.0 + exp(min(params.sharpness * (o - params.gate_opacity), 80.0)));
  let z = normal3(stream_key(params.seed, params.iteration, MCMC_STREAM_NOISE) + 4u * i);
  let q = vec4<f32>(quats[4u * i], quats[4u * i + 1u], quats[4u * i + 2u], quats[4u * i + 3u]);
  let rot = quat_to_mat(safe_normalize4(q));
  let s = vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u]);
  let sigma_z = rot * (exp(2.0 * s) * (transpose(rot) * z));
  let d = params.scaler * gate * sigma_z;
  for (var k = 0u; k < 3u; k++) { means[3u * i + k] = means[3u * i + k] + d[k]; }
}
