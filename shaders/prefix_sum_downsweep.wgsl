// Prefix sum, level 2: one workgroup per chunk c of SCAN_BLOCK input elements. Scans the chunk
// and adds spine[c] (the exclusive scan of the chunk sums), so output[i] = sum input[0 .. i).
// The last chunk also writes output[n] = the total.
// n = min(arrayLength(input), limit[0]) (see prefix_sum_reduce.wgsl). Chunks past n write nothing.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> input: array<u32>;            // [>= n] u32
@group(0) @binding(1) var<storage, read> spine: array<u32>;            // [ceil(n / SCAN_BLOCK)] u32 exclusive scan of chunk sums
@group(0) @binding(2) var<storage, read_write> output: array<u32>;     // [n + 1] u32
@group(0) @binding(3) var<storage, read> limit: array<u32>;            // [1] u32 upper bound on n

@compute @workgroup_size(SCAN_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let n = min(arrayLength(&input), limit[0]);
  let chunk = scan_chunk_id(wg, nwg);
  let base = chunk * SCAN_BLOCK;
  if (base >= n) {
    return;
  }
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
  let offset = spine[chunk];
  for (var j = 0u; j < SCAN_EPT; j = j + 1u) {
    let i = j * SCAN_WG + t;
    if (base + i < n) {
      output[base + i] = offset + scan_tile_load(i);
    }
  }
  if (t == 0u && n - base <= SCAN_BLOCK) {
    output[n] = offset + total;
  }
}
