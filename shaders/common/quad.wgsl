// One splat's screen quad and what its fragments need, written by project_view.wgsl by splat
// index and read once per vertex by splat_quads.wgsl. 64 bytes with its padding (SPLAT_QUAD in
// src/kernels/layouts.ts, probe-tested).
struct SplatQuad {
  centre_axis1: vec4<f32>,   // 2D mean (pixels), first half-axis (pixels)
  axis2_conic_a: vec4<f32>,  // second half-axis, conic A, conic B
  conic_c_rgb: vec4<f32>,    // conic C, red, green, blue
  opacity: f32,
}
