// Radix sort pass, step 1, for CPU adapters (KernelShapes.sortPrivateDigits): as
// radix_sort_count.wgsl, but the chunk's digit counters live in a private array and the keys are
// read four at a time. On a software adapter every storage access of a lane is a separate
// bounds-checked load or store, so counting into hist[] cost two of those per key; a private
// array is stack memory without the checks. GPUs keep radix_sort_count.wgsl: a 256-entry private
// array per invocation would spill out of registers there.
#include "common/sort.wgsl"
#include "common/sort_count_chunk.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;            // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;         // [count] u32
@group(0) @binding(3) var<storage, read_write> hist: array<u32>;      // [bins, chunks] u32
@group(0) @binding(4) var<storage, read> keys4_in: array<vec4<u32>>;  // keys again, 4 per element

// [bins] this chunk's digit counts.
var<private> digit_slots: array<u32, SORT_MAX_BINS>;

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let chunks = info[SORT_INFO_CHUNKS];
  let c = sort_chunk_id(wg, nwg, li);
  if (c >= chunks) { return; }
  let p = pass_consts;
  for (var d = 0u; d < p.bins; d++) {
    digit_slots[d] = 0u;
  }
  // Chunks start at multiples of 4 keys (radix_sort_setup.wgsl), so keys4_in covers [first, end4).
  let first = c * info[SORT_INFO_CHUNK_KEYS];
  let end = min(first + info[SORT_INFO_CHUNK_KEYS], info[SORT_INFO_COUNT]);
  count_chunk(first, end, min(end, arrayLength(&keys4_in) * 4u) & ~3u, p);
  for (var d = 0u; d < p.bins; d++) {
    hist[d * chunks + c] = digit_slots[d];
  }
}
