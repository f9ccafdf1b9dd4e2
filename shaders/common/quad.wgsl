// One splat's screen quad and what its fragments need, written by project_view.wgsl by splat
// index and read once per vertex by splat_quads.wgsl. 64 bytes with its padding (SPLAT_QUAD in
// src/kernels/layouts.ts, probe-tested).
struct SplatQuad {
  centre_axis1: vec4<f32>,   // 2D mean (pixels), first half-axis (pixels)
  axis2_conic_a: vec4<f32>,  // second half-axis, conic A, conic B
  conic_c_rgb: vec4<f32>,    // conic C, red, green, blue
  opacity: f32,
  t_cap: f32,                // falloff_t(opacity, ALPHA_MAX): below it alpha is capped
  t_cut: f32,                // falloff_t(opacity, ALPHA_MIN): above it the fragment is skipped
}

// The fragment's falloff: exp(-m / 2) for the Mahalanobis distance m is (2^-t)^16 with
// t = m log2(e) / 32, so the conic handed to the fragment is scaled by FALLOFF_SCALE.
const FALLOFF_SCALE: f32 = 0.045084220027780106;

// The t at which opacity (2^-t)^16 equals alpha.
fn falloff_t(opacity: f32, alpha: f32) -> f32 {
  return log2(opacity / alpha) * 0.0625;
}
