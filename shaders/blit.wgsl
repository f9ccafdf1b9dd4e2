// Blit: draws the rendered [H, W] rgba f32 image to the canvas, scaled to fill it with
// nearest-neighbour sampling, colours clamped to [0, 1] with no colour-space conversion
// (the canvas shows exactly what the PNG export writes).
struct BlitParams {
  src_size: vec2<u32>,
  dst_size: vec2<u32>,
}

@group(0) @binding(0) var<uniform> params: BlitParams;
@group(0) @binding(1) var<storage, read> image: array<vec4<f32>>; // [H, W] rgba

@vertex
fn vs(@builtin(vertex_index) vi: u32) -> @builtin(position) vec4<f32> {
  // One triangle covering the viewport.
  let uv = vec2<f32>(f32((vi << 1u) & 2u), f32(vi & 2u));
  return vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let scale = vec2<f32>(params.src_size) / vec2<f32>(params.dst_size);
  let src = min(vec2<u32>(pos.xy * scale), params.src_size - vec2<u32>(1u));
  let c = image[src.y * params.src_size.x + src.x];
  return vec4<f32>(clamp(c.rgb, vec3<f32>(0.0), vec3<f32>(1.0)), 1.0);
}
