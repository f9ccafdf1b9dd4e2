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

// splat_power for the 4 pixels of a row at once (the tile rasterizer and its backward): dx is
// mean x - pixel centre x per lane, dy = mean y - centre y. The same f32 operations per lane.
// rasterize_backward_tile.wgsl evaluates this expression from per-entry column terms (its Cols):
// change both together, or the backward's blend decisions drift from the forward's.
fn splat_power4(dx: vec4<f32>, dy: f32, conic: vec3<f32>) -> vec4<f32> {
  return -0.5 * (conic.x * dx * dx + conic.z * dy * dy) - conic.y * dx * dy;
}
