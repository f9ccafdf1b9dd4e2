// Shared Gaussian math: quaternion rotation, 3D covariance, EWA projection with the clamped
// Jacobian, dilation and conic. The backward kernels call the same functions, so forward and
// backward agree on every intermediate.

// Rotation matrix of a unit quaternion q = (w, x, y, z), Hamilton convention.
fn quat_to_mat(q: vec4<f32>) -> mat3x3<f32> {
  let w = q.x; let x = q.y; let y = q.z; let z = q.w;
  // Columns of R (WGSL is column-major).
  return mat3x3<f32>(
    vec3<f32>(1.0 - 2.0 * (y * y + z * z), 2.0 * (x * y + w * z), 2.0 * (x * z - w * y)),
    vec3<f32>(2.0 * (x * y - w * z), 1.0 - 2.0 * (x * x + z * z), 2.0 * (y * z + w * x)),
    vec3<f32>(2.0 * (x * z + w * y), 2.0 * (y * z - w * x), 1.0 - 2.0 * (x * x + y * y)),
  );
}

fn safe_normalize4(q: vec4<f32>) -> vec4<f32> {
  return q / max(length(q), 1e-12);
}

// Jacobian of the pinhole projection at camera-space point t, with x/z and y/z clamped to the
// extended frustum (gsplat's off-centre form) so splats far off-screen do not blow up.
fn projection_jacobian(t: vec3<f32>, fx: f32, fy: f32, clip: vec4<f32>) -> mat3x2<f32> {
  let rz = 1.0 / t.z;
  let tx = clamp(t.x * rz, clip.x, clip.y) * t.z;
  let ty = clamp(t.y * rz, clip.z, clip.w) * t.z;
  // Columns: d/dtx, d/dty, d/dtz.
  return mat3x2<f32>(
    vec2<f32>(fx * rz, 0.0),
    vec2<f32>(0.0, fy * rz),
    vec2<f32>(-fx * tx * rz * rz, -fy * ty * rz * rz),
  );
}

// Symmetric 2x2 as (a, b, c) = [[a, b], [b, c]], with the 2D filter's variance (px^2) on the diagonal.
fn cov2d(jw: mat3x2<f32>, cov3: mat3x3<f32>, filter2d: f32) -> vec3<f32> {
  let m = jw * cov3 * transpose(jw);
  return vec3<f32>(m[0][0] + filter2d, m[0][1], m[1][1] + filter2d);
}
