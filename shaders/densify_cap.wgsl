// Densification, pass 2 of 4: one invocation per splat i < count applies the splat cap and lays
// out the output rows. scan is the exclusive scan of densify_classify's growth [2, N], so
// scan[count + i] = (rows surviving untouched) + (growth of candidates before i): a candidate is
// granted its growth iff that plus its own growth stays <= max_splats. Growth is never negative,
// so the granted candidates are exactly those before the first one that does not fit. A refused
// candidate is left as it was (kept or pruned on its own terms).
// Writes the final action, rows [2, N] (original row kept 0/1; new rows) for the layout scan,
// and tallies the granted clones and splits (integer atomics: the totals are order-independent).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "densify_common.wgsl"

struct CapParams {
  count: u32,
  children: u32,
  max_splats: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: CapParams;
@group(0) @binding(1) var<storage, read> scan: array<u32>;             // [2N + 1] exclusive scan of growth
@group(0) @binding(2) var<storage, read_write> actions: array<u32>;    // [N] action word, made final
@group(0) @binding(3) var<storage, read_write> rows: array<u32>;       // [2, N] original kept; new rows
@group(0) @binding(4) var<storage, read_write> tally: array<atomic<u32>>; // [2] clones, splits granted

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  let n = params.count;
  if (i >= n) { return; }
  var a = actions[i];
  let kind = action_kind(a);
  if (kind != ACTION_NONE) {
    // u32 sums stay far below 2^32: both terms are bounded by (children + 1) * N.
    if (scan[n + i] + action_growth(a, params.children) <= params.max_splats) {
      atomicAdd(&tally[kind - 1u], 1u);
    } else {
      a = a & ~ACTION_KIND_MASK;
      actions[i] = a;
    }
  }
  let r = action_rows(a, params.children);
  rows[i] = r.x;
  rows[n + i] = r.y;
}
