// Texture blit: draws a rendered texture onto the canvas, scaled to fill it with bilinear
// filtering (the sorted-quad view at a render resolution other than the canvas').
@group(0) @binding(0) var source: texture_2d<f32>;
@group(0) @binding(1) var linear_sampler: sampler;

struct VsOut {
  @builtin(position) pos: vec4<f32>,
  @location(0) uv: vec2<f32>,
}

@vertex
fn vs(@builtin(vertex_index) vi: u32) -> VsOut {
  // One triangle covering the viewport; uv runs 0..1 over it with y down.
  let p = vec2<f32>(f32((vi << 1u) & 2u), f32(vi & 2u));
  var out: VsOut;
  out.pos = vec4<f32>(p * 2.0 - 1.0, 0.0, 1.0);
  out.uv = vec2<f32>(p.x, 1.0 - p.y);
  return out;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
  return vec4<f32>(textureSample(source, linear_sampler, in.uv).rgb, 1.0);
}
