// Tile ranges: one invocation per sorted intersection j < count. Each tile's records are
// contiguous after the tile sort; the first and last record of a run write its [start, end).
// Tiles with no record keep the (0, 0) the host cleared the buffer to.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"

@group(0) @binding(0) var<storage, read> sorted_tiles: array<u32>;          // [count] tile id, ascending
@group(0) @binding(1) var<storage, read> isect_count: array<u32>;           // [2]; [1] = records to scan
@group(0) @binding(2) var<storage, read_write> ranges: array<vec2<u32>>;    // [tiles] start, end

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = linear_index(wg, nwg, li, WG_SIZE);
  let count = isect_count[1];
  if (j >= count) { return; }
  let tile = sorted_tiles[j];
  if (j == 0u || sorted_tiles[j - 1u] != tile) { ranges[tile].x = j; }
  if (j + 1u == count || sorted_tiles[j + 1u] != tile) { ranges[tile].y = j + 1u; }
}
