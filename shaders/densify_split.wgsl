// Densification, pass 4 of 4: one invocation per source splat i < count whose final action is
// a split writes its surviving children's means and log-scales over the copies densify_scatter
// put at rows [row_layout[N + i], row_layout[N + i + 1]): child c gets
//   mean = mu + R(q / |q|) (exp(s) * z),  z ~ N(0, I)  (a sample of the parent Gaussian),
//   log_scale = s - log(divisor)  (= log(exp(s) / divisor), without the exp round trip).
// With clone_spread > 0 a clone's copy (its one new row) moves the same way scaled by
// clone_spread, keeping its scale: a copy stacked on its source gets nearly the same gradients
// and parts from it slowly. 0 leaves clones stacked (the reference).
// z comes from a counter-based hash of (seed, iteration, i, c), so results do not depend on
// scheduling; src/reference/densify.ts `splitNoise` is the same function in float64.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/gaussian.wgsl"
#include "common/hash.wgsl"
#include "densify_common.wgsl"

struct SplitParams {
  count: u32,
  seed: u32,
  iteration: u32,
  _pad: u32,
  log_divisor: f32,
  clone_spread: f32,   // a clone's offset in standard deviations; 0: stacked on its source
}

@group(0) @binding(0) var<uniform> params: SplitParams;
@group(0) @binding(1) var<storage, read> actions: array<u32>;         // [N] final action word
@group(0) @binding(2) var<storage, read> row_layout: array<u32>;          // [2N + 1] exclusive scan of rows
@group(0) @binding(3) var<storage, read> src_means: array<f32>;       // [N, 3]
@group(0) @binding(4) var<storage, read> src_log_scales: array<f32>;  // [N, 3]
@group(0) @binding(5) var<storage, read> src_quats: array<f32>;       // [N, 4] wxyz, unnormalised
@group(0) @binding(6) var<storage, read_write> dst_means: array<f32>; // [N', 3]
@group(0) @binding(7) var<storage, read_write> dst_log_scales: array<f32>; // [N', 3]

fn split_noise(i: u32, child: u32) -> vec3<f32> {
  let key = pcg_hash(pcg_hash(pcg_hash(i) ^ params.iteration) ^ params.seed);
  return normal3(key + child * 4u);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  if (i >= n) { return; }
  let kind = action_kind(actions[i]);
  let is_split = kind == ACTION_SPLIT;
  if (!is_split && !(kind == ACTION_CLONE && params.clone_spread > 0.0)) { return; }
  let mu = vec3<f32>(src_means[3u * i], src_means[3u * i + 1u], src_means[3u * i + 2u]);
  let s = vec3<f32>(src_log_scales[3u * i], src_log_scales[3u * i + 1u], src_log_scales[3u * i + 2u]);
  let q = vec4<f32>(src_quats[4u * i], src_quats[4u * i + 1u], src_quats[4u * i + 2u], src_quats[4u * i + 3u]);
  let rot = quat_to_mat(safe_normalize4(q));
  let sd = exp(s);
  let child_s = select(s, s - vec3<f32>(params.log_divisor), is_split);
  let amount = select(params.clone_spread, 1.0, is_split);
  let first = row_layout[n + i];
  for (var r = first; r < row_layout[n + i + 1u]; r++) {
    let m = mu + amount * (rot * (sd * split_noise(i, r - first)));
    for (var k = 0u; k < 3u; k++) {
      dst_means[3u * r + k] = m[k];
      dst_log_scales[3u * r + k] = child_s[k];
    }
  }
}
