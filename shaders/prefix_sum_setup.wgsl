// Prefix sum setup: a single invocation. Clamps the requested count (info word 0, copied in by
// the host from the caller's count) to what the input and output bindings hold, and writes every
// level's length and the indirect grid over its chunks, so the later dispatches follow the
// count on the GPU. A count of 0 gives empty grids and output[0] = 0 written here.
#include "common/scan.wgsl"

@group(0) @binding(0) var<storage, read_write> info: array<u32>;  // [SCAN_INFO_WORDS] u32
@group(0) @binding(1) var<storage, read> input: array<u32>;       // [>= n] u32
@group(0) @binding(2) var<storage, read_write> output: array<u32>;  // [>= n + 1] u32

@compute @workgroup_size(1)
fn main() {
  let n = min(info[0], min(arrayLength(&input), arrayLength(&output) - 1u));
  info[1] = n;
  // No chunk exists to write the total of an empty scan.
  if (n == 0u) { output[0] = 0u; }
  var len = n;
  for (var l = 0u; l <= SCAN_MAX_LEVELS; l++) {
    let at = (l + 1u) * SCAN_SLOT_WORDS;
    let chunks = div_ceil(len, SCAN_CHUNK);
    let grid = grid_1d(div_ceil(chunks, SCAN_WG));
    info[at] = len;
    info[at + 1u] = grid.x;
    info[at + 2u] = grid.y;
    info[at + 3u] = grid.z;
    len = chunks;
  }
}
