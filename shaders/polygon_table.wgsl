// The triangles of the sorted-splat draw on CPU adapters, back to front, and its indirect draw
// arguments: one workgroup, after the depth sort. The visible count is the position of the
// first CULLED_KEY (culled splats sort last), found by binary search; each visible splat, from
// the farthest, gets as many entries as its sort value says (1 triangle, a rectangle of 2 or a
// hexagon of 4: common/quad.wgsl) of `splat index << 3 | piece`, where piece indexes splat_quads.wgsl's
// POLYGON_CORNER (0: the triangle, 1-2: the rectangle, 3-6: the hexagon). As
// radix_sort_single.wgsl: TABLE_LANES chunks of consecutive ranks, each lane counts its chunk's
// triangles, an exclusive scan of the lane totals, each lane writes its chunk in order.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/quad.wgsl"

// A software adapter runs one workgroup on one thread: the lanes only split the work into
// chunks so that the scan over them is short.
const TABLE_LANES: u32 = 64u;

@group(1) @binding(0) var<storage, read> sorted_keys: array<u32>;  // [N] depth keys, ascending
// [N] splat index | (triangles - 1) << POLYGON_SHIFT, nearest first
@group(1) @binding(1) var<storage, read> order: array<u32>;
@group(1) @binding(2) var<storage, read_write> table: array<u32>;  // [4N] splat << 3 | piece, back to front
// [8] u32: draw-indirect arguments (3 x triangles, 1, 0, 0), then the visible count and the triangles.
@group(1) @binding(3) var<storage, read_write> args: array<u32>;

var<workgroup> visible_shared: u32;
var<workgroup> lane_first: array<u32, TABLE_LANES>;  // each lane's triangles, then their exclusive scan

// Piece of POLYGON_CORNER that a splat's table entries start at, by its triangle count.
fn first_piece(triangles: u32) -> u32 {
  return select(select(0u, 1u, triangles == 2u), 3u, triangles == 4u);
}

@compute @workgroup_size(TABLE_LANES)
fn main(@builtin(local_invocation_index) c: u32) {
  if (c == 0u) {
    var lo = 0u;
    var hi = cam.counts.x;
    while (lo < hi) {
      let mid = (lo + hi) / 2u;
      if (sorted_keys[mid] == CULLED_KEY) { hi = mid; } else { lo = mid + 1u; }
    }
    visible_shared = lo;
  }
  let visible = workgroupUniformLoad(&visible_shared);
  // Rank r (0 = the farthest visible splat) is sorted position visible - 1 - r.
  let chunk = (visible + TABLE_LANES - 1u) / TABLE_LANES;
  let first = min(c * chunk, visible);
  let end = min(first + chunk, visible);
  var total = 0u;
  for (var r = first; r < end; r++) {
    total += (order[visible - 1u - r] >> POLYGON_SHIFT) + 1u;
  }
  lane_first[c] = total;
  workgroupBarrier();
  var slot = 0u;
  for (var l = 0u; l < c; l++) {
    slot += lane_first[l];
  }
  if (c == TABLE_LANES - 1u) {
    let triangles = slot + total;
    args[0] = 3u * triangles;
    args[1] = 1u;
    args[2] = 0u;
    args[3] = 0u;
    args[4] = visible;
    args[5] = triangles;
  }
  for (var r = first; r < end; r++) {
    let value = order[visible - 1u - r];
    let triangles = (value >> POLYGON_SHIFT) + 1u;
    let entry = ((value & SPLAT_INDEX_MASK) << 3u) | first_piece(triangles);
    for (var k = 0u; k < triangles; k++) {
      table[slot + k] = entry + k;
    }
    slot += triangles;
  }
}
