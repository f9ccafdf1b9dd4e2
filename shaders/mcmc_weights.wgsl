// MCMC draw weights, pass 1 of a relocation or growth round: one invocation per splat i < count
// writes its integer weight w[i] = max(1, floor(sigmoid(logit) * f * 2^bits)) (mcmc_weight_scale)
// when it may be drawn, with f = 1 (gsplat: draws by opacity), or with a reference gradient g0 > 0
// f = clamp(g / g0, 0.1, 10) / 10 for g the splat's mean view-space gradient norm since the last
// refinement (the densification statistics ADC thresholds): copies then go where the image
// still pulls, as ADC's clones and splits do,
// else 0, and (relocation round) dead[i] = 1 when its opacity is at most min_opacity, at
// flags[count + i]. An exclusive scan of flags [2N] then gives the draw intervals (first half),
// the total weight (scan[N]) and each dead splat's rank among the dead (scan[N + i] - scan[N]).
// Sums fit u32: count * 2^bits <= 2^31 plus at most count dead.
// The dead test runs in logit space: sigmoid(l) <= o  <=>  l <= logit(o) (from float64).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "mcmc_common.wgsl"

struct WeightParams {
  count: u32,
  relocate: u32,          // 1: relocation round (dead splats are not drawn, and are flagged)
  dead_max_logit: f32,    // logit(min_opacity), from float64
  grad_ref: f32,          // g0; 0: weights by opacity alone
}

@group(0) @binding(0) var<uniform> params: WeightParams;
@group(0) @binding(1) var<storage, read> opacity_logits: array<f32>;  // [N]
@group(0) @binding(2) var<storage, read_write> flags: array<u32>;     // [2N] weights; dead flags (relocation)
@group(0) @binding(3) var<storage, read> stats: array<vec4<f32>>;     // [N] grad-norm sum, visible count, _, _

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  if (i >= n) { return; }
  let l = opacity_logits[i];
  let dead = params.relocate != 0u && l <= params.dead_max_logit;
  let o = 1.0 / (1.0 + exp(-l));
  var f = 1.0;
  if (params.grad_ref > 0.0) {
    let st = stats[i];
    f = clamp(st.x / max(st.y, 1.0) / params.grad_ref, 0.1, 10.0) / 10.0;
  }
  let w = max(1u, u32(floor(o * f * mcmc_weight_scale(n))));
  flags[i] = select(w, 0u, dead);
  if (params.relocate != 0u) { flags[n + i] = select(0u, 1u, dead); }
}
