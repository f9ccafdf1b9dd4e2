// Scattering one chunk in order, shared by the CPU-adapter sort kernels
// (radix_sort_scatter_private.wgsl, radix_sort_single.wgsl). The includer declares
//   keys_in, values_in: array<u32>; keys4_in, values4_in: array<vec4<u32>> (the same, 4 per element);
//   keys_out, values_out: read_write array<u32>;
//   var<private> digit_slots: array<u32, SORT_MAX_BINS> (the chunk's first output slot per digit).
// Needs common/sort.wgsl.

fn place(d: u32, key: u32, value: u32) {
  let s = digit_slots[d];
  digit_slots[d] = s + 1u;
  keys_out[s] = key;
  values_out[s] = value;
}

// Writes keys and values [first, end) to their digits' next slots, in order (stable); [first,
// end4) is read four at a time (first a multiple of 4, end4 <= end and within both vec4 views).
fn scatter_chunk(first: u32, end: u32, end4: u32, p: SortPass) {
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
