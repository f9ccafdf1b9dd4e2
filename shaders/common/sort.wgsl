// Shared by the radix sort kernels: block shape, the digit of a key in one pass, and the layout of
// the `info` buffer that radix_sort_setup.wgsl fills from the GPU-side key count (so every later
// dispatch is indirect and sized by the real count, not the CPU bound). src/kernels/radix-sort.ts
// parses these constants, so this file is their single source.

// One workgroup counts, ranks and scatters one block of SORT_BLOCK keys, SORT_EPT consecutive keys
// per invocation. The kernels hold an invocation's keys as two vec4<u32>, so SORT_EPT is 8.
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

// 16 digit counters packed as 8-bit fields of one vec4<u32> (digit d: component d / 4, byte d % 4),
// for the SORT_EPT = 8 keys of one invocation (at most 8 per field, so fields never carry).
fn lane(w: u32) -> vec4<bool> {
  return vec4<u32>(0u, 1u, 2u, 3u) == vec4<u32>(w & 3u);
}

// Field d of 16 packed 8-bit counters (component d / 4, byte d % 4). Selection avoids dynamic
// vector indexing, which CPU WebGPU implementations run slowly.
fn count8(p: vec4<u32>, d: u32) -> u32 {
  let word = dot(p, select(vec4<u32>(0u), vec4<u32>(1u), lane(d >> 2u)));
  return (word >> ((d & 3u) * 8u)) & 0xffu;
}

fn unit8(d: u32) -> vec4<u32> {
  return select(vec4<u32>(0u), vec4<u32>(1u << ((d & 3u) * 8u)), lane(d >> 2u));
}

// Digits of four keys at block positions first .. first + 3; positions at or past `valid` get the
// last bin, so they rank after every real pair.
fn digits4(k: vec4<u32>, first: u32, valid: u32, p: SortPass) -> vec4<u32> {
  let real = vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(valid);
  let d = vec4<u32>(radix_digit(k.x, p), radix_digit(k.y, p), radix_digit(k.z, p), radix_digit(k.w, p));
  return select(vec4<u32>(RADIX_BINS - 1u), d, real);
}

// For four keys in order: equal digits among this invocation's earlier keys; adds them to `own`.
fn own_ranks4(d: vec4<u32>, own: ptr<function, vec4<u32>>) -> vec4<u32> {
  var r: vec4<u32>;
  r.x = count8(*own, d.x);
  *own = *own + unit8(d.x);
  r.y = count8(*own, d.y);
  *own = *own + unit8(d.y);
  r.z = count8(*own, d.z);
  *own = *own + unit8(d.z);
  r.w = count8(*own, d.w);
  *own = *own + unit8(d.w);
  return r;
}
