// Prefix sum, single workgroup: exclusive scan of the whole of input[0 .. n) in tiles of
// SCAN_BLOCK, carrying the running total between tiles. Writes output[i] = sum input[0 .. i) for
// i < n and output[n] = the total. Used directly for short inputs, and to scan the chunk sums of
// prefix_sum_reduce (the "spine") for long ones.
// n = min(arrayLength(input), limit[0]) (see prefix_sum_reduce.wgsl). Dispatch exactly 1 workgroup.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> input: array<u32>;            // [>= n] u32
@group(0) @binding(1) var<storage, read_write> output: array<u32>;     // [n + 1] u32 exclusive scan, then total
@group(0) @binding(2) var<storage, read> limit: array<u32>;            // [1] u32 upper bound on n

@compute @workgroup_size(SCAN_WG)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = min(arrayLength(&input), limit[0]);
  var carry = 0u;
  for (var base = 0u; base < n; base = base + SCAN_BLOCK) {
    for (var j = 0u; j < SCAN_EPT; j = j + 1u) {
      let i = j * SCAN_WG + t;
      var v = 0u;
      if (base + i < n) {
        v = input[base + i];
      }
      scan_tile_store(i, v);
    }
    workgroupBarrier();
    let total = scan_tile_exclusive(t);
    for (var j = 0u; j < SCAN_EPT; j = j + 1u) {
      let i = j * SCAN_WG + t;
      if (base + i < n) {
        output[base + i] = carry + scan_tile_load(i);
      }
    }
    carry = carry + total;
    // The next tile overwrites scan_tile, which other invocations may still be reading.
    workgroupBarrier();
  }
  if (t == 0u) {
    output[n] = carry;
  }
}
