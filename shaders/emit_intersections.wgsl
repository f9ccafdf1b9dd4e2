// Intersection emission: one invocation per sorted position s < N (front to back).
// Writes one record per tile of the splat's rectangle into the slots [offsets[s], offsets[s + 1]):
// the tile id (sort key), the slot itself (sort value) and the splat index (by slot). Visiting
// splats in depth order makes each tile's records depth-ordered, so a STABLE sort by tile id
// alone yields per-tile front-to-back lists. Sorting slots rather than splat indices lets the
// backward write each (splat, tile) partial gradient to its slot, where every splat's partials
// are contiguous and can be summed in a fixed order (deterministic, no float atomics).
// Records past the buffer capacity are dropped; isect_count.kept = min(total, capacity) is what
// the tile sort and the range kernel process (over the indirect grid written beside it), and
// the host grows the buffers when isect_count.total exceeds the capacity.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/tiles.wgsl"
#include "common/isect_count.wgsl"

@group(1) @binding(0) var<storage, read> projected: array<ProjectedSplat>;  // [N] by splat index
@group(1) @binding(1) var<storage, read> sorted_values: array<u32>;         // [N] splat index, front to back
@group(1) @binding(2) var<storage, read> offsets: array<u32>;               // [N + 1] exclusive scan of tiles
@group(1) @binding(3) var<storage, read_write> isect_tiles: array<u32>;     // [capacity] tile id by slot
@group(1) @binding(4) var<storage, read_write> isect_slots: array<u32>;     // [capacity] slot (identity) by slot
@group(1) @binding(5) var<storage, read_write> isect_splats: array<u32>;    // [capacity] splat index by slot
@group(1) @binding(6) var<storage, read_write> isect_count: IsectCount;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let s = linear_index(wg, nwg, li, WG_SIZE);
  let n = cam.counts.x;
  let capacity = arrayLength(&isect_tiles);
  if (s == 0u) {
    let clamped = min(offsets[n], capacity);
    isect_count.total = offsets[n];
    isect_count.kept = clamped;
    let grid = grid_1d((clamped + WG_SIZE - 1u) / WG_SIZE);
    isect_count.grid_x = grid.x;
    isect_count.grid_y = grid.y;
    isect_count.grid_z = grid.z;
  }
  if (s >= n) { return; }
  let g = sorted_values[s];
  let p = projected[g];
  if (p.tiles == 0u) { return; }
  let rect = tile_rect(p.xy, p.radius, cam.image.zw);
  var slot = offsets[s];
  // The splat's own slots only: were its rectangle ever to disagree with the tile count the
  // scan used, it must not overwrite the next splat's records.
  let end = min(offsets[s + 1u], capacity);
  for (var ty = rect.y; ty < rect.w; ty++) {
    for (var tx = rect.x; tx < rect.z; tx++) {
      if (slot < end) {
        isect_tiles[slot] = ty * cam.image.z + tx;
        isect_slots[slot] = slot;
        isect_splats[slot] = g;
      }
      slot++;
    }
  }
}
