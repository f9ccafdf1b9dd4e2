// Radix sort pass, step 3: one workgroup per block b of SORT_BLOCK (key, value) pairs. Writes each
// pair to offsets[d * blocks + b] + (the number of pairs of the block before it with the same
// digit d), which keeps equal digits in input order, so every pass is stable.
// Ranking: invocation t owns the SORT_EPT = 8 consecutive pairs 8t .. 8t + 7. It counts its digits
// in 16 packed 8-bit fields (one vec4<u32>; at most 8 per field), and a raking scan of those
// counts over the workgroup gives, per digit, how many equal digits earlier invocations hold.
// Keys are reordered by digit in workgroup memory before the global write, so keys go out as
// contiguous runs; values go straight to their slots (a second staged copy would not fit 16 KiB).
// Pairs past the count get digit RADIX_BINS - 1 and come last in their block; they are never written.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;             // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;          // [count] u32
@group(0) @binding(3) var<storage, read> values_in: array<u32>;        // [count] u32
@group(0) @binding(4) var<storage, read> offsets: array<u32>;          // [RADIX_BINS, blocks] u32 exclusive scan of hist
@group(0) @binding(5) var<storage, read_write> keys_out: array<u32>;   // [count] u32
@group(0) @binding(6) var<storage, read_write> values_out: array<u32>; // [count] u32

// One workgroup array reused by phase, since its size is what CPU implementations of WebGPU pay
// for per workgroup (zero-initialisation):
//   load:    keys in input order, key i at slot(i)
//   rank:    packed 8-bit digit counts, word-major (word w of invocation t at slot(w * SORT_WG + t)),
//            scanned in place within raking segments;
//            [SEG_TOTALS_AT, +128) the segments' 8-bit packed totals;
//            [SEG_PREFIX_AT, +256) their exclusive scan over the block in 16-bit fields
//   reorder: keys in digit order, key i at slot(i)
// slot() pads one word every 32 so that the stride-8 accesses of invocations (own keys, raking
// segments) fall in distinct memory banks.
var<workgroup> words: array<u32, 2112>;  // slot(SORT_BLOCK - 1) + 1
const SEG_TOTALS_AT: u32 = 1056u;         // slot(4 * SORT_WG)
const SEG_PREFIX_AT: u32 = 1184u;

fn slot(i: u32) -> u32 {
  return i + (i >> 5u);
}
var<workgroup> digit_start: array<u32, RADIX_BINS>;  // first position of each digit in the block
var<workgroup> digit_dest: array<u32, RADIX_BINS>;   // first global slot of each digit of the block

// Raking: each 8-bit count word has SORT_WG entries, cut into RAKE_SEGMENTS segments of RAKE_LEN
// consecutive invocations. Segment sums stay <= RAKE_LEN * SORT_EPT = 64, so 8-bit fields hold
// them; sums over segments reach SORT_BLOCK and use 16-bit fields.
const RAKE_SEGMENTS: u32 = 32u;
const RAKE_LEN: u32 = 8u;

// Digit-d pairs held by invocations before t (after the raking scan).
fn before_invocation(t: u32, d: u32, own: vec4<u32>) -> u32 {
  let seg = (words[SEG_PREFIX_AT + (d >> 1u) * RAKE_SEGMENTS + t / RAKE_LEN] >> ((d & 1u) * 16u)) & 0xffffu;
  let inclusive = (words[slot((d >> 2u) * SORT_WG + t)] >> ((d & 3u) * 8u)) & 0xffu;
  return seg + inclusive - count8(own, d);
}

fn before_invocation4(t: u32, d: vec4<u32>, own: vec4<u32>) -> vec4<u32> {
  return vec4<u32>(before_invocation(t, d.x, own), before_invocation(t, d.y, own),
                   before_invocation(t, d.z, own), before_invocation(t, d.w, own));
}

// Digit-d pairs in the whole block (after the raking scan).
fn digit_total(d: u32) -> u32 {
  let last = SORT_WG - 1u;
  let seg = (words[SEG_PREFIX_AT + (d >> 1u) * RAKE_SEGMENTS + last / RAKE_LEN] >> ((d & 1u) * 16u)) & 0xffffu;
  return seg + ((words[slot((d >> 2u) * SORT_WG + last)] >> ((d & 3u) * 8u)) & 0xffu);
}

// Stages one key at its digit-ordered block position and writes its value to its global slot.
// `same` is the number of equal digits before it in the block.
fn place(key: u32, d: u32, same: u32, i: u32, base: u32, valid: u32) {
  words[slot(digit_start[d] + same)] = key;
  if (i < valid) {
    values_out[digit_dest[d] + same] = values_in[base + i];
  }
}

fn place4(k: vec4<u32>, d: vec4<u32>, same: vec4<u32>, first: u32, base: u32, valid: u32) {
  place(k.x, d.x, same.x, first, base, valid);
  place(k.y, d.y, same.y, first + 1u, base, valid);
  place(k.z, d.z, same.z, first + 2u, base, valid);
  place(k.w, d.w, same.w, first + 3u, base, valid);
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
    words[slot(i)] = key;
  }
  workgroupBarrier();

  let i0 = t * SORT_EPT;
  let s0 = slot(i0);  // i0 .. i0 + 7 share one padding offset
  let ka = vec4<u32>(words[s0], words[s0 + 1u], words[s0 + 2u], words[s0 + 3u]);
  let kb = vec4<u32>(words[s0 + 4u], words[s0 + 5u], words[s0 + 6u], words[s0 + 7u]);
  let da = digits4(ka, i0, valid, p);
  let db = digits4(kb, i0 + 4u, valid, p);
  var own = vec4<u32>(0u);
  let ra = own_ranks4(da, &own);
  let rb = own_ranks4(db, &own);
  // The counts overwrite the staged keys, which every invocation must have read first.
  workgroupBarrier();
  words[slot(t)] = own.x;
  words[slot(SORT_WG + t)] = own.y;
  words[slot(2u * SORT_WG + t)] = own.z;
  words[slot(3u * SORT_WG + t)] = own.w;
  workgroupBarrier();

  // Raking, level 1: invocations 0..127 each scan one segment (word t / 32, segment t % 32, which
  // starts at t * RAKE_LEN in the word-major layout) in place.
  if (t < 4u * RAKE_SEGMENTS) {
    var run = 0u;
    let s = slot(t * RAKE_LEN);  // a segment never straddles a padding word
    for (var k = 0u; k < RAKE_LEN; k = k + 1u) {
      run = run + words[s + k];
      words[s + k] = run;
    }
    words[SEG_TOTALS_AT + t] = run;
  }
  workgroupBarrier();
  // Level 2: invocation t scans 16-bit word t / 32 (digits 2w, 2w + 1) over the 32 segments.
  let w16 = t / RAKE_SEGMENTS;
  let seg = t % RAKE_SEGMENTS;
  let packed8 = words[SEG_TOTALS_AT + (w16 >> 1u) * RAKE_SEGMENTS + seg] >> ((w16 & 1u) * 16u);
  let seg_total = (packed8 & 0xffu) | (((packed8 >> 8u) & 0xffu) << 16u);
  var acc = seg_total;
  words[SEG_PREFIX_AT + t] = acc;
  for (var off = 1u; off < RAKE_SEGMENTS; off = off << 1u) {
    workgroupBarrier();
    if (seg >= off) {
      acc = acc + words[SEG_PREFIX_AT + t - off];
    }
    workgroupBarrier();
    words[SEG_PREFIX_AT + t] = acc;
  }
  workgroupBarrier();
  words[SEG_PREFIX_AT + t] = acc - seg_total;
  workgroupBarrier();

  let same_a = before_invocation4(t, da, own) + ra;
  let same_b = before_invocation4(t, db, own) + rb;
  if (t < RADIX_BINS) {
    var start = 0u;
    for (var d = 0u; d < t; d = d + 1u) {
      start = start + digit_total(d);
    }
    digit_start[t] = start;
    digit_dest[t] = offsets[t * blocks + block];
  }
  // Every read of the counts above happens before place() overwrites them.
  workgroupBarrier();
  place4(ka, da, same_a, i0, base, valid);
  place4(kb, db, same_b, i0 + 4u, base, valid);
  workgroupBarrier();

  for (var j = 0u; j < SORT_EPT; j = j + 1u) {
    let i = j * SORT_WG + t;
    if (i < valid) {
      let key = words[slot(i)];
      let d = radix_digit(key, p);
      keys_out[digit_dest[d] + (i - digit_start[d])] = key;
    }
  }
}
