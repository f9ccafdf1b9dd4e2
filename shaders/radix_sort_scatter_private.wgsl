// Radix sort pass, step 3, for CPU adapters (KernelShapes.sortPrivateDigits): as
// radix_sort_scatter.wgsl, with the chunk's next output slot per digit in a private array and
// the keys and values read four at a time (see radix_sort_count_private.wgsl for why). Keys are
// still written in chunk order, one after another, so the pass stays stable.
#include "common/sort.wgsl"

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
var<private> next: array<u32, SORT_MAX_BINS>;

fn place(d: u32, key: u32, value: u32) {
  let s = next[d];
  next[d] = s + 1u;
  keys_out[s] = key;
  values_out[s] = value;
}

@compute @workgroup_size(SORT_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let chunks = info[SORT_INFO_CHUNKS];
  let c = sort_chunk_id(wg, nwg, li);
  if (c >= chunks) { return; }
  let p = pass_consts;
  for (var d = 0u; d < p.bins; d++) {
    next[d] = offsets[d * chunks + c];
  }
  let first = c * info[SORT_INFO_CHUNK_KEYS];
  let end = min(first + info[SORT_INFO_CHUNK_KEYS], info[SORT_INFO_COUNT]);
  let end4 = min(end, min(arrayLength(&keys4_in), arrayLength(&values4_in)) * 4u) & ~3u;
  var i = first;
  for (; i + 4u <= end4; i += 4u) {
    let k = keys4_in[i / 4u];
    let v = values4_in[i / 4u];
    let d = radix_digit4(k, p);
    place(d.x, k.x, v.x);
    place(d.y, k.y, v.y);
    place(d.z, k.z, v.z);
    place(d.w, k.w, v.w);
  }
  for (; i < end; i++) {
    let key = keys_in[i];
    place(radix_digit(key, p), key, values_in[i]);
  }
}
