// Radix sort pass, step 3: one invocation per chunk c. `offsets` holds the exclusive scan of the
// pass's histogram, so offsets[d * chunks + c] is the first output slot of the chunk's digit-d
// keys. Walking the chunk in order and bumping that slot per key keeps equal digits in input
// order (stable). The invocation owns its column of offsets.
#include "common/sort.wgsl"

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;              // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;           // [count] u32
@group(0) @binding(3) var<storage, read> values_in: array<u32>;         // [count] u32
@group(0) @binding(4) var<storage, read_write> offsets: array<u32>;     // [bins, chunks] u32 scanned hist
@group(0) @binding(5) var<storage, read_write> keys_out: array<u32>;    // [count] u32
@group(0) @binding(6) var<storage, read_write> values_out: array<u32>;  // [count] u32

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let chunks = info[SORT_INFO_CHUNKS];
  let c = sort_chunk_id(wg, nwg, li);
  if (c >= chunks) { return; }
  let p = pass_consts;
  let first = c * info[SORT_INFO_CHUNK_KEYS];
  let end = min(first + info[SORT_INFO_CHUNK_KEYS], info[SORT_INFO_COUNT]);
  for (var i = first; i < end; i++) {
    let key = keys_in[i];
    let h = radix_digit(key, p) * chunks + c;
    let slot = offsets[h];
    offsets[h] = slot + 1u;
    keys_out[slot] = key;
    values_out[slot] = values_in[i];
  }
}
