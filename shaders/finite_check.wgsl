// Non-finite detector: one invocation per element e < count of a parameter buffer. Sets bit
// `params.bit` of flags[0] when the element is NaN or +-Inf. Bits from several buffers and steps
// accumulate until the host reads and clears them (an integer OR: order does not matter).
#include "common/dispatch.wgsl"

struct CheckParams {
  count: u32,
  bit: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: CheckParams;
@group(0) @binding(1) var<storage, read> data: array<f32>;          // [count]
@group(0) @binding(2) var<storage, read_write> flags: array<atomic<u32>>; // [1]

const CHECK_WG: u32 = 256u;

@compute @workgroup_size(CHECK_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linear_index(wg, nwg, li, CHECK_WG);
  if (e >= params.count) { return; }
  // Exponent bits all ones = NaN or Inf (bit tests survive fast-math compilers).
  if ((bitcast<u32>(data[e]) & 0x7f800000u) == 0x7f800000u) {
    atomicOr(&flags[0], 1u << params.bit);
  }
}
