/**
 * Reference projection (3dgs-reference.md §2.2-2.5, decisions.md): one record per splat with the
 * 2D mean, dilated 2D covariance, conic, opacity, SH colour, extent and tile rectangle, plus the
 * intermediates the backward pass differentiates through. Float64 throughout.
 */
import { cameraCentre, DEFAULT_NEAR, type Camera } from '../io/camera';
import { shCoeffCount } from '../io/scene';
import { ALPHA_MIN, EIGEN_FLOOR, EXTENT_SIGMA, FRUSTUM_CLAMP, SH_OFFSET, TILE_SIZE } from './constants';
import { matMul3, matVec3, quatToRotation, sigmoid, transpose3, type Mat3, type Vec3 } from './math';
import { shBasis } from './sh';
import { dropoutFactor } from './dropout';
import { resolveOptions, type ReferenceOptions, type ReferenceScene, type ResolvedOptions } from './types';

/** Tiles [minX, maxX) x [minY, maxY) of the tile grid a splat is rendered in. */
export interface TileRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface ProjectedSplat {
  /** False when culled: behind the near plane, non-finite, degenerate, opacity < 1/255, or no tile. */
  visible: boolean;
  /** Camera-space z; the sort key (ascending, ties by splat index). */
  depth: number;
  /** 2D mean in pixels: (fx x/z + cx, fy y/z + cy). */
  mean2d: [number, number];
  /** Dilated 2D covariance (a, b, c) of [[a, b], [b, c]], + filter2d (0.3 px^2 by default) on the diagonal. */
  cov2d: [number, number, number];
  /** Inverse of cov2d as (A, B, C) of [[A, B], [B, C]]. */
  conic: [number, number, number];
  /** sigmoid(logit) times `compensation` times `dropScale`: what the rasterizer blends with. */
  opacity: number;
  /**
   * sqrt(det(Sigma2D) / det(Sigma2D + filter2d I)) with anti-aliasing (the 2D filter keeps the
   * splat's energy), 1 without; 0 when culled.
   */
  compensation: number;
  /** The dropout's factor for a kept splat, 1 / (1 - rate); 1 without dropout (dropout.ts). */
  dropScale: number;
  /** Whether the 2D anti-aliasing filter applies (its gradient then flows into Sigma2D). */
  antialias: boolean;
  /** The variance added to Sigma2D's diagonal, px^2. */
  filter2d: number;
  /** SH colour + 0.5, clamped at 0. */
  color: Vec3;
  /** Per channel: the pre-clamp colour was < 0 (its gradient is masked). */
  clampedColor: [boolean, boolean, boolean];
  /** ceil(3 sqrt(lambda_max)) in pixels; 0 when culled. */
  radius: number;
  tileRect: TileRect;

  // Intermediates kept for the backward pass (zero when culled).
  /** Camera-space mean t = R mean + t_cam. */
  camMean: Vec3;
  /** exp(logScale) * splatScale. */
  scale: Vec3;
  /** ||q|| of the raw quaternion. */
  quatNorm: number;
  /** q / ||q||, wxyz. */
  quatUnit: [number, number, number, number];
  /** Rotation of quatUnit, row-major. */
  rotation: Mat3;
  /** 2x3 projection Jacobian (row-major) at the clamped view ray. */
  jacobian: number[];
  /** Whether x/z (resp. y/z) was clamped to the extended frustum when building the Jacobian. */
  jacobianClamped: [boolean, boolean];
  /** normalize(mean - camera centre). */
  viewDir: Vec3;
  /** ||mean - camera centre||. */
  viewDist: number;
}

/** Everything the reference needs about the camera, derived once. */
export interface CameraFrame {
  camera: Camera;
  near: number;
  centre: Vec3;
  /** Jacobian clamp limits on x/z and y/z: gsplat's off-centre form of 1.3 tan(fov/2). */
  limX: [number, number];
  limY: [number, number];
  gridX: number;
  gridY: number;
}

export function cameraFrame(camera: Camera): CameraFrame {
  const { width: W, height: H, fx, fy, cx, cy } = camera;
  // 1.3 tan(fov/2) in gsplat's off-centre form: the image widened by 15% of its size on each
  // side, seen from the principal point. For cx = W/2 this is exactly +-1.3 W / (2 fx).
  const margin = (FRUSTUM_CLAMP - 1) / 2;
  return {
    camera,
    near: camera.near ?? DEFAULT_NEAR,
    centre: cameraCentre(camera),
    limX: [(-margin * W - cx) / fx, ((1 + margin) * W - cx) / fx],
    limY: [(-margin * H - cy) / fy, ((1 + margin) * H - cy) / fy],
    gridX: Math.ceil(W / TILE_SIZE),
    gridY: Math.ceil(H / TILE_SIZE),
  };
}

export function culledSplat(): ProjectedSplat {
  return {
    visible: false,
    depth: 0,
    mean2d: [0, 0],
    cov2d: [0, 0, 0],
    conic: [0, 0, 0],
    opacity: 0,
    compensation: 0,
    dropScale: 0,
    antialias: false,
    filter2d: 0,
    color: [0, 0, 0],
    clampedColor: [false, false, false],
    radius: 0,
    tileRect: { minX: 0, minY: 0, maxX: 0, maxY: 0 },
    camMean: [0, 0, 0],
    scale: [0, 0, 0],
    quatNorm: 0,
    quatUnit: [0, 0, 0, 0],
    rotation: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    jacobian: [0, 0, 0, 0, 0, 0],
    jacobianClamped: [false, false],
    viewDir: [0, 0, 0],
    viewDist: 0,
  };
}

/**
 * Tile rect of §2.4, with the upper bound taken on pixel centres: every tile holding a pixel
 * centre within r of the mean (per axis) is included. INRIA's floor((mu + r + 15) / 16) is an
 * integer trick that, on a float mean, misses the next tile when mu + r falls in
 * [16t + 0.5, 16t + 1); floor((mu + r + 15.5) / 16) does not (decisions.md: the extent must
 * never drop a pixel within 3 sigma).
 */
export function tileRect(mean2d: [number, number], radius: number, gridX: number, gridY: number): TileRect {
  const clamp = (v: number, hi: number): number => Math.min(Math.max(v, 0), hi);
  return {
    minX: clamp(Math.floor((mean2d[0] - radius) / TILE_SIZE), gridX),
    minY: clamp(Math.floor((mean2d[1] - radius) / TILE_SIZE), gridY),
    maxX: clamp(Math.floor((mean2d[0] + radius + TILE_SIZE - 0.5) / TILE_SIZE), gridX),
    maxY: clamp(Math.floor((mean2d[1] + radius + TILE_SIZE - 0.5) / TILE_SIZE), gridY),
  };
}

/** Projects one splat; `o` must come from resolveOptions. */
export function projectSplat(scene: ReferenceScene, i: number, frame: CameraFrame, o: ResolvedOptions): ProjectedSplat {
  const cam = frame.camera;
  const { fx, fy, cx, cy } = cam;
  const Rcw = cam.R;
  const mean: Vec3 = [scene.means[3 * i], scene.means[3 * i + 1], scene.means[3 * i + 2]];
  const tc = matVec3(Rcw, mean);
  const t: Vec3 = [tc[0] + cam.t[0], tc[1] + cam.t[1], tc[2] + cam.t[2]];
  // Phrased positively so NaN culls.
  if (!(t[2] > frame.near) || !t.every(Number.isFinite)) return culledSplat();

  const opacity = sigmoid(scene.opacityLogits[i]);
  // alpha = opacity * G <= opacity, so such a splat can never pass the 1/255 test anywhere.
  if (!(opacity >= ALPHA_MIN)) return culledSplat();

  const scale: Vec3 = [0, 1, 2].map((a) => Math.exp(scene.logScales[3 * i + a]) * o.splatScale) as Vec3;
  const q = [scene.quats[4 * i], scene.quats[4 * i + 1], scene.quats[4 * i + 2], scene.quats[4 * i + 3]];
  // torch.nn.functional.normalize's floor: a zero quaternion gives q^ = 0, hence R = I.
  const quatNorm = Math.hypot(q[0], q[1], q[2], q[3]);
  const qn = Math.max(quatNorm, 1e-12);
  const quatUnit: [number, number, number, number] = [q[0] / qn, q[1] / qn, q[2] / qn, q[3] / qn];
  const rotation = quatToRotation(...quatUnit);
  // Sigma = R diag(s^2) R^T.
  const RS = rotation.map((v, k) => v * scale[k % 3]);
  const cov3d = matMul3(RS, transpose3(RS));

  const z = t[2];
  // Decided on the ratio, so an unclamped splat uses t exactly (clamp(x/z) z can round off x).
  const rx = t[0] / z;
  const ry = t[1] / z;
  const jacobianClamped: [boolean, boolean] = [rx < frame.limX[0] || rx > frame.limX[1], ry < frame.limY[0] || ry > frame.limY[1]];
  const txc = jacobianClamped[0] ? Math.min(Math.max(rx, frame.limX[0]), frame.limX[1]) * z : t[0];
  const tyc = jacobianClamped[1] ? Math.min(Math.max(ry, frame.limY[0]), frame.limY[1]) * z : t[1];
  const J = [fx / z, 0, (-fx * txc) / (z * z), 0, fy / z, (-fy * tyc) / (z * z)];
  // M = J R_cw (2x3); Sigma2D = M Sigma M^T.
  const M = [0, 1].flatMap((r) => [0, 1, 2].map((c) => J[3 * r] * Rcw[c] + J[3 * r + 1] * Rcw[3 + c] + J[3 * r + 2] * Rcw[6 + c]));
  const quad = (r1: number, r2: number): number => {
    let s = 0;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += M[3 * r1 + a] * cov3d[3 * a + b] * M[3 * r2 + b];
    return s;
  };
  const f2 = o.filter2d;
  const cov2d: [number, number, number] = [quad(0, 0) + f2, quad(0, 1), quad(1, 1) + f2];
  const det = cov2d[0] * cov2d[2] - cov2d[1] * cov2d[1];
  if (!(det > 0) || !cov2d.every(Number.isFinite)) return culledSplat();
  const conic: [number, number, number] = [cov2d[2] / det, -cov2d[1] / det, cov2d[0] / det];
  let compensation = 1;
  if (o.antialias) {
    const det0 = (cov2d[0] - f2) * (cov2d[2] - f2) - cov2d[1] * cov2d[1];
    compensation = Math.sqrt(Math.max(det0 / det, 0));
    if (!(opacity * compensation >= ALPHA_MIN)) return culledSplat();
  }
  const dropScale = dropoutFactor(o.dropout, i);
  if (dropScale === 0) return culledSplat();

  const mid = 0.5 * (cov2d[0] + cov2d[2]);
  const lambdaMax = mid + Math.sqrt(Math.max(EIGEN_FLOOR, mid * mid - det));
  const radius = Math.ceil(EXTENT_SIGMA * Math.sqrt(lambdaMax));
  const mean2d: [number, number] = [(fx * t[0]) / z + cx, (fy * t[1]) / z + cy];
  if (!mean2d.every(Number.isFinite) || !Number.isFinite(radius)) return culledSplat();
  const rect = tileRect(mean2d, radius, frame.gridX, frame.gridY);
  if ((rect.maxX - rect.minX) * (rect.maxY - rect.minY) === 0) return culledSplat();

  const v: Vec3 = [mean[0] - frame.centre[0], mean[1] - frame.centre[1], mean[2] - frame.centre[2]];
  const viewDist = Math.hypot(v[0], v[1], v[2]);
  const viewDir: Vec3 = [v[0] / viewDist, v[1] / viewDist, v[2] / viewDist];
  const basis = shBasis(o.shDegree, ...viewDir);
  const K = shCoeffCount(scene.shDegree);
  const color: Vec3 = [0, 0, 0];
  const clampedColor: [boolean, boolean, boolean] = [false, false, false];
  for (let c = 0; c < 3; c++) {
    let sum = SH_OFFSET;
    for (let k = 0; k < basis.length; k++) sum += basis[k] * scene.sh[(i * K + k) * 3 + c];
    clampedColor[c] = sum < 0;
    color[c] = Math.max(sum, 0);
  }
  if (!color.every(Number.isFinite)) return culledSplat();

  return {
    visible: true,
    depth: z,
    mean2d,
    cov2d,
    conic,
    opacity: opacity * compensation * dropScale,
    compensation,
    dropScale,
    antialias: o.antialias,
    filter2d: f2,
    color,
    clampedColor,
    radius,
    tileRect: rect,
    camMean: t,
    scale,
    quatNorm,
    quatUnit,
    rotation,
    jacobian: J,
    jacobianClamped,
    viewDir,
    viewDist,
  };
}

/** Projects every splat of the scene (§2.2-2.5); the per-splat records GPU projection tests compare. */
export function referenceProject(scene: ReferenceScene, camera: Camera, opts: ReferenceOptions = {}): ProjectedSplat[] {
  const o = resolveOptions(scene, camera, opts, 'referenceProject');
  const frame = cameraFrame(camera);
  const out: ProjectedSplat[] = [];
  for (let i = 0; i < scene.count; i++) out.push(projectSplat(scene, i, frame, o));
  return out;
}
