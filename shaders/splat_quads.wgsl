// Sorted-quad rasterization for viewing: one primitive per visible splat, drawn back to front
// with hardware "over" blending (premultiplied colour; src 1, dst 1 - src alpha). GPUs draw a
// quad (two triangles) with corners at +-k along the 2D covariance's scaled eigenvectors;
// software rasterizers, which pay more per triangle than per fragment, draw one triangle
// circumscribing the same k-ellipse (SPLAT_VERTICES 3; kernel-shapes.ts). Either way the
// interpolated corner coordinates (times k) at a pixel centre are the pixel's whitened offset from the mean:
// its squared length is the Mahalanobis distance, and the fragment evaluates the tile
// rasterizer's alpha (skip below 1/255, cap at 0.99) with one dot product instead of the conic.
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
  @location(0) offset: vec2<f32>,                     // whitened offset from the mean, times sqrt(log2(e) / 2)
  @location(1) @interpolate(flat) rgbo: vec4<f32>,    // red, green, blue, opacity
}

// Corner of vertex v of a quad's two triangles (0, 1, 2) and (2, 1, 3), corners numbered like a strip.
const QUAD_CORNER = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u);
// The equilateral triangle whose inscribed circle is the unit circle (circumradius 2).
const TRIANGLE_CORNER = array<vec2<f32>, 3>(vec2<f32>(0.0, 2.0), vec2<f32>(-1.7320508, -1.0), vec2<f32>(1.7320508, -1.0));

@vertex
fn vs(@builtin(vertex_index) vertex: u32) -> VsOut {
  let n = vertex / SPLAT_VERTICES;
  let v = vertex - SPLAT_VERTICES * n;
  let q = quads[order[draw_args[0] / SPLAT_VERTICES - 1u - n]];  // back to front
  var out: VsOut;
  out.rgbo = vec4<f32>(q.conic_c_rgb.yzw, q.opacity);
  var corner: vec2<f32>;
  if (SPLAT_VERTICES == 3u) {
    corner = TRIANGLE_CORNER[v];
  } else {
    let corner_id = QUAD_CORNER[v];
    corner = vec2<f32>(f32(corner_id & 1u), f32(corner_id >> 1u)) * 2.0 - 1.0;
  }
  out.offset = corner * (q.extent * HALF_LOG2E_SQRT);
  let px = q.centre_axis1.xy + q.centre_axis1.zw * corner.x + q.axis2_conic_a.xy * corner.y;
  let size = vec2<f32>(f32(cam.image.x), f32(cam.image.y));
  out.pos = vec4<f32>(px.x / size.x * 2.0 - 1.0, 1.0 - px.y / size.y * 2.0, 0.0, 1.0);
  return out;
}

// exp(-d^2 / 2) = 2^-(d^2 log2(e) / 2): the scale is folded into the offset.
const HALF_LOG2E_SQRT: f32 = 0.84932180028801904;

// 2^x for x <= 0 as 2^floor(x) times a degree-4 polynomial of the fraction (relative error
// 6e-6, far below the 8-bit output; SwiftShader's exp costs twice as much per fragment).
fn exp2_fast(x: f32) -> f32 {
  let xi = floor(x);
  let f = x - xi;
  let p = 1.0 + f * (0.69304348 + f * (0.24124981 + f * (0.05235283 + f * 0.01334154)));
  return ldexp(p, i32(xi));
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
  let alpha = min(ALPHA_MAX, in.rgbo.w * exp2_fast(-dot(in.offset, in.offset)));
  if (alpha < ALPHA_MIN) { discard; }
  return vec4<f32>(in.rgbo.rgb * alpha, alpha);
}
