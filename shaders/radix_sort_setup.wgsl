// Radix sort setup: a single invocation. Reads the key count that the host copied into
// info[SORT_INFO_COUNT], clamps it to the lengths of the key/value buffers and the scratch (so a
// count above maxCount cannot write out of bounds), picks the chunk length and writes the sizes
// and the indirect grid that every pass of this sort uses. A count of 0 yields an empty grid.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;               // pass 0 (for bins)
@group(0) @binding(1) var<storage, read_write> info: array<u32>;        // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys: array<u32>;              // [>= count] u32 caller's keys
@group(0) @binding(3) var<storage, read> values: array<u32>;            // [>= count] u32 caller's values
@group(0) @binding(4) var<storage, read> scratch_keys: array<u32>;      // [>= maxCount] u32
@group(0) @binding(5) var<storage, read> scratch_values: array<u32>;    // [>= maxCount] u32
@group(0) @binding(6) var<storage, read> hist: array<u32>;              // [>= bins * chunks] u32

@compute @workgroup_size(1)
fn main() {
  let capacity = min(min(arrayLength(&keys), arrayLength(&values)),
                     min(arrayLength(&scratch_keys), arrayLength(&scratch_values)));
  let count = min(info[SORT_INFO_COUNT], capacity);
  let bins = pass_consts.bins;
  var chunk_keys = max(SORT_MIN_CHUNK, (count + SORT_TARGET_CHUNKS - 1u) / SORT_TARGET_CHUNKS);
  // The host sizes hist for maxCount at the smallest chunk; a shorter count never needs more.
  let max_chunks = arrayLength(&hist) / bins;
  chunk_keys = max(chunk_keys, (count + max_chunks - 1u) / max(max_chunks, 1u));
  // Chunks start at multiples of 4 keys, so the CPU kernels read whole vec4s (longer chunks
  // only mean fewer of them: still within max_chunks).
  chunk_keys = (chunk_keys + 3u) & ~3u;
  let chunks = (count + chunk_keys - 1u) / chunk_keys;
  info[SORT_INFO_COUNT] = count;
  info[SORT_INFO_CHUNK_KEYS] = chunk_keys;
  info[SORT_INFO_CHUNKS] = chunks;
  info[SORT_INFO_HIST_LEN] = bins * chunks;
  let grid = grid_1d((chunks + SORT_WG - 1u) / SORT_WG);
  info[SORT_INFO_GRID] = grid.x;
  info[SORT_INFO_GRID + 1u] = grid.y;
  info[SORT_INFO_GRID + 2u] = grid.z;
}
