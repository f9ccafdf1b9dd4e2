// One splat's screen quad and what its fragments need, written by project_view.wgsl by splat
// index and read once per vertex by splat_quads.wgsl. 64 bytes with its padding (SPLAT_QUAD in
// src/kernels/layouts.ts, probe-tested).
struct SplatQuad {
  centre_axis1: vec4<f32>,   // 2D mean (pixels), first half-axis (pixels)
  axis2_conic_a: vec4<f32>,  // second half-axis, conic A, conic B
  conic_c_rgb: vec4<f32>,    // conic C, red, green, blue
  opacity: f32,
  t_cap: f32,                // t where opacity (2^-t)^16 = ALPHA_MAX: below it alpha is capped
  t_cut: f32,                // t where opacity (2^-t)^16 = ALPHA_MIN: above it the fragment is skipped
}

// The fragment's falloff: exp(-m / 2) for the Mahalanobis distance m is (2^-t)^16 with
// t = m log2(e) / 32, so the conic handed to the fragment is scaled by FALLOFF_SCALE.
const FALLOFF_SCALE: f32 = 0.045084220027780106;

// The t at which opacity (2^-t)^16 equals alpha is log2(opacity / alpha) / 16: t_cut from
// log2(opacity / ALPHA_MIN), and t_cap that less log2(ALPHA_MAX / ALPHA_MIN) / 16. One log2 per
// splat serves both and the extent (a transcendental costs SwiftShader's projection about 1.5% of
// an orbiting frame each).
const T_CAP_BELOW_CUT: f32 = 0.49874086669773393;

// Software rasterizers (SwiftShader) pay for a triangle about what 100-200 fragments cost
// (bench/README.md), so where the polygon table is used (polygon_table.wgsl) a splat whose
// triangle covers more pixels is drawn with a tighter polygon around the same ellipse: a
// rectangle of 2 triangles (23% fewer pixels) above QUAD_ABOVE pixels, a hexagon of 4 (33%
// fewer) above HEXAGON_ABOVE. The break-even at 200 fragments a triangle; half these
// thresholds measured no better in Chromium.
const QUAD_ABOVE: f32 = 930.0;
const HEXAGON_ABOVE: f32 = 4150.0;

// The viewer's depth-sort values carry, above the splat index, the triangles it is drawn with
// minus one (0, 1 or 3), so the polygon table reads them in order without touching the quads.
// Its entries hold the index shifted by 3: the viewer draws fewer than 2^29 splats (their quads
// alone would take 32 GiB).
const POLYGON_SHIFT: u32 = 30u;
const SPLAT_INDEX_MASK: u32 = 0x3fffffffu;

// Triangles for a splat with half-axes of these lengths (pixels): its triangle's area decides.
fn polygon_triangles(axis1: f32, axis2: f32) -> u32 {
  let triangle_pixels = 5.196152 * axis1 * axis2;  // 3 sqrt(3) a b
  return select(select(1u, 2u, triangle_pixels > QUAD_ABOVE), 4u, triangle_pixels > HEXAGON_ABOVE);
}
