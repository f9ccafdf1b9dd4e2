// Densification, pass 1 of 4: one invocation per splat i < count decides what the schedule's
// densify-and-prune step would do to it, before the splat cap is applied (densify_cap).
// Reads the accumulated statistics and the splat's log-scales and opacity logit; writes its
// action word (densify_common.wgsl) and, for the cap's scan, growth[i] = 1 if the row survives
// the prune untouched else 0, growth[count + i] = rows gained if it is densified.
// Thresholds arrive in log / logit space (computed in float64 on the host), so no exp or sigmoid
// is evaluated here: max(exp(s)) <= T  <=>  max(s) <= log(T), sigmoid(x) < o <=> x < logit(o).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "densify_common.wgsl"

struct ClassifyParams {
  count: u32,
  children: u32,            // children per split parent
  world_prune: u32,         // 1: also prune max scale > maxWorldScale * E
  _pad: u32,
  grad_threshold: f32,      // on the mean NDC gradient norm sum / visible count
  clone_max_log_scale: f32, // log(percentDense * E): clone at or below, split above
  prune_max_log_scale: f32, // log(maxWorldScale * E)
  min_opacity_logit: f32,   // logit(minOpacity): prune below
  log_divisor: f32,         // log(splitScaleDivisor): a child's log-scales are the parent's minus this
}

@group(0) @binding(0) var<uniform> params: ClassifyParams;
@group(0) @binding(1) var<storage, read> stats: array<vec4<f32>>;   // [N] grad-norm sum, visible count, _, _
@group(0) @binding(2) var<storage, read> log_scales: array<f32>;    // [N, 3] f32
@group(0) @binding(3) var<storage, read> opacity_logits: array<f32>; // [N] f32
@group(0) @binding(4) var<storage, read_write> actions: array<u32>;  // [N] action word
@group(0) @binding(5) var<storage, read_write> growth: array<u32>;   // [2, N] survives untouched; rows gained

fn pruned(max_log_scale: f32, logit: f32) -> bool {
  return logit < params.min_opacity_logit
    || (params.world_prune != 0u && max_log_scale > params.prune_max_log_scale);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  if (i >= n) { return; }
  let st = stats[i];
  let grad = select(0.0, st.x / st.y, st.y > 0.0);
  let s = max(max(log_scales[3u * i], log_scales[3u * i + 1u]), log_scales[3u * i + 2u]);
  let logit = opacity_logits[i];
  var a = ACTION_NONE;
  if (grad >= params.grad_threshold) {
    a = select(ACTION_SPLIT, ACTION_CLONE, s <= params.clone_max_log_scale);
  }
  if (!pruned(s, logit)) { a |= ACTION_KEEP_SELF; }
  // A clone's copy is identical to its original; split children have smaller scales.
  let new_scale = select(s, s - params.log_divisor, action_kind(a) == ACTION_SPLIT);
  if (action_kind(a) != ACTION_NONE && !pruned(new_scale, logit)) { a |= ACTION_KEEP_NEW; }
  actions[i] = a;
  growth[i] = action_keeps_self(a);
  growth[n + i] = select(0u, action_growth(a, params.children), action_kind(a) != ACTION_NONE);
}
