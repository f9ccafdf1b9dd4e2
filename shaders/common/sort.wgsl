// Shared by the radix sort kernels: the per-pass constants, the layout of the `info` buffer that
// radix_sort_setup.wgsl fills from the GPU-side key count (so every later dispatch is indirect and
// sized by the real count, not the CPU bound), and the chunk shape. src/kernels/radix-sort.ts
// parses the constants; the overrides come from src/gpu/kernel-shapes.ts.
//
// Scheme (no workgroup memory, no barriers): the keys are cut into chunks of consecutive keys,
// one invocation per chunk. Per pass, each invocation counts its chunk's digits into its own
// column of a digit-major histogram hist[d * chunks + c]; an exclusive scan of hist gives every
// (digit, chunk) its first output slot (all smaller digits first, then the same digit in earlier
// chunks); each invocation then walks its chunk in order and writes every key to the next slot
// of its digit. Equal digits keep their input order, so every pass is stable.
#include "common/dispatch.wgsl"

override SORT_WG: u32 = 64u;              // invocations per workgroup
override SORT_MIN_CHUNK: u32 = 64u;       // fewest keys per chunk
override SORT_TARGET_CHUNKS: u32 = 512u;  // chunks aimed for; above it chunks grow instead

// info buffer: [SORT_INFO_WORDS] u32.
const SORT_INFO_COUNT: u32 = 0u;       // keys to sort (the caller's count, clamped to the buffers)
const SORT_INFO_CHUNK_KEYS: u32 = 1u;  // keys per chunk
const SORT_INFO_CHUNKS: u32 = 2u;      // ceil(count / keys per chunk)
const SORT_INFO_HIST_LEN: u32 = 3u;    // bins * chunks: length of the digit histogram
const SORT_INFO_GRID: u32 = 4u;        // 3 u32: indirect dispatch grid over chunks
const SORT_INFO_WORDS: u32 = 8u;

// Per-pass constants, one 256-byte slot per (shift, width), selected by a dynamic offset.
struct SortPass {
  shift: u32,
  mask: u32,   // (1 << width) - 1
  bins: u32,   // digit bins of every pass of this sort (the widest pass's)
  _pad: u32,
}

// Widest digit: 8 bits, 256 bins (the private counters of the CPU kernels are this long).
const SORT_MAX_DIGIT_BITS: u32 = 8u;
const SORT_MAX_BINS: u32 = 1u << SORT_MAX_DIGIT_BITS;

fn radix_digit(key: u32, p: SortPass) -> u32 {
  return (key >> p.shift) & p.mask;
}

fn radix_digit4(keys: vec4<u32>, p: SortPass) -> vec4<u32> {
  return (keys >> vec4<u32>(p.shift)) & vec4<u32>(p.mask);
}

fn sort_chunk_id(wg: vec3<u32>, nwg: vec3<u32>, local: u32) -> u32 {
  return linear_index(wg, nwg, local, SORT_WG);
}
