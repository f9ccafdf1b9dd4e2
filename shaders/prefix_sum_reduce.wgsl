// Prefix sum, going up: one invocation per chunk c of SCAN_CHUNK elements of a level.
// dst[c] = sum of src[c * SCAN_CHUNK ..] clipped to the level's length.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> level: array<u32>;      // [4] u32: length of src, grid
@group(0) @binding(1) var<storage, read> src: array<u32>;        // [>= len] u32
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;  // [ceil(len / SCAN_CHUNK)] u32

@compute @workgroup_size(SCAN_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let len = level[0];
  let c = chunk_index(wg, nwg, li);
  let first = c * SCAN_CHUNK;
  if (first >= len) { return; }
  let end = min(first + SCAN_CHUNK, len);
  var sum = 0u;
  for (var i = first; i < end; i++) {
    sum += src[i];
  }
  dst[c] = sum;
}
