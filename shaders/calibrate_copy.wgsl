// Calibration (benchmarks only): a streaming copy, one vec4 per invocation. Its bytes per second
// are the adapter's practical bandwidth that bench/README.md measures every stage against.
#include "common/dispatch.wgsl"

override COPY_WG: u32 = 256u;

@group(0) @binding(0) var<storage, read> src: array<vec4<u32>>;        // [n] 16-byte words
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<u32>>;  // [n]

@compute @workgroup_size(COPY_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, COPY_WG);
  if (i < arrayLength(&src)) {
    dst[i] = src[i];
  }
}
