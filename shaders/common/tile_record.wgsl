// What the tile rasterizer and its backward read per entry of a tile's list, gathered once per
// frame in tile order (tile_ranges.wgsl) so each entry is one contiguous 48-byte read instead of
// three dependent lookups (slot -> splat -> projected record). The slot is kept for the backward,
// which writes each entry's partial gradients there. Host layout: TILE_RECORD in
// src/kernels/layouts.ts (probe-tested).
struct TileRecord {
  xy_ab: vec4<f32>,     // 2D mean (pixels), conic A, conic B
  c_o_rg: vec4<f32>,    // conic C, opacity, red, green
  b_slot: vec4<f32>,    // blue, bitcast<f32>(emission slot), x extent, y extent (pixels)
}

// The largest |dx| and |dy| from the mean at which the splat can reach alpha >= 1/255: on the
// ellipse q(d) = 2 ln(255 o) of the conic's quadratic form, |dx| <= sqrt(2 ln(255 o) Sigma_xx)
// (Sigma = the conic's inverse), with margins far above f32 rounding. A pixel outside this box
// is skipped by the forward's own test, so the rasterizers may skip it early (no exp) without
// changing any blend decision.
fn alpha_extent(conic: vec3<f32>, opacity: f32) -> vec2<f32> {
  let det = conic.x * conic.z - conic.y * conic.y;
  let k = max(2.0 * log(opacity / ALPHA_MIN), 0.0) * 1.001 + 1e-3;
  return sqrt(k * vec2<f32>(conic.z, conic.x) / det) + vec2<f32>(1e-2);
}
