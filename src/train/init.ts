/**
 * Gaussians from SfM points, as the reference `create_from_pcd` (3dgs-reference.md §6,
 * decisions.md "init"): one isotropic Gaussian per point at the point, coloured by its RGB,
 * sized by its 3 nearest neighbours, identity rotation, opacity 0.1, higher SH bands zero.
 */
import type { ColmapPoints } from '../io/colmap/types';
import { SH_C0, type SplatScene, emptyScene, shCoeffCount } from '../io/scene';
import { meanNeighbourDist2 } from './knn';

export interface InitOptions {
  /** SH degree of the scene's buffers (bands above 0 start at zero). Default 3. */
  shDegree?: number;
  /** Starting opacity before the logit. Default 0.1 (reference). */
  opacity?: number;
  /** Neighbours averaged for the scale. Default 3 (reference distCUDA2). */
  neighbours?: number;
}

export const INIT_DEFAULTS = { shDegree: 3, opacity: 0.1, neighbours: 3 } as const;

/**
 * Lower clamp of the mean squared neighbour distance, so duplicated points get a finite
 * log-scale (the reference's 1e-7, in squared world units). For a cloud whose bounding box is
 * less than 1 across the clamp shrinks with the square of its diagonal: in small units (a capture
 * in kilometres) the fixed value would clamp nearly every point and start them all too large.
 */
export const MIN_DIST2 = 1e-7;

/** The clamp for a cloud of [P, 3] `xyz` (see MIN_DIST2). */
export function minDist2(xyz: ArrayLike<number>): number {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xyz.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3], xyz[i]);
    hi[i % 3] = Math.max(hi[i % 3], xyz[i]);
  }
  const d2 = (hi[0] - lo[0]) ** 2 + (hi[1] - lo[1]) ** 2 + (hi[2] - lo[2]) ** 2;
  return d2 > 0 && d2 < 1 ? MIN_DIST2 * d2 : MIN_DIST2;
}

export function initFromPoints(points: ColmapPoints, opts: InitOptions = {}): SplatScene {
  const shDegree = opts.shDegree ?? INIT_DEFAULTS.shDegree;
  const opacity = opts.opacity ?? INIT_DEFAULTS.opacity;
  const k = opts.neighbours ?? INIT_DEFAULTS.neighbours;
  if (!(Number.isInteger(shDegree) && shDegree >= 0 && shDegree <= 3)) throw new Error(`initFromPoints: shDegree must be 0..3, got ${shDegree}`);
  if (!(opacity > 0 && opacity < 1)) throw new Error(`initFromPoints: opacity must be in (0, 1), got ${opacity}`);
  const n = points.xyz.length / 3;
  if (!Number.isInteger(n) || points.rgb.length !== points.xyz.length) {
    throw new Error(`initFromPoints: xyz holds ${points.xyz.length} values and rgb ${points.rgb.length}; expected [P, 3] each`);
  }
  if (n === 0) throw new Error('initFromPoints: no points to initialise from');
  for (let i = 0; i < points.xyz.length; i++) {
    if (!Number.isFinite(points.xyz[i])) throw new Error(`initFromPoints: point ${Math.floor(i / 3)} has a non-finite coordinate`);
  }

  const scene = emptyScene(n, shDegree);
  scene.means.set(points.xyz);
  const dist2 = meanNeighbourDist2(points.xyz, k);
  const floor = minDist2(points.xyz);
  const logitOpacity = Math.log(opacity / (1 - opacity));
  const stride = shCoeffCount(shDegree) * 3;
  for (let i = 0; i < n; i++) {
    const s = Math.log(Math.sqrt(Math.max(dist2[i], floor)));
    scene.logScales[i * 3] = s;
    scene.logScales[i * 3 + 1] = s;
    scene.logScales[i * 3 + 2] = s;
    scene.opacityLogits[i] = logitOpacity;
    for (let c = 0; c < 3; c++) scene.sh[i * stride + c] = (points.rgb[i * 3 + c] / 255 - 0.5) / SH_C0;
  }
  return scene;
}
