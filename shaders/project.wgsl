// Projection forward: one invocation per splat i < N.
// Reads the raw Gaussian parameters, writes the projected record (2D mean, conic, opacity, SH
// colour, extent, tile count), and the depth-sort key/value pair. Culled splats (behind the
// near plane, non-finite, degenerate covariance, opacity that can never reach 1/255, or no tile
// on screen) get radius 0, tiles 0 and the key CULLED_KEY, so they sort after every visible one.
// Invariant: `tiles` is rect_area(tile_rect(xy, radius)) — the emission kernel recomputes the same
// rectangle from these two fields through common/tiles.wgsl.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/tiles.wgsl"
#include "common/sh.wgsl"
#include "common/gaussian.wgsl"

@group(1) @binding(0) var<storage, read> means: array<f32>;            // [N, 3] world xyz
@group(1) @binding(1) var<storage, read> log_scales: array<f32>;       // [N, 3] log of std-devs
@group(1) @binding(2) var<storage, read> quats: array<vec4<f32>>;      // [N, 4] wxyz, unnormalised
@group(1) @binding(3) var<storage, read> opacity_logits: array<f32>;   // [N]
@group(1) @binding(4) var<storage, read> sh: array<f32>;               // [N, K, 3] coefficient-major RGB
@group(1) @binding(5) var<storage, read_write> projected: array<ProjectedSplat>; // [N]
@group(1) @binding(6) var<storage, read_write> depth_keys: array<u32>;  // [N] f32 bits of z, or CULLED_KEY
@group(1) @binding(7) var<storage, read_write> depth_values: array<u32>; // [N] splat index

fn is_finite3(v: vec3<f32>) -> bool {
  // NaN fails every comparison; +-Inf fails the bound. Phrased positively so NaN culls.
  return all(abs(v) < vec3<f32>(3.0e38));
}

fn culled(i: u32) {
  var p: ProjectedSplat;
  projected[i] = p;
  depth_keys[i] = CULLED_KEY;
  depth_values[i] = i;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= cam.counts.x) { return; }

  let mean = vec3<f32>(means[3u * i], means[3u * i + 1u], means[3u * i + 2u]);
  let rot = cam_rotation();
  let t = rot * mean + cam.trans.xyz;
  if (!(t.z > cam.params.x) || !is_finite3(t)) { culled(i); return; }

  let opacity = 1.0 / (1.0 + exp(-opacity_logits[i]));
  // alpha = opacity * G <= opacity: below 1/255 it never blends anywhere.
  if (!(opacity >= ALPHA_MIN)) { culled(i); return; }

  let ls = vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u]);
  let s = exp(ls) * cam.params.y;
  let q = safe_normalize4(quats[i]);
  let r = quat_to_mat(q);
  let m = mat3x3<f32>(r[0] * s.x, r[1] * s.y, r[2] * s.z); // R * diag(s)
  let cov3 = m * transpose(m);

  let fx = cam.intrinsics.x;
  let fy = cam.intrinsics.y;
  let jw = projection_jacobian(t, fx, fy, cam.clip) * rot;
  let cv = cov2d(jw, cov3);
  let det = cv.x * cv.z - cv.y * cv.y;
  if (!(det > 0.0) || !is_finite3(cv)) { culled(i); return; }
  let conic = vec3<f32>(cv.z, -cv.y, cv.x) / det;

  let mid = 0.5 * (cv.x + cv.z);
  let lambda_max = mid + sqrt(max(0.1, mid * mid - det));
  // 3 sigma along the major axis (reference extent), tightened where the opacity makes
  // alpha < 1/255 earlier: o * exp(-d^2 / (2 lambda_max)) >= 1/255 needs
  // d <= sqrt(2 ln(255 o) lambda_max). The +1 px is margin for f32 rounding of lambda_max.
  let r_sigma = ceil(EXTENT_SIGMA * sqrt(lambda_max));
  let r_alpha = ceil(sqrt(2.0 * log(opacity / ALPHA_MIN) * lambda_max)) + 1.0;
  let radius = min(r_sigma, r_alpha);

  let rz = 1.0 / t.z;
  let xy = vec2<f32>(fx * t.x * rz + cam.intrinsics.z, fy * t.y * rz + cam.intrinsics.w);
  if (!all(abs(xy) < vec2<f32>(1.0e7))) { culled(i); return; }
  let rect = tile_rect(xy, radius, cam.image.zw);
  let tiles = rect_area(rect);
  if (tiles == 0u) { culled(i); return; }

  // SH colour for the active degree; the view direction points from the camera to the splat.
  let dir = normalize(mean - cam.centre.xyz);
  let basis = sh_basis(dir, cam.counts.y);
  let n_coeffs = (cam.counts.y + 1u) * (cam.counts.y + 1u);
  let base = i * cam.counts.z * 3u;
  var rgb = vec3<f32>(0.0);
  for (var k = 0u; k < n_coeffs; k++) {
    let o = base + 3u * k;
    rgb += basis[k] * vec3<f32>(sh[o], sh[o + 1u], sh[o + 2u]);
  }
  rgb = max(rgb + vec3<f32>(0.5), vec3<f32>(0.0));

  var p: ProjectedSplat;
  p.xy = xy;
  p.depth = t.z;
  p.opacity = opacity;
  p.conic = conic;
  p.radius = radius;
  p.rgb = rgb;
  p.tiles = tiles;
  projected[i] = p;
  depth_keys[i] = bitcast<u32>(t.z);
  depth_values[i] = i;
}
