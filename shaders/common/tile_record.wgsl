// What the tile rasterizer and its backward read per entry of a tile's list, gathered once per
// frame in tile order (tile_ranges.wgsl) so each entry is one contiguous 48-byte read instead of
// three dependent lookups (slot -> splat -> projected record). The slot is kept for the backward,
// which writes each entry's partial gradients there.
struct TileRecord {
  xy_ab: vec4<f32>,     // 2D mean (pixels), conic A, conic B
  c_o_rg: vec4<f32>,    // conic C, opacity, red, green
  b_slot: vec4<f32>,    // blue, bitcast<f32>(emission slot), _, _
}
