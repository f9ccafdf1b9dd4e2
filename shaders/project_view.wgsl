// Projection for the viewer's sorted-quad path: one invocation per splat i < N. Projects like
// the tile path (common/project_splat.wgsl) and writes, by splat index, the splat's screen quad
// (what the vertex shader reads, so it does no per-vertex math: it runs 3 to 12 times per
// splat) and the depth-sort key/value pair (the value: index and the triangles to draw it with). Culled splats get CULLED_KEY, which
// sorts after every visible key; they are never drawn, so what their quad holds is never read.
// The quad spans the ellipse where alpha >= 1/255, capped at EXTENT_SIGMA standard deviations,
// along the 2D covariance's eigenvectors.
#include "common/dispatch.wgsl"
#include "common/project_splat.wgsl"
#include "common/quad.wgsl"

@group(1) @binding(0) var<storage, read> means: array<f32>;            // [N, 3] world xyz
@group(1) @binding(1) var<storage, read> log_scales: array<f32>;       // [N, 3] log of std-devs
@group(1) @binding(2) var<storage, read> quats: array<vec4<f32>>;      // [N, 4] wxyz, unnormalised
@group(1) @binding(3) var<storage, read> opacity_logits: array<f32>;   // [N]
@group(1) @binding(4) var<storage, read> sh: array<f32>;               // [N, K, 3] coefficient-major RGB
@group(1) @binding(5) var<storage, read_write> quads: array<SplatQuad>; // [N] by splat index
@group(1) @binding(6) var<storage, read_write> depth_keys: array<u32>;  // [N] depth key, or CULLED_KEY
// [N] splat index | (polygon_triangles - 1) << POLYGON_SHIFT (common/quad.wgsl)
@group(1) @binding(7) var<storage, read_write> depth_values: array<u32>;

// Quantised (cam.counts.w > 0: the viewer knows the scene's depth range) or the f32 bits.
fn depth_key(z: f32) -> u32 {
  if (cam.counts.w == 0u) { return bitcast<u32>(z); }
  return min(u32(max((z - cam.params.z) * cam.params.w, 0.0)), cam.counts.w);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= cam.counts.x) { return; }
  let projection = project_splat(i);
  let p = projection.splat;
  // No early return for culled splats (a branch that differs between lanes makes a software
  // adapter run the rest masked): their quad is computed from the zero record and never drawn.
  depth_keys[i] = select(depth_key(projection.depth), CULLED_KEY, p.tiles == 0u);

  // The 2D covariance (inverse of the conic) and its eigen-decomposition.
  let det_c = p.conic.x * p.conic.z - p.conic.y * p.conic.y;
  let cov = vec3<f32>(p.conic.z, -p.conic.y, p.conic.x) / det_c;
  let mid = 0.5 * (cov.x + cov.z);
  let disc = sqrt(max(0.25 * (cov.x - cov.z) * (cov.x - cov.z) + cov.y * cov.y, 0.0));
  let l1 = mid + disc;
  let l2 = max(mid - disc, 0.0);
  // The major axis; along x or y when the covariance is (numerically) diagonal.
  let axis_aligned = select(vec2<f32>(1.0, 0.0), vec2<f32>(0.0, 1.0), cov.z > cov.x);
  let v1 = select(axis_aligned, normalize(vec2<f32>(cov.y, l1 - cov.x)), abs(cov.y) > 1e-12 * l1);
  // alpha = o exp(-d^2 / 2 lambda) >= 1/255 needs d <= sqrt(2 ln(255 o) lambda); 2 ln x = 2 ln(2) log2 x.
  let log2_over_min = log2(p.opacity / ALPHA_MIN);
  let k = min(EXTENT_SIGMA, sqrt(max(1.3862943611198906 * log2_over_min, 0.0)));
  var q: SplatQuad;
  q.centre_axis1 = vec4<f32>(p.xy, v1 * (k * sqrt(l1)));
  q.axis2_conic_a = vec4<f32>(vec2<f32>(-v1.y, v1.x) * (k * sqrt(l2)), p.conic.x, p.conic.y);
  q.conic_c_rgb = vec4<f32>(p.conic.z, p.rgb);
  q.opacity = p.opacity;
  q.t_cut = log2_over_min * 0.0625;
  q.t_cap = q.t_cut - T_CAP_BELOW_CUT;
  depth_values[i] = i | ((polygon_triangles(k * sqrt(l1), k * sqrt(l2)) - 1u) << POLYGON_SHIFT);
  quads[i] = q;
}
