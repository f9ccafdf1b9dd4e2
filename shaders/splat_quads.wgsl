// Sorted-quad rasterization for viewing: the visible splats drawn back to front with hardware
// "over" blending (premultiplied colour; src 1, dst 1 - src alpha). GPUs draw a quad (two
// triangles) per splat with corners at +-k along the 2D covariance's scaled eigenvectors, in
// depth order; software rasterizers (SPLAT_VERTICES 3; kernel-shapes.ts) draw the triangles of
// polygon_table.wgsl: one triangle circumscribing the same k-ellipse per splat, or for large
// splats a rectangle or hexagon around it (on SwiftShader a triangle costs about as much as
// 100-200 fragments, so extra triangles only pay where they save more pixels: common/quad.wgsl).
// The fragment evaluates the tile rasterizer's alpha (skip below 1/255, cap at 0.99) from its
// pixel centre and the splat's 2D mean and conic, all flat per primitive:
// nothing is interpolated. On SwiftShader the fragment's arithmetic is 40% of the draw and
// every operation counts (about 1.5% each), so the cap and the skip are thresholds on the
// falloff's argument computed once per splat (SplatQuad.t_cap, t_cut) rather than tests on
// alpha (bench/README.md, twenty-fifth session: 0.915x the draw of playbot-8406).
// The two paths agree up to blending precision and the tile path's early stop at T < 1e-4.
// Quads come from project_view.wgsl by splat index; `order` is the depth sort's output.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/quad.wgsl"
#include "common/blend.wgsl"

@group(1) @binding(0) var<storage, read> quads: array<SplatQuad>;    // [N] by splat index
// SPLAT_VERTICES 6: [N] splat index (below SPLAT_INDEX_MASK), nearest first (the depth sort's output). SPLAT_VERTICES 3:
// [4N] polygon_table.wgsl's triangles back to front, splat index << 3 | POLYGON_CORNER piece.
@group(1) @binding(1) var<storage, read> order: array<u32>;
@group(1) @binding(2) var<storage, read> draw_args: array<u32>;      // [8]; [0] = vertex count

// 6: a quad of two triangles per splat in depth order; 3: the polygon table's triangles.
override SPLAT_VERTICES: u32 = 6u;

struct VsOut {
  @builtin(position) pos: vec4<f32>,
  @location(0) @interpolate(flat) rgbo: vec4<f32>,       // red, green, blue, opacity
  @location(1) @interpolate(flat) centre_ab: vec4<f32>,  // 2D mean (pixels); conic A, 2B times FALLOFF_SCALE
  @location(2) @interpolate(flat) c_cap_cut: vec3<f32>,  // conic C times FALLOFF_SCALE, t_cap, t_cut
}

// Corner of vertex v of a quad's two triangles (0, 1, 2) and (2, 1, 3), corners numbered like a strip.
const QUAD_CORNER = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u);
// Corners, in units of the k-scaled half-axes, of the polygon table's pieces (3 per piece) around
// the unit circle: 0 the equilateral triangle it is inscribed in (circumradius 2, area 5.196);
// 1-2 the square (area 4); 3-6 the regular hexagon (circumradius 2 / sqrt(3), area 3.464), its
// middle triangle and three ears. Shared corners are the same constants, so the pieces meet
// without gaps or double-blended pixels.
const H_X: f32 = 1.1547005;  // 2 / sqrt(3)
const H_H: f32 = 0.5773503;  // 1 / sqrt(3)
const POLYGON_CORNER = array<vec2<f32>, 21>(
  vec2<f32>(0.0, 2.0), vec2<f32>(-1.7320508, -1.0), vec2<f32>(1.7320508, -1.0),
  vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, -1.0), vec2<f32>(-1.0, 1.0),
  vec2<f32>(-1.0, 1.0), vec2<f32>(1.0, -1.0), vec2<f32>(1.0, 1.0),
  vec2<f32>(H_X, 0.0), vec2<f32>(-H_H, 1.0), vec2<f32>(-H_H, -1.0),
  vec2<f32>(H_X, 0.0), vec2<f32>(H_H, 1.0), vec2<f32>(-H_H, 1.0),
  vec2<f32>(-H_H, 1.0), vec2<f32>(-H_X, 0.0), vec2<f32>(-H_H, -1.0),
  vec2<f32>(-H_H, -1.0), vec2<f32>(H_H, -1.0), vec2<f32>(H_X, 0.0),
);

@vertex
fn vs(@builtin(vertex_index) vertex: u32) -> VsOut {
  let n = vertex / SPLAT_VERTICES;
  let v = vertex - SPLAT_VERTICES * n;
  var corner: vec2<f32>;
  var q: SplatQuad;
  if (SPLAT_VERTICES == 3u) {
    let entry = order[n];
    q = quads[entry >> 3u];
    corner = POLYGON_CORNER[(entry & 7u) * 3u + v];
  } else {
    q = quads[order[draw_args[0] / SPLAT_VERTICES - 1u - n] & SPLAT_INDEX_MASK];  // back to front
    let corner_id = QUAD_CORNER[v];
    corner = vec2<f32>(f32(corner_id & 1u), f32(corner_id >> 1u)) * 2.0 - 1.0;
  }
  var out: VsOut;
  out.rgbo = vec4<f32>(q.conic_c_rgb.yzw, q.opacity);
  out.centre_ab = vec4<f32>(q.centre_axis1.xy, q.axis2_conic_a.zw * vec2<f32>(FALLOFF_SCALE, 2.0 * FALLOFF_SCALE));
  out.c_cap_cut = vec3<f32>(q.conic_c_rgb.x * FALLOFF_SCALE, q.t_cap, q.t_cut);
  let px = q.centre_axis1.xy + q.centre_axis1.zw * corner.x + q.axis2_conic_a.xy * corner.y;
  let size = vec2<f32>(f32(cam.image.x), f32(cam.image.y));
  out.pos = vec4<f32>(px.x / size.x * 2.0 - 1.0, 1.0 - px.y / size.y * 2.0, 0.0, 1.0);
  return out;
}

// 2^-16t as the 16th power of a degree-3 minimax fit of 2^-t on [0, 1/2] (relative error
// 5.5e-6, 8.9e-5 after the squarings: a 50th of the 8-bit output's step). Only t <= t_cut
// <= log2(255) / 16 < 1/2 is kept, so the fit's range covers every fragment drawn. No floor or
// exponent arithmetic, which cost SwiftShader more than these multiplies; one fit degree less
// and one squaring more than a degree-4 fit on [0, 1] (same operations but one fewer).
fn gauss(t: f32) -> f32 {
  var p = 1.0 + t * (-0.6929396121121751 + t * (0.2377625970326342 + t * -0.046943803629158745));
  p = p * p;
  p = p * p;
  p = p * p;
  return p * p;
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4<f32> {
  let d = in.pos.xy - in.centre_ab.xy;
  let t = d.x * (in.centre_ab.z * d.x + in.centre_ab.w * d.y) + in.c_cap_cut.x * d.y * d.y;
  // min(ALPHA_MAX, o gauss(t)) is o gauss(max(t, t_cap)); alpha < ALPHA_MIN is t > t_cut.
  // A zero output leaves the target as it was (src 0, dst times 1) and costs less than discard.
  let a = select(in.rgbo.w * gauss(max(t, in.c_cap_cut.y)), 0.0, t > in.c_cap_cut.z);
  return vec4<f32>(in.rgbo.rgb * a, a);
}
