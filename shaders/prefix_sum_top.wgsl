// Prefix sum, top level: a single invocation scans the whole level (at most SCAN_CHUNK elements
// by the host's choice of levels; any length is still correct). dst[i] = sum src[0 .. i),
// dst[len] = total[0] = the total.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read> level: array<u32>;        // [4] u32: length of src
@group(0) @binding(1) var<storage, read> src: array<u32>;          // [>= len] u32
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;    // [len + 1] u32
@group(0) @binding(3) var<storage, read_write> total: array<u32>;  // [1] u32

@compute @workgroup_size(1)
fn main() {
  let len = level[0];
  var run = 0u;
  for (var i = 0u; i < len; i++) {
    let v = src[i];
    dst[i] = run;
    run += v;
  }
  dst[len] = run;
  total[0] = run;
}
