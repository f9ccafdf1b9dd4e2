// Tile lists: one invocation per sorted intersection j < count (an indirect grid the emission
// kernel sized from the GPU count). Each tile's records are contiguous after the tile sort; the
// first and last record of a run write its [start, end). Tiles with no record keep the (0, 0)
// the host cleared the buffer to. Also gathers the entry's TileRecord (common/tile_record.wgsl).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/projected.wgsl"
#include "common/tile_record.wgsl"
#include "common/isect_count.wgsl"

@group(0) @binding(0) var<storage, read> sorted_tiles: array<u32>;          // [count] tile id, ascending
@group(0) @binding(1) var<storage, read> sorted_slots: array<u32>;          // [count] emission slot, tile-sorted
@group(0) @binding(2) var<storage, read> isect_splats: array<u32>;          // [capacity] splat index by slot
@group(0) @binding(3) var<storage, read> projected: array<ProjectedSplat>;  // [N]
@group(0) @binding(4) var<storage, read> isect_count: IsectCount;           // .kept = records to scan
@group(0) @binding(5) var<storage, read_write> ranges: array<vec2<u32>>;    // [tiles] start, end
@group(0) @binding(6) var<storage, read_write> records: array<TileRecord>;  // [count] by sorted position

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let j = linear_index(wg, nwg, li, WG_SIZE);
  let count = isect_count.kept;
  if (j >= count) { return; }
  let tile = sorted_tiles[j];
  if (j == 0u || sorted_tiles[j - 1u] != tile) { ranges[tile].x = j; }
  if (j + 1u == count || sorted_tiles[j + 1u] != tile) { ranges[tile].y = j + 1u; }
  let slot = sorted_slots[j];
  let p = projected[isect_splats[slot]];
  var r: TileRecord;
  r.xy_ab = vec4<f32>(p.xy, p.conic.x, p.conic.y);
  r.c_o_rg = vec4<f32>(p.conic.z, p.opacity, p.rgb.x, p.rgb.y);
  r.b_slot = vec4<f32>(p.rgb.z, bitcast<f32>(slot), alpha_extent(p.conic, p.opacity));
  records[j] = r;
}
