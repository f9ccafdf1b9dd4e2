// Exclusive prefix sum of u32 in serial chunks, shared by the prefix-sum kernels (which the
// radix sort also uses to scan its digit histograms). No workgroup memory and no barriers: one
// invocation sums, then rescans, SCAN_CHUNK consecutive elements, and the chunk sums are scanned
// the same way one level up, until one invocation scans the top level whole. Integer sums only,
// so every result is exact and independent of the shape (deterministic on every adapter).
// src/kernels/prefix-sum.ts parses the constants below; the overrides come from
// src/gpu/kernel-shapes.ts.
#include "common/dispatch.wgsl"

override SCAN_CHUNK: u32 = 64u;  // elements per invocation
override SCAN_WG: u32 = 64u;     // invocations per workgroup

// Levels: level 0 is the input, level l + 1 holds the chunk sums of level l.
const SCAN_MAX_LEVELS: u32 = 8u;
// info buffer: [SCAN_INFO_WORDS] u32 in 256-byte slots (the storage binding offset alignment),
// so each level's words can be bound on their own.
//   slot 0: [0] the requested count (copied in by the host), [1] the scanned count
//   slot 1 + l: [0] length of level l, [1..3] indirect grid over its chunks
const SCAN_SLOT_WORDS: u32 = 64u;
const SCAN_INFO_WORDS: u32 = 640u;  // (SCAN_MAX_LEVELS + 2) * SCAN_SLOT_WORDS
fn div_ceil(a: u32, b: u32) -> u32 {
  return (a + b - 1u) / b;
}

// Index of an invocation in a 2-D grid of 1-D workgroups of SCAN_WG.
fn chunk_index(wg: vec3<u32>, nwg: vec3<u32>, local: u32) -> u32 {
  return linear_index(wg, nwg, local, SCAN_WG);
}
