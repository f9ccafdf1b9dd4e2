// Radix sort pass, step 1: one workgroup per block b of SORT_BLOCK keys. Counts the keys of
// keys[b * SORT_BLOCK ..] (clipped to the count) per digit of this pass and writes the counts
// digit-major, hist[d * blocks + b], so an exclusive scan of hist gives every (digit, block) its
// first output slot: all smaller digits first, then the same digit in earlier blocks.
// Each invocation first counts its SORT_EPT consecutive keys in registers and adds one workgroup
// atomic per distinct digit: keys that share digits (the high digits of depths) would otherwise
// serialise on one counter.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;             // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys: array<u32>;             // [count] u32
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;       // [RADIX_BINS, blocks] u32

var<workgroup> counts: array<atomic<u32>, RADIX_BINS>;

fn load_key(i: u32, n: u32) -> u32 {
  if (i < n) {
    return keys[i];
  }
  return 0u;
}

// Adds own's count of digit d once, from the first of the invocation's keys with that digit.
fn flush(d: u32, rank: u32, real: bool, own: vec4<u32>) {
  if (real && rank == 0u) {
    atomicAdd(&counts[d], count8(own, d));
  }
}

fn flush4(d: vec4<u32>, rank: vec4<u32>, real: vec4<bool>, own: vec4<u32>) {
  flush(d.x, rank.x, real.x, own);
  flush(d.y, rank.y, real.y, own);
  flush(d.z, rank.z, real.z, own);
  flush(d.w, rank.w, real.w, own);
}

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) t: u32) {
  let blocks = info[SORT_INFO_BLOCKS];
  let block = sort_block_id(wg, nwg);
  if (block >= blocks) {
    return;
  }
  let n = info[SORT_INFO_COUNT];
  let p = pass_consts;
  if (t < RADIX_BINS) {
    atomicStore(&counts[t], 0u);
  }
  workgroupBarrier();
  let first = block * SORT_BLOCK + t * SORT_EPT;
  let ka = vec4<u32>(load_key(first, n), load_key(first + 1u, n), load_key(first + 2u, n), load_key(first + 3u, n));
  let kb = vec4<u32>(load_key(first + 4u, n), load_key(first + 5u, n), load_key(first + 6u, n), load_key(first + 7u, n));
  // Keys past the count get the last bin from digits4 and sit after every real key of this
  // invocation, so the real keys' ranks are unaffected; their counts are taken back out of `own`.
  let da = digits4(ka, first, n, p);
  let db = digits4(kb, first + 4u, n, p);
  let real_a = vec4<u32>(first) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(n);
  let real_b = vec4<u32>(first) + vec4<u32>(4u, 5u, 6u, 7u) < vec4<u32>(n);
  var own = vec4<u32>(0u);
  let ra = own_ranks4(da, &own);
  let rb = own_ranks4(db, &own);
  let real = min(n - min(first, n), SORT_EPT);
  own = own - unit8(RADIX_BINS - 1u) * (SORT_EPT - real);
  flush4(da, ra, real_a, own);
  flush4(db, rb, real_b, own);
  workgroupBarrier();
  if (t < RADIX_BINS) {
    hist[t * blocks + block] = atomicLoad(&counts[t]);
  }
}
