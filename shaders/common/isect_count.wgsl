// The intersection counts of one frame, written by emit_intersections.wgsl (invocation 0): the
// true total of (splat, tile) records (the host grows the buffers when it exceeds the capacity;
// the prefix sum writes it first), the records kept, min(total, capacity), which the tile sort and
// tile_ranges.wgsl process, and the indirect grid over the kept records (WG_SIZE per workgroup),
// which tile_ranges.wgsl is dispatched with. Scalars only: the grid must start at byte 8, where
// a vec3 could not. Host layout: ISECT_COUNT in src/kernels/layouts.ts (probe-tested).
struct IsectCount {
  total: u32,
  kept: u32,
  grid_x: u32,
  grid_y: u32,
  grid_z: u32,
}
