/**
 * Reference projection backward (3dgs-reference.md §3.4-3.6 with decisions.md "gradients"): from
 * one splat's dL/d(2D mean, conic) to its mean, log-scales and raw quaternion. Exact: the
 * z-derivative of the clamped Jacobian is the true one (gsplat), not the reference's double.
 */
import type { Camera } from '../io/camera';
import type { Mat3, Vec3 } from './math';
import type { ProjectedSplat } from './project';

export interface GeometryGradient {
  v_mean: Vec3;
  v_logScale: Vec3;
  /** dL/d(raw quaternion wxyz), through the normalisation. */
  v_quat: [number, number, number, number];
}

/** Product of 2x2 matrices stored row-major as [4]. */
function mul2(p: number[], q: number[]): number[] {
  return [p[0] * q[0] + p[1] * q[2], p[0] * q[1] + p[1] * q[3], p[2] * q[0] + p[3] * q[2], p[2] * q[1] + p[3] * q[3]];
}

/**
 * `vConic` uses the full-B convention of RasterGradients. Gradients are of matrix entries treated
 * as independent (both off-diagonal entries carry half of a symmetric parameter's total).
 * `vOpacity` (dL/d the blended opacity) reaches Sigma2D through the anti-aliasing compensation.
 */
export function projectBackward(p: ProjectedSplat, camera: Camera, vMean2d: ArrayLike<number>, vConic: ArrayLike<number>, vOpacity = 0): GeometryGradient {
  const { fx, fy } = camera;
  const Rcw = camera.R;
  const [tx, ty, tz] = p.camMean;

  // conic Q = Sigma'^-1: dL/dSigma' = -Q G_Q Q, G_Q the per-entry gradient of Q.
  const [A, B, C] = p.conic;
  const Q = [A, B, B, C];
  const GQ = [vConic[0], 0.5 * vConic[1], 0.5 * vConic[1], vConic[2]];
  const G2 = mul2(mul2(Q, GQ), Q).map((v) => -v); // [2x2] dL/dSigma2D; the dilation is additive
  if (p.antialias) {
    // opacity = sigmoid * c, c = sqrt(det0 / det1), det0 = det(Sigma2D), det1 with the dilation.
    const [a1, b, c1] = p.cov2d;
    const a0 = a1 - p.filter2d;
    const c0 = c1 - p.filter2d;
    const det0 = a0 * c0 - b * b;
    const det1 = a1 * c1 - b * b;
    const k = (vOpacity * (p.opacity / p.compensation)) / (2 * p.compensation * det1 * det1);
    G2[0] += k * (c0 * det1 - det0 * c1);
    G2[3] += k * (a0 * det1 - det0 * a1);
    G2[1] += k * b * (det0 - det1);
    G2[2] += k * b * (det0 - det1);
  }

  // Sigma2D = M Sigma M^T with M = J R_cw (2x3) and Sigma = (R S)(R S)^T.
  const J = p.jacobian;
  const M = [0, 1].flatMap((r) => [0, 1, 2].map((c) => J[3 * r] * Rcw[c] + J[3 * r + 1] * Rcw[3 + c] + J[3 * r + 2] * Rcw[6 + c]));
  const R = p.rotation;
  const s = p.scale;
  const Lm = R.map((v, k) => v * s[k % 3]);
  const Sigma: Mat3 = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => Lm[3 * r] * Lm[3 * c] + Lm[3 * r + 1] * Lm[3 * c + 1] + Lm[3 * r + 2] * Lm[3 * c + 2]));

  // dL/dSigma = M^T G2 M (3x3).
  const G2M = [0, 1].flatMap((r) => [0, 1, 2].map((c) => G2[2 * r] * M[c] + G2[2 * r + 1] * M[3 + c]));
  const vSigma: Mat3 = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => M[r] * G2M[c] + M[3 + r] * G2M[3 + c]));
  // dL/dM = 2 G2 M Sigma (2x3); dL/dJ = dL/dM R_cw^T.
  const vM = [0, 1].flatMap((r) => [0, 1, 2].map((c) => 2 * (G2M[3 * r] * Sigma[c] + G2M[3 * r + 1] * Sigma[3 + c] + G2M[3 * r + 2] * Sigma[6 + c])));
  const vJ = [0, 1].flatMap((r) => [0, 1, 2].map((c) => vM[3 * r] * Rcw[3 * c] + vM[3 * r + 1] * Rcw[3 * c + 1] + vM[3 * r + 2] * Rcw[3 * c + 2]));

  // J = [[fx/z, 0, -fx tx'/z^2], [0, fy/z, -fy ty'/z^2]] with tx' = clamp(tx/z) z. Unclamped,
  // J02 = -fx tx/z^2; clamped, tx' = kappa z so J02 = -fx kappa/z does not move with tx and its
  // z-derivative is fx tx'/z^3 (half the unclamped 2 fx tx/z^3).
  const z2 = tz * tz;
  const z3 = z2 * tz;
  const txc = (-J[2] * z2) / fx;
  const tyc = (-J[5] * z2) / fy;
  const vT = [0, 0, (-fx / z2) * vJ[0] + (-fy / z2) * vJ[4]];
  if (p.jacobianClamped[0]) {
    vT[2] += ((fx * txc) / z3) * vJ[2];
  } else {
    vT[0] += (-fx / z2) * vJ[2];
    vT[2] += ((2 * fx * txc) / z3) * vJ[2];
  }
  if (p.jacobianClamped[1]) {
    vT[2] += ((fy * tyc) / z3) * vJ[5];
  } else {
    vT[1] += (-fy / z2) * vJ[5];
    vT[2] += ((2 * fy * tyc) / z3) * vJ[5];
  }
  // 2D mean (fx tx/z + cx, fy ty/z + cy).
  vT[0] += (fx / tz) * vMean2d[0];
  vT[1] += (fy / tz) * vMean2d[1];
  vT[2] += -(fx * tx * vMean2d[0] + fy * ty * vMean2d[1]) / z2;
  const v_mean: Vec3 = [0, 1, 2].map((c) => Rcw[c] * vT[0] + Rcw[3 + c] * vT[1] + Rcw[6 + c] * vT[2]) as Vec3;

  // Sigma = Lm Lm^T: dL/dLm = 2 vSigma Lm (vSigma symmetric).
  const vL: Mat3 = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => 2 * (vSigma[3 * r] * Lm[c] + vSigma[3 * r + 1] * Lm[3 + c] + vSigma[3 * r + 2] * Lm[6 + c])));
  // Lm = R diag(s): dL/ds_k = sum_r R_rk vL_rk; s = exp(logScale) * splatScale so ds/dlogScale = s.
  const v_logScale: Vec3 = [0, 1, 2].map((k) => s[k] * (R[k] * vL[k] + R[3 + k] * vL[3 + k] + R[6 + k] * vL[6 + k])) as Vec3;
  const vR = vL.map((v, k) => v * s[k % 3]);

  // R(q^) of math.ts quatToRotation, differentiated entry by entry (3dgs-reference.md §3.5).
  const [w, x, y, z] = p.quatUnit;
  const m = (r: number, c: number): number => vR[3 * r + c];
  const vQhat = [
    2 * (x * (m(2, 1) - m(1, 2)) + y * (m(0, 2) - m(2, 0)) + z * (m(1, 0) - m(0, 1))),
    2 * (-2 * x * (m(1, 1) + m(2, 2)) + y * (m(1, 0) + m(0, 1)) + z * (m(2, 0) + m(0, 2)) + w * (m(2, 1) - m(1, 2))),
    2 * (x * (m(1, 0) + m(0, 1)) - 2 * y * (m(0, 0) + m(2, 2)) + z * (m(2, 1) + m(1, 2)) + w * (m(0, 2) - m(2, 0))),
    2 * (x * (m(2, 0) + m(0, 2)) + y * (m(2, 1) + m(1, 2)) - 2 * z * (m(0, 0) + m(1, 1)) + w * (m(1, 0) - m(0, 1))),
  ];
  // q^ = q / max(|q|, 1e-12): below the floor the map is linear.
  let v_quat: [number, number, number, number];
  if (p.quatNorm > 1e-12) {
    const proj = w * vQhat[0] + x * vQhat[1] + y * vQhat[2] + z * vQhat[3];
    v_quat = [0, 1, 2, 3].map((k) => (vQhat[k] - p.quatUnit[k] * proj) / p.quatNorm) as [number, number, number, number];
  } else {
    v_quat = vQhat.map((v) => v / 1e-12) as [number, number, number, number];
  }
  return { v_mean, v_logScale, v_quat };
}
