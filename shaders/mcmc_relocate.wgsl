// MCMC relocation update, pass 4 of a round (mcmc_common.wgsl mcmc_relocated):
//   mode 0: one invocation per draw j < info[0] writes the destination's opacity logit and
//           log-scales from its source's (still unchanged) values and times drawn, and with
//           spread > 0 moves the copy's mean by spread * R diag(scale') z, z ~ N(0, I) hashed from
//           (seed, iteration, the round's spread stream, j), scale' the copy's new scale: a copy
//           stacked exactly on its source gets nearly the same gradients and stays there, so in a
//           short run it adds little; offset, it starts where the source's footprint reaches;
//   mode 1: one invocation per row i < count that was drawn updates its own values in place.
// Mode 0 must run before mode 1 (a separate dispatch), as it reads the sources' old values.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/gaussian.wgsl"
#include "mcmc_common.wgsl"

struct RelocateParams {
  count: u32,        // mode 0: draws bound of the dispatch; mode 1: rows N
  mode: u32,
  seed: u32,         // mode 0: the offsets hash (seed, iteration, stream, draw)
  iteration: u32,
  min_opacity: f32,
  spread: f32,       // mode 0: the offset in standard deviations; 0: copies stay on their source
  relocate: u32,     // 1: a relocation round's copies (their own stream), 0: a growth round's
}

@group(0) @binding(0) var<uniform> params: RelocateParams;
@group(0) @binding(1) var<storage, read> pairs: array<vec2<u32>>;          // [draws] (source, destination)
@group(0) @binding(2) var<storage, read> counts: array<u32>;               // [N] times drawn
@group(0) @binding(3) var<storage, read> info: array<u32>;                 // [4] draws made
@group(0) @binding(4) var<storage, read_write> opacity_logits: array<f32>; // [rows]
@group(0) @binding(5) var<storage, read_write> log_scales: array<f32>;     // [rows, 3]
@group(0) @binding(6) var<storage, read_write> means: array<f32>;          // [rows, 3] world xyz
@group(0) @binding(7) var<storage, read> quats: array<f32>;                // [rows, 4] wxyz, unnormalised

fn write_row(dst: u32, src: u32) {
  let r = mcmc_relocated(opacity_logits[src], counts[src] + 1u, params.min_opacity);
  let s = vec3<f32>(log_scales[3u * src], log_scales[3u * src + 1u], log_scales[3u * src + 2u]);
  opacity_logits[dst] = r.logit;
  for (var k = 0u; k < 3u; k++) { log_scales[3u * dst + k] = s[k] + r.log_coeff; }
}

// Draw j's copy in row dst (its quaternion and new log-scales already written) moves off its source.
fn spread_copy(j: u32, dst: u32) {
  let stream = select(MCMC_STREAM_ADD_SPREAD, MCMC_STREAM_RELOCATE_SPREAD, params.relocate != 0u);
  let z = normal3(stream_key(params.seed, params.iteration, stream) + 4u * j);
  let q = vec4<f32>(quats[4u * dst], quats[4u * dst + 1u], quats[4u * dst + 2u], quats[4u * dst + 3u]);
  let scale = exp(vec3<f32>(log_scales[3u * dst], log_scales[3u * dst + 1u], log_scales[3u * dst + 2u]));
  let d = params.spread * (quat_to_mat(safe_normalize4(q)) * (scale * z));
  for (var k = 0u; k < 3u; k++) { means[3u * dst + k] = means[3u * dst + k] + d[k]; }
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= params.count) { return; }
  if (params.mode == 0u) {
    if (i >= info[0]) { return; }
    let pr = pairs[i];
    write_row(pr.y, pr.x);
    if (params.spread > 0.0) { spread_copy(i, pr.y); }
  } else if (counts[i] > 0u) {
    write_row(i, i);
  }
}
