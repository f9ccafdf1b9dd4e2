// Shared by the radix sort kernels: block shape, the digit of a key in one pass, and the layout of
// the `info` buffer that radix_sort_setup.wgsl fills from the GPU-side key count (so every later
// dispatch is indirect and sized by the real count, not the CPU bound). src/kernels/radix-sort.ts
// parses these constants, so this file is their single source.

// One workgroup ranks and scatters one block of SORT_BLOCK keys, SORT_EPT per invocation.
const SORT_WG: u32 = 256u;
const SORT_EPT: u32 = 8u;
const SORT_BLOCK: u32 = 2048u;
// Digits of RADIX_BITS bits, RADIX_BINS bins per pass.
const RADIX_BITS: u32 = 4u;
const RADIX_BINS: u32 = 16u;
// Per-dimension workgroup limit; 1-D grids split like src/gpu/dispatch.ts grid1d.
const SORT_MAX_GROUPS_PER_DIM: u32 = 65535u;

// info buffer: [SORT_INFO_WORDS] u32. Words that scan kernels bind as their `limit` sit at
// 256-byte offsets (the storage binding offset alignment).
const SORT_INFO_COUNT: u32 = 0u;        // keys to sort (the caller's count, clamped to the buffers)
const SORT_INFO_BLOCKS: u32 = 1u;       // ceil(count / SORT_BLOCK)
const SORT_INFO_HIST_LEN: u32 = 64u;    // RADIX_BINS * blocks: length of the digit histogram
const SORT_INFO_CHUNKS: u32 = 128u;     // chunks of SCAN_BLOCK in the histogram
const SORT_INFO_BLOCK_ARGS: u32 = 192u; // 3 u32: indirect dispatch grid over blocks
const SORT_INFO_CHUNK_ARGS: u32 = 196u; // 3 u32: indirect dispatch grid over histogram chunks
const SORT_INFO_WORDS: u32 = 256u;

// Per-pass constants, one 256-byte slot per (shift, width) selected by a dynamic offset:
// x = shift, y = digit mask ((1 << width) - 1), zw unused.
struct SortPass {
  shift_mask: vec4<u32>,
}

fn radix_digit(key: u32, p: SortPass) -> u32 {
  return (key >> p.shift_mask.x) & p.shift_mask.y;
}

fn sort_block_id(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.y * nwg.x + wg.x;
}

// A grid of at least `groups` workgroups, each dimension <= SORT_MAX_GROUPS_PER_DIM.
fn sort_grid(groups: u32) -> vec3<u32> {
  if (groups <= SORT_MAX_GROUPS_PER_DIM) {
    return vec3<u32>(groups, 1u, 1u);
  }
  let y = (groups + SORT_MAX_GROUPS_PER_DIM - 1u) / SORT_MAX_GROUPS_PER_DIM;
  let x = (groups + y - 1u) / y;
  return vec3<u32>(x, y, 1u);
}

