// Sorted-quad rasterization for viewing: one primitive per visible splat, drawn back to front
// with hardware "over" blending (premultiplied colour; src 1, dst 1 - src alpha). GPUs draw a
// quad (two triangles) with corners at +-k along the 2D covariance's scaled eigenvectors;
// software rasterizers draw one triangle circumscribing the same k-ellipse (SPLAT_VERTICES 3;
// kernel-shapes.ts): on SwiftShader the edges of a quad's two triangles cost more than its 23%
// fewer pixels save. The fragment evaluates the tile rasterizer's alpha (skip below 1/255, cap
// at 0.99) from its pixel centre and the splat's 2D mean and conic, all flat per primitive:
// nothing is interpolated. With the falloff below this drew in 0.84x the time of an
// interpolated whitened offset and exp2 (Chromium, SwiftShader; bench/README.md).
// The two paths agree up to blending precision and the tile path's early stop at T < 1e-4.
// Quads come from project_view.wgsl by splat index; `order` is the depth sort's output.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/quad.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> quads: array<SplatQuad>;    // [N] by splat index
@group(1) @binding(1) var<storage, read> order: array<u32>;          // [N] splat index, nearest first
@group(1) @binding(2) var<storage, read> draw_args: array<u32>;      // [4]; [0] = SPLAT_VERTICES * visible count

// 6: a quad of two triangles; 3: one triangle (draw_args.wgsl takes the same value).
override SPLAT_VERTICES: u32 = 6u;

struct VsOut {
  @builtin(position) pos: vec4<f32>,
  @location(0) @interpolate(flat) rgbo: vec4<f32>,       // red, green, blue, opacity
  @location(1) @interpolate(flat) centre_ab: vec4<f32>,  // 2D mean (pixels); conic A, 2B times GAUSS_SCALE
  @location(2) @interpolate(flat) conic_c: f32,          // conic C times GAUSS_SCALE
}

// Corner of vertex v of a quad's two triangles (0, 1, 2) and (2, 1, 3), corners numbered like a strip.
const QUAD_CORNER = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u);
// The equilateral triangle whose inscribed circle is the unit circle (circumradius 2).
const TRIANGLE_CORNER = array<vec2<f32>, 3>(vec2<f32>(0.0, 2.0), vec2<f32>(-1.7320508, -1.0), vec2<f32>(1.7320508, -1.0));

// exp(-m / 2) for the Mahalanobis distance m is 2^-(m log2(e) / 2) = (2^-y)^8 with
// y = m log2(e) / 16: the conic carries GAUSS_SCALE = log2(e) / 16.
const GAUSS_SCALE: f32 = 0.090168440055560212;

@vertex
fn vs(@builtin(vertex_index) vertex: u32) -> VsOut {
  let n = vertex / SPLAT_VERTICES;
  let v = vertex - SPLAT_VERTICES * n;
  let q = quads[order[draw_args[0] / SPLAT_VERTICES - 1u - n]];  // back to front
  var out: VsOut;
  out.rgbo = vec4<f32>(q.conic_c_rgb.yzw, q.opacity);
  out.centre_ab = vec4<f32>(q.centre_axis1.xy, q.axis2_conic_a.zw * vec2<f32>(GAUSS_SCALE, 2.0 * GAUSS_SCALE));
  out.conic_c = q.conic_c_rgb.x * GAUSS_SCALE;
  var corner: vec2<f32>;
  if (SPLAT_VERTICES == 3u) {
    corner = TRIANGLE_CORNER[v];
  } else {
    let corner_id = QUAD_CORNER[v];
    corner = vec2<f32>(f32(corner_id & 1u), f32(corner_id >> 1u)) * 2.0 - 1.0;
  }
  let px = q.centre_axis1.xy + q.centre_axis1.zw * corner.x + q.axis2_conic_a.xy * corner.y;
  let size = vec2<f32>(f32(cam.image.x), f32(cam.image.y));
  out.pos = vec4<f32>(px.x / size.x * 2.0 - 1.0, 1.0 - px.y / size.y * 2.0, 0.0, 1.0);
  return out;
}

// 2^-8y for y >= 0 as the 8th power of a degree-4 fit of 2^-y on [0, 1] (relative error 3.2e-6,
// 2.5e-5 after the squarings; far below the 8-bit output). y is capped at 1: 2^-8 < ALPHA_MIN,
// so every fragment past the cap is skipped like the tile path skips it (alpha <= opacity <= 1).
// No floor or exponent arithmetic, which cost SwiftShader more than these multiplies.
fn gauss(y: f32) -> f32 {
  let t = min(y, 1.0);
  var p = 1.0 + t * (-0.69306007686351 + t * (0.23943873771499 + t * (-0.05319557309165 + t * 0.00681832850394)));
  p = p * p;
  p = p * p;
  return p * p;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
  let d = in.pos.xy - in.centre_ab.xy;
  let y = d.x * (in.centre_ab.z * d.x + in.centre_ab.w * d.y) + in.conic_c * d.y * d.y;
  let alpha = min(ALPHA_MAX, in.rgbo.w * gauss(y));
  // A zero output leaves the target as it was (src 0, dst times 1) and costs less than discard.
  let a = select(alpha, 0.0, alpha < ALPHA_MIN);
  return vec4<f32>(in.rgbo.rgb * a, a);
}
