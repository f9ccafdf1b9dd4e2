// MCMC draws, pass 2 of a round: each draw j picks a source row with probability proportional
// to its weight: t = floor(hash(key + j) * total / 2^32), source = the row i with
// scan[i] <= t < scan[i + 1] (binary search over the exclusive scan of mcmc_weights' flags).
//   relocation (relocate = 1): one invocation per splat i < count; a dead splat is draw
//     j = its rank among the dead and is the copy's destination;
//   growth (relocate = 0): one invocation per draw j < draws; the destination is row count + j.
// Writes pairs[j] = (source, destination), counts[source] += 1 (integer atomics: the totals do
// not depend on the order) and info[0] = number of draws (0 when every weight is 0).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "mcmc_common.wgsl"

struct SampleParams {
  count: u32,      // rows N that can be drawn
  relocate: u32,
  draws: u32,      // growth: copies to append
  seed: u32,
  iteration: u32,
}

@group(0) @binding(0) var<uniform> params: SampleParams;
@group(0) @binding(1) var<storage, read> scan: array<u32>;              // [2N + 1] or [N + 1] exclusive scan of flags
@group(0) @binding(2) var<storage, read_write> pairs: array<vec2<u32>>; // [draws] (source, destination)
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>; // [N] times drawn, zeroed by the host
@group(0) @binding(4) var<storage, read_write> info: array<u32>;        // [4] draws made

// The row whose interval [scan[i], scan[i + 1]) holds t < scan[n].
fn find_source(t: u32, n: u32) -> u32 {
  var lo = 0u;
  var hi = n;
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (scan[mid] <= t) { lo = mid; } else { hi = mid; }
  }
  return lo;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let idx = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  let total = scan[n];
  var draws = params.draws;
  if (params.relocate != 0u) { draws = scan[2u * n] - total; }
  if (total == 0u) { draws = 0u; }
  if (idx == 0u) { info[0] = draws; }
  if (draws == 0u) { return; }
  var j = idx;
  var dest = n + idx;
  if (params.relocate != 0u) {
    if (idx >= n || scan[n + idx + 1u] == scan[n + idx]) { return; }
    j = scan[n + idx] - total;
    dest = idx;
  } else if (idx >= draws) {
    return;
  }
  let key = stream_key(params.seed, params.iteration, select(MCMC_STREAM_ADD, MCMC_STREAM_RELOCATE, params.relocate != 0u));
  let src = find_source(mul_hi32(pcg_hash(key + j), total), n);
  pairs[j] = vec2<u32>(src, dest);
  atomicAdd(&counts[src], 1u);
}
