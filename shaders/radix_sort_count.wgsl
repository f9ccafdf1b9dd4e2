// Radix sort pass, step 1: one invocation per chunk c. Counts the digits of this pass over the
// chunk's keys into column c of the digit-major histogram: hist[d * chunks + c] (see
// common/sort.wgsl). The invocation owns its column, so plain read-modify-writes suffice.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;          // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys: array<u32>;          // [count] u32
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;    // [bins, chunks] u32

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let chunks = info[SORT_INFO_CHUNKS];
  let c = sort_chunk_id(wg, nwg, li);
  if (c >= chunks) { return; }
  let p = pass_consts;
  for (var d = 0u; d < p.bins; d++) {
    hist[d * chunks + c] = 0u;
  }
  let first = c * info[SORT_INFO_CHUNK_KEYS];
  let end = min(first + info[SORT_INFO_CHUNK_KEYS], info[SORT_INFO_COUNT]);
  for (var i = first; i < end; i++) {
    let h = radix_digit(keys[i], p) * chunks + c;
    hist[h] = hist[h] + 1u;
  }
}
