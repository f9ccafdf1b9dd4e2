// The per-pixel alpha of a splat, shared by the forward rasterizer and its backward so both make
// bit-identical skip decisions. d = mean2d - pixel centre; conic = (A, B, C).
// Returns 0 when the exponent is positive (outside the numerically valid region).
fn splat_power(d: vec2<f32>, conic: vec3<f32>) -> f32 {
  return -0.5 * (conic.x * d.x * d.x + conic.z * d.y * d.y) - conic.y * d.x * d.y;
}

fn splat_alpha(d: vec2<f32>, conic: vec3<f32>, opacity: f32) -> f32 {
  let power = splat_power(d, conic);
  if (power > 0.0) { return 0.0; }
  return min(ALPHA_MAX, opacity * exp(power));
}
