// Calibration (benchmarks only): the naive rasterizer, one invocation per pixel looping over
// every Gaussian in order with the forward's blend rules (common/blend.wgsl) and no early stop.
// Its Gaussian-pixel evaluations per second are what binning must beat: the tile rasterizer
// evaluates (intersections x 256) pairs and is reported as a fraction of this rate.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/blend.wgsl"

struct Splat2d {
  xy_conic_a: vec4<f32>,    // mean x, y (pixels), conic A, B
  conic_c_rgb: vec4<f32>,   // conic C, red, green, blue (w unused: opacity below)
  opacity: vec4<f32>,       // opacity, _, _, _
}

@group(0) @binding(0) var<storage, read> splats: array<Splat2d>;          // [M]
@group(0) @binding(1) var<storage, read_write> image: array<vec4<f32>>;   // [H, W] rgba
@group(0) @binding(2) var<uniform> size: vec4<u32>;                       // width, height

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  if (g.x >= size.x || g.y >= size.y) { return; }
  let pix = vec2<f32>(f32(g.x) + 0.5, f32(g.y) + 0.5);
  var t = 1.0;
  var color = vec3<f32>(0.0);
  let m = arrayLength(&splats);
  for (var j = 0u; j < m; j++) {
    let s = splats[j];
    let alpha = splat_alpha(s.xy_conic_a.xy - pix, vec3<f32>(s.xy_conic_a.zw, s.conic_c_rgb.x), s.opacity.x);
    if (alpha < ALPHA_MIN) { continue; }
    color += s.conic_c_rgb.yzw * (alpha * t);
    t *= 1.0 - alpha;
  }
  image[g.y * size.x + g.x] = vec4<f32>(color, 1.0 - t);
}
