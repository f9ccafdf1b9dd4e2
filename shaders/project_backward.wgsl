// Projection backward (geometry): one invocation per splat i < N. From dL/d(mean2d, conic)
// (v_projected) to the raw parameters, following 3dgs-reference.md §3.4-3.6 with the exact
// choices of decisions.md: the conic inverse VJP, Sigma2D = T Sigma T^T with T = J W, the clamped
// Jacobian's exact z-derivative (where x/z or y/z was clamped, J's last column is -f kappa / z with
// constant kappa, so it does not depend on x or y), the 2D-mean projection path, then
// Sigma = M M^T with M = R(q/|q|) diag(exp(log_scale) * splat_scale) to log-scales and the
// quaternion through its normalisation. Adds to v_means (initialised by sh_backward.wgsl).
#include "common/constants.wgsl"
#include "common/dispatch.wgsl"
#include "common/camera.wgsl"
#include "common/projected.wgsl"
#include "common/gradient.wgsl"
#include "common/gaussian.wgsl"

@group(1) @binding(0) var<storage, read> means: array<f32>;                // [N, 3]
@group(1) @binding(1) var<storage, read> log_scales: array<f32>;           // [N, 3]
@group(1) @binding(2) var<storage, read> quats: array<vec4<f32>>;          // [N, 4] wxyz
@group(1) @binding(3) var<storage, read> projected: array<ProjectedSplat>; // [N]
@group(1) @binding(4) var<storage, read> v_projected: array<ProjectedGrad>; // [N]
@group(1) @binding(5) var<storage, read_write> v_means: array<f32>;        // [N, 3] (accumulated)
@group(1) @binding(6) var<storage, read_write> v_log_scales: array<f32>;   // [N, 3]
@group(1) @binding(7) var<storage, read_write> v_quats: array<vec4<f32>>;  // [N, 4] wxyz

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = linear_index(wg, nwg, li, WG_SIZE);
  if (i >= cam.counts.x) { return; }
  if (projected[i].tiles == 0u) {
    v_log_scales[3u * i] = 0.0; v_log_scales[3u * i + 1u] = 0.0; v_log_scales[3u * i + 2u] = 0.0;
    v_quats[i] = vec4<f32>(0.0);
    return;
  }
  // The fields read, not the whole record: a software adapter loads each float on its own.
  let v_xy_ab = v_projected[i].xy_ab;
  let v_xy = v_xy_ab.xy;
  let v_conic = vec3<f32>(v_xy_ab.zw, v_projected[i].c_o_rg.x);

  // Recompute the forward intermediates with the same functions as project.wgsl.
  let mean = vec3<f32>(means[3u * i], means[3u * i + 1u], means[3u * i + 2u]);
  let w = cam_rotation();
  let t = w * mean + cam.trans.xyz;
  let s = exp(vec3<f32>(log_scales[3u * i], log_scales[3u * i + 1u], log_scales[3u * i + 2u])) * cam.params.y;
  let q_raw = quats[i];
  let q_norm = max(length(q_raw), 1e-12);
  let q = q_raw / q_norm;
  let r = quat_to_mat(q);
  let m = mat3x3<f32>(r[0] * s.x, r[1] * s.y, r[2] * s.z);
  let cov3 = m * transpose(m);
  let fx = cam.intrinsics.x;
  let fy = cam.intrinsics.y;
  let j = projection_jacobian(t, fx, fy, cam.clip);
  let tm = j * w; // T = J W, 2x3
  let cv = cov2d(tm, cov3, cam.filter2d.x);
  let det = cv.x * cv.z - cv.y * cv.y;
  let conic = mat2x2<f32>(vec2<f32>(cv.z, -cv.y), vec2<f32>(-cv.y, cv.x)) * (1.0 / det);

  // Conic = inverse(Sigma2D'): dL/dSigma2D = -Q G Q with G symmetric, off-diagonal v_B / 2.
  let gq = mat2x2<f32>(vec2<f32>(v_conic.x, 0.5 * v_conic.y), vec2<f32>(0.5 * v_conic.y, v_conic.z));
  var g2 = -1.0 * (conic * gq * conic);
  // Anti-aliasing: opacity = sigmoid * m * c with c = sqrt(det0 / det1) (det0 without the dilation,
  // det1 = det with it), so dL/dopacity reaches Sigma2D through c too.
  if (cam.flags.x != 0u) {
    let pr = projected[i];
    let a0 = cv.x - cam.filter2d.x;
    let c0 = cv.z - cam.filter2d.x;
    let det0 = a0 * c0 - cv.y * cv.y;
    // d(opacity)/d(det0 / det1) = sigmoid * m / (2 c) with m the dropout's factor (opacity =
    // sigmoid * m * c): that is opacity / (2 c^2) = opacity det1 / (2 det0), and the quotient
    // rule's 1 / det1^2 leaves opacity / (2 det0 det1).
    let k = v_projected[i].c_o_rg.y * pr.opacity / (2.0 * det0 * det);
    let off = k * cv.y * (det0 - det);
    g2 += mat2x2<f32>(vec2<f32>(k * (c0 * det - det0 * cv.z), off), vec2<f32>(off, k * (a0 * det - det0 * cv.x)));
  }
  // Sigma2D = T Sigma T^T (+ constant dilation): dL/dSigma = T^T G2 T, dL/dT = 2 G2 T Sigma.
  let v_cov3 = transpose(tm) * g2 * tm;
  let v_tm = 2.0 * (g2 * tm * cov3);
  let v_j = v_tm * transpose(w); // 2x3: dL/dJ

  // J = [[fx/z, 0, -fx tx'/z^2], [0, fy/z, -fy ty'/z^2]] with tx' = clamp(x/z) z.
  let rz = 1.0 / t.z;
  let rz2 = rz * rz;
  let xz = t.x * rz;
  let yz = t.y * rz;
  let x_free = xz >= cam.clip.x && xz <= cam.clip.y;
  let y_free = yz >= cam.clip.z && yz <= cam.clip.w;
  let tx = clamp(xz, cam.clip.x, cam.clip.y) * t.z;
  let ty = clamp(yz, cam.clip.z, cam.clip.w) * t.z;
  let vj02 = v_j[2][0];
  let vj12 = v_j[2][1];
  var v_t = vec3<f32>(0.0);
  v_t.x = select(0.0, -fx * rz2 * vj02, x_free);
  v_t.y = select(0.0, -fy * rz2 * vj12, y_free);
  v_t.z = -fx * rz2 * v_j[0][0] - fy * rz2 * v_j[1][1]
        + select(1.0, 2.0, x_free) * fx * tx * rz2 * rz * vj02
        + select(1.0, 2.0, y_free) * fy * ty * rz2 * rz * vj12;
  // 2D mean: u = fx x / z + cx, v = fy y / z + cy.
  v_t += vec3<f32>(fx * rz * v_xy.x, fy * rz * v_xy.y, -(fx * t.x * v_xy.x + fy * t.y * v_xy.y) * rz2);
  let v_mean = transpose(w) * v_t;
  v_means[3u * i] += v_mean.x;
  v_means[3u * i + 1u] += v_mean.y;
  v_means[3u * i + 2u] += v_mean.z;

  // Sigma = M M^T: dL/dM = 2 dL/dSigma M (dL/dSigma symmetric).
  let v_m = 2.0 * (v_cov3 * m);
  // M = R diag(s): dL/ds_k = R[:, k] . v_m[:, k]; log-scale through exp: times s_k.
  let v_s = vec3<f32>(dot(r[0], v_m[0]), dot(r[1], v_m[1]), dot(r[2], v_m[2]));
  let v_ls = v_s * s;
  v_log_scales[3u * i] = v_ls.x;
  v_log_scales[3u * i + 1u] = v_ls.y;
  v_log_scales[3u * i + 2u] = v_ls.z;
  // dL/dR = v_m diag(s); then the rotation-matrix VJP onto the unit quaternion (w, x, y, z).
  let v_r = mat3x3<f32>(v_m[0] * s.x, v_m[1] * s.y, v_m[2] * s.z);
  // M_ab = dL/dR[row a][col b] = v_r[b][a] (WGSL indexes column first).
  let m01 = v_r[1][0]; let m02 = v_r[2][0]; let m10 = v_r[0][1];
  let m12 = v_r[2][1]; let m20 = v_r[0][2]; let m21 = v_r[1][2];
  let m00 = v_r[0][0]; let m11 = v_r[1][1]; let m22 = v_r[2][2];
  let qw = q.x; let qx = q.y; let qy = q.z; let qz = q.w;
  let v_qhat = 2.0 * vec4<f32>(
    qx * (m21 - m12) + qy * (m02 - m20) + qz * (m10 - m01),
    -2.0 * qx * (m11 + m22) + qy * (m10 + m01) + qz * (m20 + m02) + qw * (m21 - m12),
    qx * (m10 + m01) - 2.0 * qy * (m00 + m22) + qz * (m21 + m12) + qw * (m02 - m20),
    qx * (m20 + m02) + qy * (m21 + m12) - 2.0 * qz * (m00 + m11) + qw * (m10 - m01),
  );
  // q_hat = q / |q|: dL/dq = (v - q_hat (q_hat . v)) / |q|.
  v_quats[i] = (v_qhat - q * dot(q, v_qhat)) / q_norm;
}
