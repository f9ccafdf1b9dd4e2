// Radix sort pass in one workgroup, for small sorts on CPU adapters (KernelShapes.sortSingleMaxKeys):
// count, histogram scan and scatter of radix_sort_count_private.wgsl, PrefixSum and
// radix_sort_scatter_private.wgsl in a single dispatch. A software adapter pays for every
// dispatch (its threads are woken and joined), and at 10k-30k keys a pass of six dispatches
// spends most of its time there; one workgroup runs on one CPU thread, which small sorts do not
// miss. The same scheme (common/sort.wgsl): SINGLE_LANES chunks of consecutive keys, a digit-major
// histogram hist[d * SINGLE_LANES + c], its exclusive scan, each chunk scattered in order, so the
// pass is stable and its output is that of the multi-dispatch pass.
#include "common/sort.wgsl"
#include "common/sort_count_chunk.wgsl"
#include "common/sort_scatter_chunk.wgsl"

// Chunks, one per invocation: one SIMD group of 4 on a CPU adapter; the histogram then takes
// SORT_MAX_BINS * 4 u32 = 4 KiB of workgroup memory (WebGPU guarantees 16 KiB). Per pass the
// histogram costs (clear, write, scan, read back) grow with the lanes while the keys' work does
// not: 4 lanes sorted 10k keys by 32 bits in 0.89x the time of 8 lanes, by 16 bits in 0.77x, and
// 31k keys in 0.89x / 0.94x (SwiftShader, 2 cores; 2 lanes, half a SIMD group: 1.3-1.6x).
const SINGLE_LANES: u32 = 4u;

@group(0) @binding(0) var<uniform> pass_consts: SortPass;
@group(0) @binding(1) var<storage, read> info: array<u32>;              // [SORT_INFO_WORDS] u32
@group(0) @binding(2) var<storage, read> keys_in: array<u32>;           // [count] u32
@group(0) @binding(3) var<storage, read> values_in: array<u32>;         // [count] u32
@group(0) @binding(4) var<storage, read_write> keys_out: array<u32>;    // [count] u32
@group(0) @binding(5) var<storage, read_write> values_out: array<u32>;  // [count] u32
@group(0) @binding(6) var<storage, read> keys4_in: array<vec4<u32>>;    // keys_in, 4 per element
@group(0) @binding(7) var<storage, read> values4_in: array<vec4<u32>>;  // values_in, 4 per element

// [bins, SINGLE_LANES] digit counts per chunk, digit-major; then, in place, their exclusive scan.
var<workgroup> hist: array<u32, SORT_MAX_BINS * SINGLE_LANES>;
// [SINGLE_LANES] sum of each lane's segment of hist during the scan.
var<workgroup> segment_sums: array<u32, SINGLE_LANES>;
// [bins] this chunk's digit counts, then its next output slot per digit.
var<private> digit_slots: array<u32, SORT_MAX_BINS>;

@compute @workgroup_size(SINGLE_LANES)
fn main(@builtin(local_invocation_index) c: u32) {
  let p = pass_consts;
  let count = info[SORT_INFO_COUNT];
  // Chunks start at multiples of 4 keys, so the vec4 views cover [first, end4).
  let chunk = ((count + SINGLE_LANES - 1u) / SINGLE_LANES + 3u) & ~3u;
  let first = min(c * chunk, count);
  let end = min(first + chunk, count);
  let end4 = min(end, min(arrayLength(&keys4_in), arrayLength(&values4_in)) * 4u) & ~3u;

  // 1. Count the chunk's digits.
  for (var d = 0u; d < p.bins; d++) {
    digit_slots[d] = 0u;
  }
  count_chunk(first, end, end4, p);
  for (var d = 0u; d < p.bins; d++) {
    hist[d * SINGLE_LANES + c] = digit_slots[d];
  }
  workgroupBarrier();

  // 2. Exclusive scan of the bins * SINGLE_LANES entries: lane c takes segment
  // [c * bins, (c + 1) * bins), sums it, then rescans it from the sum of the segments before.
  let seg = c * p.bins;
  var sum = 0u;
  for (var k = 0u; k < p.bins; k++) {
    sum += hist[seg + k];
  }
  segment_sums[c] = sum;
  workgroupBarrier();
  var run = 0u;
  for (var l = 0u; l < c; l++) {
    run += segment_sums[l];
  }
  for (var k = 0u; k < p.bins; k++) {
    let v = hist[seg + k];
    hist[seg + k] = run;
    run += v;
  }
  workgroupBarrier();

  // 3. Scatter the chunk in order.
  for (var d = 0u; d < p.bins; d++) {
    digit_slots[d] = hist[d * SINGLE_LANES + c];
  }
  scatter_chunk(first, end, end4, p);
}
