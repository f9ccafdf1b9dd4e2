// Prefix sum, level 1: one workgroup per chunk c of SCAN_BLOCK input elements.
// Reads input[c * SCAN_BLOCK ..] (clipped to n), writes partials[c] = the chunk's sum.
// n = min(arrayLength(input), limit[0]): PrefixSum binds input with exactly `count` elements and
// a limit of 0xffffffff; the radix sort binds its histogram buffer and the GPU-computed length.
// Invariant: chunks at or past n write nothing.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> input: array<u32>;            // [>= n] u32
@group(0) @binding(1) var<storage, read_write> partials: array<u32>;   // [ceil(n / SCAN_BLOCK)] u32 chunk sums
@group(0) @binding(2) var<storage, read> limit: array<u32>;            // [1] u32 upper bound on n

@compute @workgroup_size(SCAN_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let n = min(arrayLength(&input), limit[0]);
  let chunk = scan_chunk_id(wg, nwg);
  let base = chunk * SCAN_BLOCK;
  if (base >= n) {
    return;
  }
  // Sum order does not matter for integers, so read coalesced (stride SCAN_WG) straight from memory.
  var own = 0u;
  for (var j = 0u; j < SCAN_EPT; j = j + 1u) {
    let i = base + j * SCAN_WG + t;
    if (i < n) {
      own = own + input[i];
    }
  }
  let r = scan_workgroup(t, own);
  if (t == 0u) {
    partials[chunk] = r.y;
  }
}
