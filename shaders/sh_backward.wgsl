// SH colour backward: one invocation per splat i < N. From dL/drgb (v_projected), applies the
// clamp mask (no gradient where SH sum + 0.5 < 0), writes dL/dsh for the active degree, the
// pipeline's SH_DEGREE (common/sh.wgsl; equal to the camera's cam.counts.y), zero for higher
// coefficients, and the view-direction term into the means: d = normalize(mean - centre),
// dL/dmean = (I - d d^T) / |mean - centre| dL/dd. This kernel initialises v_means; the geometry
// backward (project_backward.wgsl) adds its terms afterwards.
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/gradient.wgsl"
#include "common/sh.wgsl"
#include "common/sh_backward.wgsl"

@group(1) @binding(0) var<storage, read> means: array<f32>;                // [N, 3]
@group(1) @binding(1) var<storage, read> sh: array<f32>;                   // [N, K, 3]
@group(1) @binding(2) var<storage, read> projected: array<ProjectedSplat>; // [N]
@group(1) @binding(3) var<storage, read> v_projected: array<ProjectedGrad>; // [N]
@group(1) @binding(4) var<storage, read_write> v_sh: array<f32>;           // [N, K, 3]
@group(1) @binding(5) var<storage, read_write> v_means: array<f32>;        // [N, 3]

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= cam.counts.x) { return; }
  let k_total = cam.counts.z;
  let base = i * k_total * 3u;
  let visible = projected[i].tiles > 0u;
  // The pipeline's degree (src/kernels/project-backward.ts builds one per degree, 0-3): a constant,
  // so the bands above it compile away (0.71x the time at degree 0 on SwiftShader).
  let degree = SH_DEGREE;
  let n_active = (degree + 1u) * (degree + 1u);
  var v_mean = vec3<f32>(0.0);
  if (visible) {
    let mean = vec3<f32>(means[3u * i], means[3u * i + 1u], means[3u * i + 2u]);
    let v = mean - cam.centre.xyz;
    let len_v = length(v);
    let dir = v / len_v;
    let basis = sh_basis(dir, degree);
    var raw = vec3<f32>(0.5);
    for (var k = 0u; k < n_active; k++) {
      let o = base + 3u * k;
      raw += basis[k] * vec3<f32>(sh[o], sh[o + 1u], sh[o + 2u]);
    }
    // The colour's fields only: a software adapter loads each float on its own.
    let v_rgb_in = vec3<f32>(v_projected[i].c_o_rg.zw, v_projected[i].b.x);
    let v_rgb = select(v_rgb_in, vec3<f32>(0.0), raw < vec3<f32>(0.0));
    var v_y: array<f32, 16>;
    for (var k = 0u; k < n_active; k++) {
      let o = base + 3u * k;
      let g = basis[k] * v_rgb;
      v_sh[o] = g.x; v_sh[o + 1u] = g.y; v_sh[o + 2u] = g.z;
      v_y[k] = dot(vec3<f32>(sh[o], sh[o + 1u], sh[o + 2u]), v_rgb);
    }
    for (var k = n_active; k < k_total; k++) {
      let o = base + 3u * k;
      v_sh[o] = 0.0; v_sh[o + 1u] = 0.0; v_sh[o + 2u] = 0.0;
    }
    let v_dir = sh_basis_vjp(dir, degree, v_y);
    v_mean = (v_dir - dir * dot(dir, v_dir)) / len_v;
  } else {
    for (var k = 0u; k < k_total * 3u; k++) { v_sh[base + k] = 0.0; }
  }
  v_means[3u * i] = v_mean.x;
  v_means[3u * i + 1u] = v_mean.y;
  v_means[3u * i + 2u] = v_mean.z;
}
