// Shared by the radix sort kernels: block shape, the digit of a key in one pass, and the layout of
// the `info` buffer that radix_sort_setup.wgsl fills from the GPU-side key count (so every later
// dispatch is indirect and sized by the real count, not the CPU bound). src/kernels/radix-sort.ts
// parses these constants, so this file is their single source.

// One workgroup ranks and scatters one block of SORT_BLOCK keys, SORT_EPT per invocation.
const SORT_WG: u32 = 256u;
const SORT_EPT: u32 = 4u;
const SORT_BLOCK: u32 = 1024u;
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

// 16 digit counters packed as 16-bit fields of two vec4<u32> (words 0..3 in lo, 4..7 in hi, two
// fields per word), so one invocation's counts for every digit move and add as 8 words. Fields
// never carry: they count at most SORT_BLOCK = 1024 keys. Component selection is branch- and
// dynamic-index-free (dynamic vector indexing is slow on CPU WebGPU implementations).
struct Packed16 {
  lo: vec4<u32>,
  hi: vec4<u32>,
}

fn packed_lane(w: u32) -> vec4<bool> {
  return vec4<u32>(0u, 1u, 2u, 3u) == vec4<u32>(w & 3u);
}

// Field d of p.
fn packed_get(p: Packed16, d: u32) -> u32 {
  let w = d >> 1u;
  let v = select(p.hi, p.lo, w < 4u);
  let word = dot(v, select(vec4<u32>(0u), vec4<u32>(1u), packed_lane(w)));
  return (word >> ((d & 1u) * 16u)) & 0xffffu;
}

// p plus `n` in field d.
fn packed_add(p: Packed16, d: u32, n: u32) -> Packed16 {
  let w = d >> 1u;
  let unit = select(vec4<u32>(0u), vec4<u32>(n << ((d & 1u) * 16u)), packed_lane(w));
  let zero = vec4<u32>(0u);
  return Packed16(p.lo + select(zero, unit, w < 4u), p.hi + select(unit, zero, w < 4u));
}

fn packed_sum(a: Packed16, b: Packed16) -> Packed16 {
  return Packed16(a.lo + b.lo, a.hi + b.hi);
}

fn packed_diff(a: Packed16, b: Packed16) -> Packed16 {
  return Packed16(a.lo - b.lo, a.hi - b.hi);
}
