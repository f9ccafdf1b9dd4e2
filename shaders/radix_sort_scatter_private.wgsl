// Radix sort pass, step 3, for CPU adapters (KernelShapes.sortPrivateDigits): as
// radix_sort_scatter.wgsl, with the chunk's next output slot per digit in a private array and
// the keys and values read four at a time (see radix_sort_count_private.wgsl for why). Keys are
// still written in chunk order, one after another, so the pass stays stable.
#include "common/sort.wgsl"
#include "common/sort_scatter_chunk.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;              // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;           // [count] u32
@group(0) @binding(3) var<storage, read> values_in: array<u32>;         // [count] u32
@group(0) @binding(4) var<storage, read_write> offsets: array<u32>;     // [bins, chunks] u32 scanned hist
@group(0) @binding(5) var<storage, read_write> keys_out: array<u32>;    // [count] u32
@group(0) @binding(6) var<storage, read_write> values_out: array<u32>;  // [count] u32
@group(0) @binding(7) var<storage, read> keys4_in: array<vec4<u32>>;    // keys_in, 4 per element
@group(0) @binding(8) var<storage, read> values4_in: array<vec4<u32>>;  // values_in, 4 per element

// [bins] u32 this chunk's next output slot per digit.
var<private> digit_slots: array<u32, SORT_MAX_BINS>;

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let chunks = info[SORT_INFO_CHUNKS];
  let c = sort_chunk_id(wg, nwg, li);
  if (c >= chunks) { return; }
  let p = pass_consts;
  for (var d = 0u; d < p.bins; d++) {
    digit_slots[d] = offsets[d * chunks + c];
  }
  let first = c * info[SORT_INFO_CHUNK_KEYS];
  let end = min(first + info[SORT_INFO_CHUNK_KEYS], info[SORT_INFO_COUNT]);
  scatter_chunk(first, end, min(end, min(arrayLength(&keys4_in), arrayLength(&values4_in)) * 4u) & ~3u, p);
}
