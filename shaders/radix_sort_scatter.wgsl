// Radix sort pass, step 3: one workgroup per block b of SORT_BLOCK (key, value) pairs. Ranks the
// block's pairs by this pass's digit, stably, in workgroup memory, then writes each pair to
// offsets[d * blocks + b] + (its rank among the block's digit-d pairs).
// Ranking: invocation t owns the SORT_EPT consecutive pairs t * SORT_EPT ..; it counts its digits
// in 16 packed 16-bit fields (two vec4<u32>), and a workgroup scan of those packed counts gives,
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

// [SORT_BLOCK] u32: the block's keys in input order, later in digit order.
var<workgroup> block_keys: array<u32, SORT_BLOCK>;
// [SORT_WG, 2] vec4<u32> packed digit counts during the scan; afterwards [SORT_BLOCK] u32
// values in digit order (element i at [i / 4][i % 4]). Sharing keeps the kernel under 16 KiB.
var<workgroup> shared_scan: array<vec4<u32>, 512>;
var<workgroup> digit_start: array<u32, RADIX_BINS>;  // first position of each digit in the block
var<workgroup> digit_dest: array<u32, RADIX_BINS>;   // first global slot of each digit of the block

// Field d (16 bits) of 16 packed counters: words 0..3 in lo, 4..7 in hi, two fields per word.
fn packed_get(lo: vec4<u32>, hi: vec4<u32>, d: u32) -> u32 {
  let w = d >> 1u;
  let word = select(hi[w & 3u], lo[w & 3u], w < 4u);
  return (word >> ((d & 1u) * 16u)) & 0xffffu;
}

// The packed representation of a single count in field d.
fn packed_unit(d: u32) -> vec4<u32> {
  var v = vec4<u32>(0u);
  v[(d >> 1u) & 3u] = 1u << ((d & 1u) * 16u);
  return v;
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
    block_keys[i] = key;
  }
  workgroupBarrier();

  // Counts of 16-bit fields never carry: a field holds at most SORT_BLOCK = 1024.
  var keys: vec4<u32>;
  var digits: vec4<u32>;
  var ranks: vec4<u32>;  // equal digits among this invocation's earlier pairs
  var lo = vec4<u32>(0u);
  var hi = vec4<u32>(0u);
  for (var k = 0u; k < SORT_EPT; k = k + 1u) {
    let i = t * SORT_EPT + k;
    let key = block_keys[i];
    let d = select(RADIX_BINS - 1u, radix_digit(key, p), i < valid);
    keys[k] = key;
    digits[k] = d;
    ranks[k] = packed_get(lo, hi, d);
    if (d < 8u) {
      lo = lo + packed_unit(d);
    } else {
      hi = hi + packed_unit(d);
    }
  }

  // Inclusive Hillis-Steele scan of the packed counts over invocations.
  var acc_lo = lo;
  var acc_hi = hi;
  shared_scan[2u * t] = acc_lo;
  shared_scan[2u * t + 1u] = acc_hi;
  for (var off = 1u; off < SORT_WG; off = off << 1u) {
    workgroupBarrier();
    if (t >= off) {
      acc_lo = acc_lo + shared_scan[2u * (t - off)];
      acc_hi = acc_hi + shared_scan[2u * (t - off) + 1u];
    }
    workgroupBarrier();
    shared_scan[2u * t] = acc_lo;
    shared_scan[2u * t + 1u] = acc_hi;
  }
  workgroupBarrier();
  let excl_lo = acc_lo - lo;
  let excl_hi = acc_hi - hi;
  if (t < RADIX_BINS) {
    let tot_lo = shared_scan[2u * (SORT_WG - 1u)];
    let tot_hi = shared_scan[2u * (SORT_WG - 1u) + 1u];
    var start = 0u;
    for (var d = 0u; d < t; d = d + 1u) {
      start = start + packed_get(tot_lo, tot_hi, d);
    }
    digit_start[t] = start;
    digit_dest[t] = offsets[t * blocks + block];
  }
  // Every read of shared_scan and block_keys above happens before it is overwritten below.
  workgroupBarrier();

  for (var k = 0u; k < SORT_EPT; k = k + 1u) {
    let i = t * SORT_EPT + k;
    let d = digits[k];
    let pos = digit_start[d] + packed_get(excl_lo, excl_hi, d) + ranks[k];
    var value = 0u;
    if (i < valid) {
      value = values_in[base + i];
    }
    block_keys[pos] = keys[k];
    shared_scan[pos >> 2u][pos & 3u] = value;
  }
  workgroupBarrier();

  for (var j = 0u; j < SORT_EPT; j = j + 1u) {
    let i = j * SORT_WG + t;
    if (i < valid) {
      let key = block_keys[i];
      let d = radix_digit(key, p);
      let dst = digit_dest[d] + (i - digit_start[d]);
      keys_out[dst] = key;
      values_out[dst] = shared_scan[i >> 2u][i & 3u];
    }
  }
}
