// Sorted-quad rasterization for viewing: one quad (two triangles) per visible splat, drawn back
// to front with hardware "over" blending (premultiplied colour; src 1, dst 1 - src alpha). The
// fragment evaluates the same alpha as the tile rasterizer (common/blend.wgsl: skip below 1/255
// or a positive exponent, cap at 0.99) at the pixel centre (@builtin(position) is i + 0.5), so
// the two paths agree up to blending precision and the tile path's early stop at T < 1e-4.
// Quads come from project_view.wgsl by splat index; `order` is the depth sort's output.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/quad.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> quads: array<SplatQuad>;    // [N] by splat index
@group(1) @binding(1) var<storage, read> order: array<u32>;          // [N] splat index, nearest first
@group(1) @binding(2) var<storage, read> draw_args: array<u32>;      // [4]; [0] = 6 * visible count

struct VsOut {
  @builtin(position) pos: vec4<f32>,
  @location(0) @interpolate(flat) xy_ab: vec4<f32>,   // mean x, y (pixels), conic A, B
  @location(1) @interpolate(flat) c_rgb: vec4<f32>,   // conic C, red, green, blue
  @location(2) @interpolate(flat) opacity: f32,
}

// Corner of vertex v of a quad's two triangles (0, 1, 2) and (2, 1, 3), corners numbered like a strip.
const QUAD_CORNER = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u);

@vertex
fn vs(@builtin(vertex_index) vertex: u32) -> VsOut {
  let n = vertex / 6u;
  let corner_id = QUAD_CORNER[vertex - 6u * n];
  let q = quads[order[draw_args[0] / 6u - 1u - n]];  // back to front
  var out: VsOut;
  out.xy_ab = vec4<f32>(q.centre_axis1.xy, q.axis2_conic_a.zw);
  out.c_rgb = q.conic_c_rgb;
  out.opacity = q.opacity;
  let corner = vec2<f32>(f32(corner_id & 1u), f32(corner_id >> 1u)) * 2.0 - 1.0;
  let px = q.centre_axis1.xy + q.centre_axis1.zw * corner.x + q.axis2_conic_a.xy * corner.y;
  let size = vec2<f32>(f32(cam.image.x), f32(cam.image.y));
  out.pos = vec4<f32>(px.x / size.x * 2.0 - 1.0, 1.0 - px.y / size.y * 2.0, 0.0, 1.0);
  return out;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
  let alpha = splat_alpha(in.xy_ab.xy - in.pos.xy, vec3<f32>(in.xy_ab.zw, in.c_rgb.x), in.opacity);
  if (alpha < ALPHA_MIN) { discard; }
  return vec4<f32>(in.c_rgb.yzw * alpha, alpha);
}
