// Counting one chunk's digits, shared by the CPU-adapter sort kernels
// (radix_sort_count_private.wgsl, radix_sort_single.wgsl). The includer declares
//   keys_in: array<u32>, keys4_in: array<vec4<u32>> (the same keys, 4 per element),
//   var<private> digit_slots: array<u32, SORT_MAX_BINS>.
// Needs common/sort.wgsl.

// Adds the digits of keys [first, end) to digit_slots; [first, end4) is read four at a time
// (first a multiple of 4, end4 <= end and within keys4_in).
fn count_chunk(first: u32, end: u32, end4: u32, p: SortPass) {
  var i = first;
  for (; i + 4u <= end4; i += 4u) {
    let d = radix_digit4(keys4_in[i / 4u], p);
    digit_slots[d.x] += 1u;
    digit_slots[d.y] += 1u;
    digit_slots[d.z] += 1u;
    digit_slots[d.w] += 1u;
  }
  for (; i < end; i++) {
    digit_slots[radix_digit(keys_in[i], p)] += 1u;
  }
}
