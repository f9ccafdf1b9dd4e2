/**
 * Reference of Mip-Splatting's 3D smoothing filter (shaders/common/filter3d.wgsl), float64: the
 * filter size of each splat from the training cameras, the filtered parameters, and their
 * gradient by the raw ones.
 */
import type { Camera } from '../io/camera';
import { DEFAULT_NEAR } from '../io/camera';

export const FILTER3D_VARIANCE = 0.2;
const MARGIN = 0.15;

/** [N] filter standard deviations (world units): sqrt(0.2) / the highest rate focal / z among the cameras seeing the centre. */
export function filterStd(means: ArrayLike<number>, count: number, cameras: readonly Camera[]): Float64Array {
  const out = new Float64Array(count);
  let largest = 0;
  for (let i = 0; i < count; i++) {
    const m = [means[3 * i], means[3 * i + 1], means[3 * i + 2]];
    let rate = 0;
    for (const c of cameras) {
      const R = c.R;
      const t = [0, 1, 2].map((r) => R[3 * r] * m[0] + R[3 * r + 1] * m[1] + R[3 * r + 2] * m[2] + c.t[r]);
      if (!(t[2] > (c.near ?? DEFAULT_NEAR))) continue;
      const u = (c.fx * t[0]) / t[2] + c.cx;
      const v = (c.fy * t[1]) / t[2] + c.cy;
      if (u < -MARGIN * c.width || u > (1 + MARGIN) * c.width || v < -MARGIN * c.height || v > (1 + MARGIN) * c.height) continue;
      rate = Math.max(rate, c.fx / t[2]);
    }
    out[i] = rate > 0 ? Math.sqrt(FILTER3D_VARIANCE) / rate : -1;
    if (out[i] > largest) largest = out[i];
  }
  for (let i = 0; i < count; i++) if (out[i] < 0) out[i] = largest;
  return out;
}

/** Filtered log-scales (3) and opacity logit of one splat. */
export function applyFilter(logScales: ArrayLike<number>, logit: number, f: number): { logScales: number[]; logit: number } {
  let ratio = 1;
  const le: number[] = [];
  for (let a = 0; a < 3; a++) {
    const s2 = Math.exp(2 * logScales[a]);
    le.push(0.5 * Math.log(s2 + f * f));
    ratio *= s2 / (s2 + f * f);
  }
  const o = (1 / (1 + Math.exp(-logit))) * Math.sqrt(ratio);
  return { logScales: le, logit: Math.log(o) - Math.log(1 - o) };
}

/** dL/d raw (log-scales, logit) from dL/d filtered ones (the chain rule of applyFilter). */
export function filterBackward(logScales: ArrayLike<number>, logit: number, f: number, vLogScales: ArrayLike<number>, vLogit: number): { vLogScales: number[]; vLogit: number } {
  const s2 = [0, 1, 2].map((a) => Math.exp(2 * logScales[a]));
  const t = s2.map((v) => v + f * f);
  const sig = 1 / (1 + Math.exp(-logit));
  const o = sig * Math.sqrt(s2.reduce((p, v, a) => p * (v / t[a]), 1));
  return {
    vLogScales: [0, 1, 2].map((a) => vLogScales[a] * (s2[a] / t[a]) + (vLogit * f * f) / (t[a] * (1 - o))),
    vLogit: (vLogit * (1 - sig)) / (1 - o),
  };
}
