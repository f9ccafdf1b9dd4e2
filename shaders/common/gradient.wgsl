// The gradient of the loss with respect to one projected splat's screen-space quantities, the
// record the rasterizer backward writes per (splat, tile) slot and the reduction sums per splat.
// 48 bytes, mirrored by PROJECTED_GRAD in src/kernels/layouts.ts (tested by the layout probe);
// the same component order as TileRecord, so sums stay vector-wide.
struct ProjectedGrad {
  xy_ab: vec4<f32>,   // dL/d mean x, y (pixels), dL/d conic A, B (B: the whole off-diagonal term)
  c_o_rg: vec4<f32>,  // dL/d conic C, opacity, red, green
  b: vec4<f32>,       // dL/d blue, _, _, _ (zero)
}
