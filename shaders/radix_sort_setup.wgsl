// Radix sort setup: a single invocation. Reads the key count that the host copied into
// info[SORT_INFO_COUNT], clamps it to the lengths of the key/value buffers and the scratch (so a
// count above maxCount cannot write out of bounds), and writes the derived sizes and the indirect
// dispatch grids that every later pass of this sort uses.
// A count of 0 yields empty grids, so the passes do nothing.
#include "common/sort.wgsl"
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read_write> info: array<u32>;       // [SORT_INFO_WORDS] u32, see common/sort.wgsl
@group(0) @binding(1) var<storage, read> keys: array<u32>;             // [>= count] u32 caller's keys
@group(0) @binding(2) var<storage, read> values: array<u32>;           // [>= count] u32 caller's values
@group(0) @binding(3) var<storage, read> scratch_keys: array<u32>;     // [>= maxCount] u32
@group(0) @binding(4) var<storage, read> scratch_values: array<u32>;   // [>= maxCount] u32

@compute @workgroup_size(1)
fn main() {
  let capacity = min(min(arrayLength(&keys), arrayLength(&values)),
                     min(arrayLength(&scratch_keys), arrayLength(&scratch_values)));
  let count = min(info[SORT_INFO_COUNT], capacity);
  let blocks = (count + SORT_BLOCK - 1u) / SORT_BLOCK;
  let hist_len = blocks * RADIX_BINS;
  let chunks = (hist_len + SCAN_BLOCK - 1u) / SCAN_BLOCK;
  info[SORT_INFO_COUNT] = count;
  info[SORT_INFO_BLOCKS] = blocks;
  info[SORT_INFO_HIST_LEN] = hist_len;
  info[SORT_INFO_CHUNKS] = chunks;
  let bg = sort_grid(blocks);
  info[SORT_INFO_BLOCK_ARGS] = bg.x;
  info[SORT_INFO_BLOCK_ARGS + 1u] = bg.y;
  info[SORT_INFO_BLOCK_ARGS + 2u] = bg.z;
  let cg = sort_grid(chunks);
  info[SORT_INFO_CHUNK_ARGS] = cg.x;
  info[SORT_INFO_CHUNK_ARGS + 1u] = cg.y;
  info[SORT_INFO_CHUNK_ARGS + 2u] = cg.z;
}
