// The projection of one Gaussian, shared by the tile path's projection (project.wgsl) and the
// viewer's (project_view.wgsl), so both cull, size and colour splats identically. The including
// kernel declares the parameter bindings `means`, `log_scales`, `quats`, `opacity_logits`, `sh`.
// Culled splats (behind the near plane, non-finite, degenerate covariance, opacity that can never
// reach 1/255, or no tile on screen) come back as the zero record: radius 0, tiles 0.
// Invariant: `tiles` is rect_area(tile_rect(xy, radius)) — the emission kernel recomputes the same
// rectangle from these two fields through common/tiles.wgsl.
#include "common/constants.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/tiles.wgsl"
#include "common/sh.wgsl"
#include "common/gaussian.wgsl"
#include "common/hash.wgsl"

fn is_finite3(v: vec3<f32>) -> bool {
  // NaN fails every comparison; +-Inf fails the bound. Phrased positively so NaN culls.
  return all(abs(v) < vec3<f32>(3.0e38));
}

fn sh_coeff(base: u32, k: u32) -> vec3<f32> {
  let o = base + 3u * k;
  return vec3<f32>(sh[o], sh[o + 1u], sh[o + 2u]);
}

// SH colour of splat `i` for view direction `d` at the active degree, written out per band so no
// private array is indexed dynamically (slow on CPU adapters). Same sums as sh_basis().
fn sh_colour(i: u32, d: vec3<f32>) -> vec3<f32> {
  let degree = active_sh_degree(cam.counts.y);
  let base = i * cam.counts.z * 3u;
  var rgb = SH_C0 * sh_coeff(base, 0u);
  if (degree == 0u) { return rgb; }
  let x = d.x; let y = d.y; let z = d.z;
  rgb += -SH_C1 * y * sh_coeff(base, 1u) + SH_C1 * z * sh_coeff(base, 2u) - SH_C1 * x * sh_coeff(base, 3u);
  if (degree == 1u) { return rgb; }
  let xx = x * x; let yy = y * y; let zz = z * z;
  rgb += SH_C2_0 * x * y * sh_coeff(base, 4u)
       + SH_C2_1 * y * z * sh_coeff(base, 5u)
       + SH_C2_2 * (2.0 * zz - xx - yy) * sh_coeff(base, 6u)
       + SH_C2_3 * x * z * sh_coeff(base, 7u)
       + SH_C2_4 * (xx - yy) * sh_coeff(base, 8u);
  if (degree == 2u) { return rgb; }
  rgb += SH_C3_0 * y * (3.0 * xx - yy) * sh_coeff(base, 9u)
       + SH_C3_1 * x * y * z * sh_coeff(base, 10u)
       + SH_C3_2 * y * (4.0 * zz - xx - yy) * sh_coeff(base, 11u)
       + SH_C3_3 * z * (2.0 * zz - 3.0 * xx - 3.0 * yy) * sh_coeff(base, 12u)
       + SH_C3_4 * x * (4.0 * zz - xx - yy) * sh_coeff(base, 13u)
       + SH_C3_5 * z * (xx - yy) * sh_coeff(base, 14u)
       + SH_C3_6 * x * (xx - 3.0 * yy) * sh_coeff(base, 15u);
  return rgb;
}

// A projected splat and its camera-space depth (the sort key's source).
struct Projection {
  splat: ProjectedSplat,
  depth: f32,
}

// Every cull test narrows `ok`, and the record is selected at the end. With EARLY_EXIT a culled
// splat returns at once (GPUs: no SH loads for it); without, nothing branches (CPU adapters: a
// return that differs between the lanes of a SIMD group makes a software adapter run everything
// after it masked, its 60 parameter loads included; KernelShapes.earlyExit).
override EARLY_EXIT: bool = true;

// The dropout's stream of draws ("drop"; src/reference/dropout.ts reads it from here).
const DROPOUT_STREAM: u32 = 0x64726f70u;

fn culled_splat() -> Projection {
  var p: Projection;
  return p;
}

fn project_splat(i: u32) -> Projection {
  let mean = vec3<f32>(means[3u * i], means[3u * i + 1u], means[3u * i + 2u]);
  let rot = cam_rotation();
  let t = rot * mean + cam.trans.xyz;
  var ok = (t.z > cam.params.x) & is_finite3(t);
  if (EARLY_EXIT && !ok) { return culled_splat(); }

  let opacity = 1.0 / (1.0 + exp(-opacity_logits[i]));
  // alpha = opacity * G <= opacity: below 1/255 it never blends anywhere.
  ok = ok & (opacity >= ALPHA_MIN);
  if (EARLY_EXIT && !ok) { return culled_splat(); }

  let ls = vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u]);
  let s = exp(ls) * cam.params.y;
  let q = safe_normalize4(quats[i]);
  let r = quat_to_mat(q);
  let m = mat3x3<f32>(r[0] * s.x, r[1] * s.y, r[2] * s.z); // R * diag(s)
  let cov3 = m * transpose(m);

  let fx = cam.intrinsics.x;
  let fy = cam.intrinsics.y;
  let jw = projection_jacobian(t, fx, fy, cam.clip) * rot;
  let f2 = cam.filter2d.x;
  let cv = cov2d(jw, cov3, f2);
  let det = cv.x * cv.z - cv.y * cv.y;
  ok = ok & (det > 0.0) & is_finite3(cv);
  if (EARLY_EXIT && !ok) { return culled_splat(); }
  let conic = vec3<f32>(cv.z, -cv.y, cv.x) / det;
  // Anti-aliasing (Mip-Splatting's 2D filter): the dilation keeps the splat's energy, so the
  // opacity shrinks by sqrt(det(Sigma2D) / det(Sigma2D + s I)), s = the filter's variance.
  var comp = 1.0;
  if (cam.flags.x != 0u) {
    let det0 = (cv.x - f2) * (cv.z - f2) - cv.y * cv.y;
    comp = sqrt(max(det0 / det, 0.0));
  }
  // Dropout (training only): a splat drawn below the threshold is left out of this frame, the
  // others count 1 / (1 - rate) times. The factor rides on comp, so opacity / comp stays the
  // sigmoid that the backward differentiates.
  if (cam.flags.y != 0u) {
    let h = pcg_hash(stream_key(cam.flags.z, cam.flags.w, DROPOUT_STREAM) + i);
    comp *= select(cam.filter2d.y, 0.0, h < cam.flags.y);
  }
  let blended = opacity * comp;
  ok = ok & (blended >= ALPHA_MIN);
  if (EARLY_EXIT && !ok) { return culled_splat(); }

  let mid = 0.5 * (cv.x + cv.z);
  let lambda_max = mid + sqrt(max(0.1, mid * mid - det));
  // 3 sigma along the major axis (reference extent), tightened where the opacity makes
  // alpha < 1/255 earlier: o * exp(-d^2 / (2 lambda_max)) >= 1/255 needs
  // d <= sqrt(2 ln(255 o) lambda_max). The +1 px is margin for f32 rounding of lambda_max.
  let r_sigma = ceil(EXTENT_SIGMA * sqrt(lambda_max));
  let r_alpha = ceil(sqrt(2.0 * log(blended / ALPHA_MIN) * lambda_max)) + 1.0;
  let radius = min(r_sigma, r_alpha);

  let rz = 1.0 / t.z;
  let xy = vec2<f32>(fx * t.x * rz + cam.intrinsics.z, fy * t.y * rz + cam.intrinsics.w);
  ok = ok & all(abs(xy) < vec2<f32>(1.0e7));
  // A culled splat's values may be NaN or huge: its rectangle is taken at the origin, radius 0.
  let rect = tile_rect(select(vec2<f32>(0.0), xy, ok), select(0.0, radius, ok), cam.image.zw);
  let tiles = select(0u, rect_area(rect), ok);
  ok = ok & (tiles != 0u);
  if (EARLY_EXIT && !ok) { return culled_splat(); }

  // SH colour for the active degree; the view direction points from the camera to the splat.
  let dir = normalize(mean - cam.centre.xyz);
  let rgb = max(sh_colour(i, dir) + vec3<f32>(0.5), vec3<f32>(0.0));

  // The zero record for culled splats, as the early returns gave.
  var p: Projection;
  p.depth = select(0.0, t.z, ok);
  p.splat.xy = select(vec2<f32>(0.0), xy, ok);
  p.splat.comp = select(0.0, comp, ok);
  p.splat.opacity = select(0.0, blended, ok);
  p.splat.conic = select(vec3<f32>(0.0), conic, ok);
  p.splat.radius = select(0.0, radius, ok);
  p.splat.rgb = select(vec3<f32>(0.0), rgb, ok);
  p.splat.tiles = select(0u, tiles, ok);
  return p;
}
