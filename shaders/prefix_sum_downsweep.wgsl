// Prefix sum, going down: one invocation per chunk c of SCAN_CHUNK elements of a level. Rescans
// the chunk from prefix[c] (the exclusive scan of the chunk sums, one level up):
// dst[i] = sum src[0 .. i). The last chunk also writes dst[len] = the total.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> level: array<u32>;      // [4] u32: length of src, grid
@group(0) @binding(1) var<storage, read> src: array<u32>;        // [>= len] u32
@group(0) @binding(2) var<storage, read> prefix: array<u32>;     // [ceil(len / SCAN_CHUNK) + 1] u32
@group(0) @binding(3) var<storage, read_write> dst: array<u32>;  // [len + 1] u32

@compute @workgroup_size(SCAN_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let len = level[0];
  let c = chunk_index(wg, nwg, li);
  let first = c * SCAN_CHUNK;
  if (first >= len) { return; }
  let end = min(first + SCAN_CHUNK, len);
  var run = prefix[c];
  for (var i = first; i < end; i++) {
    let v = src[i];
    dst[i] = run;
    run += v;
  }
  if (end == len) {
    dst[len] = run;
  }
}
