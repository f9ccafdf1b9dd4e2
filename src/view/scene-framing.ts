/**
 * CPU helpers that look at the splat means: robust bounds to frame a scene (floaters far
 * outside the object must not shrink it to a dot) and the double-click pick of an orbit centre.
 */
import type { Camera } from '../io/camera';
import type { SplatScene } from '../io/scene';
import type { Vec3, ViewPose } from './view-camera';

export interface RobustBounds {
  min: Vec3;
  max: Vec3;
  centre: Vec3;
  /** Half the diagonal of the box. */
  radius: number;
}

/**
 * Percentiles of the means per axis that are the scene's core for sure (2nd to 98th). The
 * bounds start there and grow outward through every dense run of points (see robustBounds).
 */
export const FRAME_PERCENTILES: [number, number] = [0.02, 0.98];
/** Width of one growth step beyond the core, as a fraction of the core's longest side. */
const GROW_STEP = 0.04;
/**
 * A growth step is taken while it holds at least this fraction of the points (and at least
 * MIN_STEP_POINTS): the guitar's headstock holds hundreds of points per step, stray floaters
 * scattered over a hundred times the scene's size hold a few.
 */
const GROW_MIN_FRACTION = 1e-4;
const MIN_STEP_POINTS = 3;
/** Above this many splats the bounds come from an evenly strided sample (sorting 6M floats x3 stalls the page). */
const MAX_SAMPLES = 1 << 20;

/**
 * Bounds of the finite means that keep thin parts and drop stray splats: per axis, the
 * percentile core, grown outward in steps of GROW_STEP of the core's longest side for as long
 * as each step holds a dense run of points. A thin part attached to the scene (a guitar's
 * headstock, an antenna) is contiguous and dense enough to be followed to its tip; floaters
 * are separated by empty space or too sparse, and end the growth. Returns null for a scene
 * without a finite mean.
 */
export function robustBounds(scene: SplatScene, percentiles: [number, number] = FRAME_PERCENTILES): RobustBounds | null {
  const stride = Math.max(1, Math.ceil(scene.count / MAX_SAMPLES));
  const n = Math.ceil(scene.count / stride);
  const axes = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  let kept = 0;
  for (let i = 0; i < scene.count; i += stride) {
    const x = scene.means[i * 3];
    const y = scene.means[i * 3 + 1];
    const z = scene.means[i * 3 + 2];
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
    axes[0][kept] = x;
    axes[1][kept] = y;
    axes[2][kept] = z;
    kept++;
  }
  if (kept === 0) return null;
  const sorted = axes.map((a) => a.subarray(0, kept).sort());
  const lo = Math.floor(percentiles[0] * (kept - 1));
  const hi = Math.ceil(percentiles[1] * (kept - 1));
  const core = sorted.map((s) => s[hi] - s[lo]);
  const step = GROW_STEP * Math.max(core[0], core[1], core[2]);
  const minPoints = Math.max(MIN_STEP_POINTS, Math.ceil(GROW_MIN_FRACTION * kept));
  const min: Vec3 = [0, 0, 0];
  const max: Vec3 = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    min[a] = sorted[a][growEdge(sorted[a], lo, -1, step, minPoints)];
    max[a] = sorted[a][growEdge(sorted[a], hi, 1, step, minPoints)];
  }
  const centre: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  const radius = Math.hypot(max[0] - min[0], max[1] - min[1], max[2] - min[2]) / 2;
  // A single point (or a flat sheet of identical points) still needs a visible size.
  return { min, max, centre, radius: radius > 0 ? radius : 1 };
}

/**
 * From index `edge` of the ascending `sorted`, moves outward (`dir` +1 up, -1 down) one step of
 * `step` at a time while the step holds at least `minPoints` points; returns the last index
 * reached. A zero step (all points on one value) stays put.
 */
function growEdge(sorted: Float32Array, edge: number, dir: 1 | -1, step: number, minPoints: number): number {
  if (!(step > 0)) return edge;
  const n = sorted.length;
  let i = edge;
  for (;;) {
    const limit = sorted[i] + dir * step;
    let j = i;
    while (j + dir >= 0 && j + dir < n && (dir > 0 ? sorted[j + dir] <= limit : sorted[j + dir] >= limit)) j += dir;
    if (Math.abs(j - i) < minPoints) return i;
    i = j;
  }
}

/** How opaque the splats in front of a picked pixel must be before the pick stops there. */
const PICK_OPACITY = 0.5;

/**
 * The world point under pixel (px, py) of `camera` (render pixels, origin top-left): walks the
 * splats whose projected mean lies within `radiusPx`, front to back, compositing their
 * opacities, and returns the mean where the accumulated opacity first reaches 1/2. This skips
 * lone faint floaters in front of a surface. Returns null when nothing is under the cursor.
 */
export function pickPoint(scene: SplatScene, camera: Camera, px: number, py: number, radiusPx = 6): Vec3 | null {
  const { R, t, fx, fy, cx, cy } = camera;
  const near = camera.near ?? 0.01;
  const hits: { z: number; i: number }[] = [];
  const r2 = radiusPx * radiusPx;
  for (let i = 0; i < scene.count; i++) {
    const x = scene.means[i * 3];
    const y = scene.means[i * 3 + 1];
    const w = scene.means[i * 3 + 2];
    const zc = R[6] * x + R[7] * y + R[8] * w + t[2];
    if (!(zc > near)) continue;
    const xc = R[0] * x + R[1] * y + R[2] * w + t[0];
    const yc = R[3] * x + R[4] * y + R[5] * w + t[1];
    const du = (fx * xc) / zc + cx - px;
    const dv = (fy * yc) / zc + cy - py;
    if (du * du + dv * dv <= r2) hits.push({ z: zc, i });
  }
  hits.sort((p, q) => p.z - q.z);
  let transmittance = 1;
  for (const { i } of hits) {
    const opacity = 1 / (1 + Math.exp(-scene.opacityLogits[i]));
    if (!Number.isFinite(opacity)) continue;
    transmittance *= 1 - opacity;
    if (transmittance <= 1 - PICK_OPACITY) return [scene.means[i * 3], scene.means[i * 3 + 1], scene.means[i * 3 + 2]];
  }
  return null;
}

/**
 * Fallback pick: where the ray through pixel (px, py) meets the plane through `target`
 * facing the camera. Keeps the orbit distance sensible on empty background.
 */
export function pickOnTargetPlane(camera: Camera, target: Vec3, px: number, py: number): Vec3 {
  const { R, t } = camera;
  // Ray direction in camera space, then world = R^T d; eye = -R^T t.
  const dc = [(px - camera.cx) / camera.fx, (py - camera.cy) / camera.fy, 1];
  const eye: Vec3 = [0, 0, 0];
  const dir: Vec3 = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    eye[c] = -(R[c] * t[0] + R[3 + c] * t[1] + R[6 + c] * t[2]);
    dir[c] = R[c] * dc[0] + R[3 + c] * dc[1] + R[6 + c] * dc[2];
  }
  // Plane normal = camera forward (row 2 of R); dc.z = 1 so the ray reaches depth d at s = d.
  const depth = R[6] * (target[0] - eye[0]) + R[7] * (target[1] - eye[1]) + R[8] * (target[2] - eye[2]);
  const s = depth > 0 ? depth : 1;
  return [eye[0] + s * dir[0], eye[1] + s * dir[1], eye[2] + s * dir[2]];
}

/** Distance at which a sphere of `radius` fits the narrower of the vertical and horizontal fields. */
export function framingDistance(radius: number, fovYDegrees: number, aspect: number): number {
  const halfY = (fovYDegrees * Math.PI) / 360;
  const halfX = Math.atan(Math.tan(halfY) * aspect);
  return radius / Math.sin(Math.min(halfX, halfY));
}

/** Elevation of the default view above the horizon: a slight top-down look reads as 3-D. */
const DEFAULT_ELEVATION = (15 * Math.PI) / 180;

/**
 * The view a scene opens with: looking at the robust centre along +z (the direction COLMAP
 * cameras face, so captures are seen from the front), raised by 15 degrees around `up`, far
 * enough that the robust bounding sphere fits.
 */
export function defaultViewPose(bounds: RobustBounds, up: Vec3, fovY: number, aspect: number): ViewPose {
  const n = Math.hypot(up[0], up[1], up[2]);
  const u = [up[0] / n, up[1] / n, up[2] / n];
  // Horizontal direction from the target back to the eye: -z made perpendicular to up (for an
  // up along z, where that vanishes, -y instead).
  const horizontal = (v: number[]): number[] => {
    const d = v[0] * u[0] + v[1] * u[1] + v[2] * u[2];
    return [v[0] - d * u[0], v[1] - d * u[1], v[2] - d * u[2]];
  };
  let h = horizontal([0, 0, -1]);
  if (Math.hypot(h[0], h[1], h[2]) < 1e-6) h = horizontal([0, -1, 0]);
  const hn = Math.hypot(h[0], h[1], h[2]);
  const dist = framingDistance(bounds.radius, fovY, aspect);
  const c = bounds.centre;
  const eye: Vec3 = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    eye[i] = c[i] + dist * (Math.cos(DEFAULT_ELEVATION) * (h[i] / hn) + Math.sin(DEFAULT_ELEVATION) * u[i]);
  }
  return { eye, target: [c[0], c[1], c[2]], up: [u[0], u[1], u[2]], fovY };
}
