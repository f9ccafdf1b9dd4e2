/**
 * Reference SH backward (3dgs-reference.md §3.3): from dL/d(clamped colour) of one splat to its
 * SH coefficients of the active degree and, through the view direction, to its mean.
 */
import type { ProjectedSplat } from './project';
import { shBasis, shBasisGradient } from './sh';
import type { Vec3 } from './math';

export interface ShGradient {
  /** [K_active, 3] dL/dsh for the active coefficients (those above are zero). */
  v_sh: Float64Array;
  /** dL/dmean through d = normalize(mean - camera centre). */
  v_mean: Vec3;
}

/**
 * `sh` holds this splat's [K, 3] coefficients of the scene (K from the scene degree); only the
 * first (activeDegree + 1)^2 are read.
 */
export function shBackward(p: ProjectedSplat, sh: ArrayLike<number>, activeDegree: number, vColor: ArrayLike<number>): ShGradient {
  // The clamp at 0 passes no gradient where it was active (PyTorch clamp_min rule).
  const vRgb = [0, 1, 2].map((c) => (p.clampedColor[c] ? 0 : vColor[c]));
  const [x, y, z] = p.viewDir;
  const basis = shBasis(activeDegree, x, y, z);
  const dBasis = shBasisGradient(activeDegree, x, y, z);
  const v_sh = new Float64Array(basis.length * 3);
  const vDir = [0, 0, 0];
  for (let k = 0; k < basis.length; k++) {
    let shDotG = 0;
    for (let c = 0; c < 3; c++) {
      v_sh[k * 3 + c] = basis[k] * vRgb[c];
      shDotG += sh[k * 3 + c] * vRgb[c];
    }
    for (let a = 0; a < 3; a++) vDir[a] += dBasis[k * 3 + a] * shDotG;
  }
  // d = v / |v|: dd/dv = (I - d d^T) / |v|.
  const dDotV = x * vDir[0] + y * vDir[1] + z * vDir[2];
  const v_mean: Vec3 = [
    (vDir[0] - x * dDotV) / p.viewDist,
    (vDir[1] - y * dDotV) / p.viewDist,
    (vDir[2] - z * dDotV) / p.viewDist,
  ];
  return { v_sh, v_mean };
}
