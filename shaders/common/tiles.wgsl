// The tile rectangle of a splat: the single definition the projection (which counts tiles) and
// the intersection emission (which writes one record per tile) share, so they always agree.
// Returns (min_x, min_y, max_x, max_y), max exclusive, clamped to the tile grid. Every tile with a
// pixel centre (i + 0.5) within `radius` of xy per axis is included (the upper bound uses
// + TILE_SIZE - 0.5, not INRIA's + 15, which on a float mean misses the next tile when
// xy + radius lies in [16t + 0.5, 16t + 1)).
fn tile_rect(xy: vec2<f32>, radius: f32, tiles: vec2<u32>) -> vec4<u32> {
  let ts = f32(TILE_SIZE);
  let lo = clamp(floor((xy - vec2<f32>(radius)) / ts), vec2<f32>(0.0), vec2<f32>(tiles));
  let hi = clamp(floor((xy + vec2<f32>(radius + ts - 0.5)) / ts), vec2<f32>(0.0), vec2<f32>(tiles));
  return vec4<u32>(vec2<u32>(lo), vec2<u32>(hi));
}

fn rect_area(r: vec4<u32>) -> u32 {
  return (r.z - r.x) * (r.w - r.y);
}
