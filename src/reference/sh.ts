/**
 * Real spherical harmonics up to degree 3 in the INRIA form (3dgs-reference.md §2.5): the colour
 * of one channel is sum_k Y_k(d) sh[k], with d the unit view direction from the camera to the
 * splat. The basis is written as polynomials in (x, y, z) of d; the gradient below is the
 * gradient of those polynomials in R^3, which the caller projects onto the sphere (§3.3).
 */

export const SH_C0 = 0.28209479177387814;
export const SH_C1 = 0.4886025119029199;
export const SH_C2 = [1.0925484305920792, -1.0925484305920792, 0.31539156525252005, -1.0925484305920792, 0.5462742152960396];
export const SH_C3 = [
  -0.5900435899266435, 2.890611442640554, -0.4570457994644658, 0.3731763325901154, -0.4570457994644658,
  1.445305721320277, -0.5900435899266435,
];

/** Y_0 .. Y_{(degree+1)^2 - 1} at d = (x, y, z). */
export function shBasis(degree: number, x: number, y: number, z: number): Float64Array {
  const out = new Float64Array((degree + 1) * (degree + 1));
  out[0] = SH_C0;
  if (degree < 1) return out;
  out[1] = -SH_C1 * y;
  out[2] = SH_C1 * z;
  out[3] = -SH_C1 * x;
  if (degree < 2) return out;
  const xx = x * x, yy = y * y, zz = z * z;
  out[4] = SH_C2[0] * x * y;
  out[5] = SH_C2[1] * y * z;
  out[6] = SH_C2[2] * (2 * zz - xx - yy);
  out[7] = SH_C2[3] * x * z;
  out[8] = SH_C2[4] * (xx - yy);
  if (degree < 3) return out;
  out[9] = SH_C3[0] * y * (3 * xx - yy);
  out[10] = SH_C3[1] * x * y * z;
  out[11] = SH_C3[2] * y * (4 * zz - xx - yy);
  out[12] = SH_C3[3] * z * (2 * zz - 3 * xx - 3 * yy);
  out[13] = SH_C3[4] * x * (4 * zz - xx - yy);
  out[14] = SH_C3[5] * z * (xx - yy);
  out[15] = SH_C3[6] * x * (xx - 3 * yy);
  return out;
}

/**
 * Partial derivatives of the basis polynomials: [K, 3] row k = (dY_k/dx, dY_k/dy, dY_k/dz).
 * Only the tangential part matters after the (I - d d^T) projection, so any extension of Y_k off
 * the sphere gives the same gradient of the mean; these are the extensions of shBasis.
 */
export function shBasisGradient(degree: number, x: number, y: number, z: number): Float64Array {
  const K = (degree + 1) * (degree + 1);
  const g = new Float64Array(K * 3);
  const set = (k: number, dx: number, dy: number, dz: number): void => {
    g[3 * k] = dx;
    g[3 * k + 1] = dy;
    g[3 * k + 2] = dz;
  };
  if (degree < 1) return g;
  set(1, 0, -SH_C1, 0);
  set(2, 0, 0, SH_C1);
  set(3, -SH_C1, 0, 0);
  if (degree < 2) return g;
  const xx = x * x, yy = y * y, zz = z * z;
  set(4, SH_C2[0] * y, SH_C2[0] * x, 0);
  set(5, 0, SH_C2[1] * z, SH_C2[1] * y);
  set(6, -2 * SH_C2[2] * x, -2 * SH_C2[2] * y, 4 * SH_C2[2] * z);
  set(7, SH_C2[3] * z, 0, SH_C2[3] * x);
  set(8, 2 * SH_C2[4] * x, -2 * SH_C2[4] * y, 0);
  if (degree < 3) return g;
  set(9, 6 * SH_C3[0] * x * y, 3 * SH_C3[0] * (xx - yy), 0);
  set(10, SH_C3[1] * y * z, SH_C3[1] * x * z, SH_C3[1] * x * y);
  set(11, -2 * SH_C3[2] * x * y, SH_C3[2] * (4 * zz - xx - 3 * yy), 8 * SH_C3[2] * y * z);
  set(12, -6 * SH_C3[3] * x * z, -6 * SH_C3[3] * y * z, SH_C3[3] * (6 * zz - 3 * xx - 3 * yy));
  set(13, SH_C3[4] * (4 * zz - 3 * xx - yy), -2 * SH_C3[4] * x * y, 8 * SH_C3[4] * x * z);
  set(14, 2 * SH_C3[5] * x * z, -2 * SH_C3[5] * y * z, SH_C3[5] * (xx - yy));
  set(15, 3 * SH_C3[6] * (xx - yy), -6 * SH_C3[6] * x * y, 0);
  return g;
}
