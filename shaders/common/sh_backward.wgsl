// Gradient of sum_k v_y[k] Y_k(d) with respect to the (unnormalised-agnostic) direction d, from
// the partial derivatives of the polynomial basis in common/sh.wgsl (3dgs-reference.md §3.3).
// The caller projects it with (I - d d^T) / |v| (the normalisation), which removes any radial
// component, so only values on the unit sphere matter.
fn sh_basis_vjp(d: vec3<f32>, degree: u32, v_y: array<f32, 16>) -> vec3<f32> {
  var g = vec3<f32>(0.0);
  if (degree == 0u) { return g; }
  let x = d.x; let y = d.y; let z = d.z;
  g += vec3<f32>(-SH_C1 * v_y[3], -SH_C1 * v_y[1], SH_C1 * v_y[2]);
  if (degree == 1u) { return g; }
  let xx = x * x; let yy = y * y; let zz = z * z;
  g.x += SH_C2_0 * y * v_y[4] - 2.0 * SH_C2_2 * x * v_y[6] + SH_C2_3 * z * v_y[7] + 2.0 * SH_C2_4 * x * v_y[8];
  g.y += SH_C2_0 * x * v_y[4] + SH_C2_1 * z * v_y[5] - 2.0 * SH_C2_2 * y * v_y[6] - 2.0 * SH_C2_4 * y * v_y[8];
  g.z += SH_C2_1 * y * v_y[5] + 4.0 * SH_C2_2 * z * v_y[6] + SH_C2_3 * x * v_y[7];
  if (degree == 2u) { return g; }
  g.x += 6.0 * SH_C3_0 * x * y * v_y[9] + SH_C3_1 * y * z * v_y[10] - 2.0 * SH_C3_2 * x * y * v_y[11]
       - 6.0 * SH_C3_3 * x * z * v_y[12] + SH_C3_4 * (4.0 * zz - 3.0 * xx - yy) * v_y[13]
       + 2.0 * SH_C3_5 * x * z * v_y[14] + 3.0 * SH_C3_6 * (xx - yy) * v_y[15];
  g.y += 3.0 * SH_C3_0 * (xx - yy) * v_y[9] + SH_C3_1 * x * z * v_y[10] + SH_C3_2 * (4.0 * zz - xx - 3.0 * yy) * v_y[11]
       - 6.0 * SH_C3_3 * y * z * v_y[12] - 2.0 * SH_C3_4 * x * y * v_y[13] - 2.0 * SH_C3_5 * y * z * v_y[14]
       - 6.0 * SH_C3_6 * x * y * v_y[15];
  g.z += SH_C3_1 * x * y * v_y[10] + 8.0 * SH_C3_2 * y * z * v_y[11] + SH_C3_3 * (6.0 * zz - 3.0 * xx - 3.0 * yy) * v_y[12]
       + 8.0 * SH_C3_4 * x * z * v_y[13] + SH_C3_5 * (xx - yy) * v_y[14];
  return g;
}
