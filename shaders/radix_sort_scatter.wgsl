// Radix sort pass, step 3: one workgroup per block b of SORT_BLOCK (key, value) pairs. Ranks the
// block's pairs by this pass's digit, stably, in workgroup memory, then writes each pair to
// offsets[d * blocks + b] + (its rank among the block's digit-d pairs).
// Ranking: invocation t owns the SORT_EPT = 4 consecutive pairs 4t .. 4t + 3 (held as a vec4);
// it counts its digits in packed 16-bit fields, and a raking workgroup scan of those counts gives,
// per digit, how many equal digits precede it in the block. Order within a digit is input order,
// which makes every pass stable. The block is reordered by digit in workgroup memory first, so
// the global writes come out as contiguous runs (one per digit) instead of scattered words.
// Pairs past the count get digit RADIX_BINS - 1 and come last in their block; they are never written.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;             // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;          // [count] u32
@group(0) @binding(3) var<storage, read> values_in: array<u32>;        // [count] u32
@group(0) @binding(4) var<storage, read> offsets: array<u32>;          // [RADIX_BINS, blocks] u32 exclusive scan of hist
@group(0) @binding(5) var<storage, read_write> keys_out: array<u32>;   // [count] u32
@group(0) @binding(6) var<storage, read_write> values_out: array<u32>; // [count] u32

// One workgroup array reused by phase, since its size is what CPU implementations of WebGPU
// pay for per workgroup (zero-initialisation):
//   load:    [KEYS_AT, +SORT_BLOCK) keys in input order
//   rank:    [COUNTS_AT, +8 * SORT_WG) packed digit counts, word-major (word w of invocation t at
//            w * SORT_WG + t), scanned in place; [SEGMENTS_AT, +256) raking segment prefixes
//   reorder: [KEYS_AT, +SORT_BLOCK) keys and [VALUES_AT, +SORT_BLOCK) values in digit order
var<workgroup> words: array<u32, 2304>;
const KEYS_AT: u32 = 0u;
const VALUES_AT: u32 = 1024u;
const COUNTS_AT: u32 = 0u;
const SEGMENTS_AT: u32 = 2048u;
var<workgroup> digit_start: array<u32, RADIX_BINS>;  // first position of each digit in the block
var<workgroup> digit_dest: array<u32, RADIX_BINS>;   // first global slot of each digit of the block

// The packed-count scan rakes: each of the 8 words has SORT_WG entries, split into RAKE_SEGMENTS
// segments of RAKE_LEN scanned serially by one invocation each (8 * 32 = SORT_WG invocations).
const RAKE_SEGMENTS: u32 = 32u;
const RAKE_LEN: u32 = 8u;

fn store_packed(t: u32, p: Packed16) {
  words[COUNTS_AT + t] = p.lo.x;
  words[COUNTS_AT + SORT_WG + t] = p.lo.y;
  words[COUNTS_AT + 2u * SORT_WG + t] = p.lo.z;
  words[COUNTS_AT + 3u * SORT_WG + t] = p.lo.w;
  words[COUNTS_AT + 4u * SORT_WG + t] = p.hi.x;
  words[COUNTS_AT + 5u * SORT_WG + t] = p.hi.y;
  words[COUNTS_AT + 6u * SORT_WG + t] = p.hi.z;
  words[COUNTS_AT + 7u * SORT_WG + t] = p.hi.w;
}

// Inclusive prefix of word w at invocation t, once the raking scan has run.
fn scanned_word(w: u32, t: u32) -> u32 {
  return words[COUNTS_AT + w * SORT_WG + t] + words[SEGMENTS_AT + w * RAKE_SEGMENTS + t / RAKE_LEN];
}

fn scanned_packed(t: u32) -> Packed16 {
  return Packed16(
    vec4<u32>(scanned_word(0u, t), scanned_word(1u, t), scanned_word(2u, t), scanned_word(3u, t)),
    vec4<u32>(scanned_word(4u, t), scanned_word(5u, t), scanned_word(6u, t), scanned_word(7u, t)),
  );
}

// Inclusive scan over invocations of the packed counts in words[COUNTS_AT ..], by raking: invocation t
// scans segment t % 32 of word t / 32 serially, the 32 segment sums of each word are scanned
// across invocations, and scanned_word() combines both. Call in uniform control flow after a
// barrier that follows store_packed().
fn rake_scan(t: u32) {
  let seg_base = t * RAKE_LEN;  // == (t / 32) * SORT_WG + (t % 32) * RAKE_LEN
  var run = 0u;
  for (var k = 0u; k < RAKE_LEN; k = k + 1u) {
    run = run + words[COUNTS_AT + seg_base + k];
    words[COUNTS_AT + seg_base + k] = run;
  }
  let seg_total = run;
  let seg = t % RAKE_SEGMENTS;
  var acc = seg_total;
  words[SEGMENTS_AT + t] = acc;
  for (var off = 1u; off < RAKE_SEGMENTS; off = off << 1u) {
    workgroupBarrier();
    if (seg >= off) {
      acc = acc + words[SEGMENTS_AT + t - off];
    }
    workgroupBarrier();
    words[SEGMENTS_AT + t] = acc;
  }
  workgroupBarrier();
  words[SEGMENTS_AT + t] = acc - seg_total;
  workgroupBarrier();
}

// Moves one pair to its digit-ordered position in the block (i: its position in input order).
fn place(key: u32, d: u32, rank: u32, excl: Packed16, i: u32, base: u32, valid: u32) {
  let pos = digit_start[d] + packed_get(excl, d) + rank;
  var value = 0u;
  if (i < valid) {
    value = values_in[base + i];
  }
  words[KEYS_AT + pos] = key;
  words[VALUES_AT + pos] = value;
}

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let blocks = info[SORT_INFO_BLOCKS];
  let block = sort_block_id(wg, nwg);
  if (block >= blocks) {
    return;
  }
  let p = pass_consts;
  let base = block * SORT_BLOCK;
  let valid = min(info[SORT_INFO_COUNT] - base, SORT_BLOCK);

  for (var j = 0u; j < SORT_EPT; j = j + 1u) {
    let i = j * SORT_WG + t;
    var key = 0u;
    if (i < valid) {
      key = keys_in[base + i];
    }
    words[KEYS_AT + i] = key;
  }
  workgroupBarrier();

  let i0 = t * SORT_EPT;
  let keys = vec4<u32>(words[KEYS_AT + i0], words[KEYS_AT + i0 + 1u], words[KEYS_AT + i0 + 2u], words[KEYS_AT + i0 + 3u]);
  let own_valid = vec4<u32>(i0) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(valid);
  let digits = select(vec4<u32>(RADIX_BINS - 1u),
                      vec4<u32>(radix_digit(keys.x, p), radix_digit(keys.y, p), radix_digit(keys.z, p), radix_digit(keys.w, p)),
                      own_valid);
  // Equal digits among this invocation's earlier pairs.
  let ranks = vec4<u32>(
    0u,
    u32(digits.y == digits.x),
    u32(digits.z == digits.x) + u32(digits.z == digits.y),
    u32(digits.w == digits.x) + u32(digits.w == digits.y) + u32(digits.w == digits.z),
  );
  var own = Packed16(vec4<u32>(0u), vec4<u32>(0u));
  own = packed_add(own, digits.x, 1u);
  own = packed_add(own, digits.y, 1u);
  own = packed_add(own, digits.z, 1u);
  own = packed_add(own, digits.w, 1u);

  // The counts overwrite the staged keys, which every invocation must have read first.
  workgroupBarrier();
  store_packed(t, own);
  workgroupBarrier();
  rake_scan(t);
  let excl = packed_diff(scanned_packed(t), own);
  if (t < RADIX_BINS) {
    let total = scanned_packed(SORT_WG - 1u);
    var start = 0u;
    for (var d = 0u; d < t; d = d + 1u) {
      start = start + packed_get(total, d);
    }
    digit_start[t] = start;
    digit_dest[t] = offsets[t * blocks + block];
  }
  // Every read of the counts above happens before place() overwrites them.
  workgroupBarrier();

  place(keys.x, digits.x, ranks.x, excl, i0, base, valid);
  place(keys.y, digits.y, ranks.y, excl, i0 + 1u, base, valid);
  place(keys.z, digits.z, ranks.z, excl, i0 + 2u, base, valid);
  place(keys.w, digits.w, ranks.w, excl, i0 + 3u, base, valid);
  workgroupBarrier();

  for (var j = 0u; j < SORT_EPT; j = j + 1u) {
    let i = j * SORT_WG + t;
    if (i < valid) {
      let key = words[KEYS_AT + i];
      let d = radix_digit(key, p);
      let dst = digit_dest[d] + (i - digit_start[d]);
      keys_out[dst] = key;
      values_out[dst] = words[VALUES_AT + i];
    }
  }
}
