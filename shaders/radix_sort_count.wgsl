// Radix sort pass, step 1: one workgroup per block b of SORT_BLOCK keys. Counts the keys of
// keys[b * SORT_BLOCK ..] (clipped to the count) per digit of this pass and writes the counts
// digit-major, hist[d * blocks + b], so an exclusive scan of hist gives every (digit, block) its
// first output slot: all smaller digits first, then the same digit in earlier blocks.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;             // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys: array<u32>;             // [count] u32
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;       // [RADIX_BINS, blocks] u32

var<workgroup> counts: array<atomic<u32>, RADIX_BINS>;

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
  let base = block * SORT_BLOCK;
  for (var j = 0u; j < SORT_EPT; j = j + 1u) {
    let i = base + j * SORT_WG + t;
    if (i < n) {
      atomicAdd(&counts[radix_digit(keys[i], p)], 1u);
    }
  }
  workgroupBarrier();
  if (t < RADIX_BINS) {
    hist[t * blocks + block] = atomicLoad(&counts[t]);
  }
}
