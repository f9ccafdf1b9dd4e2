/**
 * A viewer pose (eye, target, up, vertical field of view) and its conversion to the renderer's
 * COLMAP camera (world-to-camera R, t; x right, y down, z forward). Pure math, no DOM.
 */
import { vec3, type ReadonlyVec3 } from 'gl-matrix';
import type { Camera } from '../io/camera';

export type Vec3 = [number, number, number];

/** What a shareable link stores: world coordinates of the scene file. */
export interface ViewPose {
  eye: Vec3;
  target: Vec3;
  /** World direction that appears up on screen; need not be perpendicular to the view. */
  up: Vec3;
  /** Vertical field of view in degrees, in (0, 180). */
  fovY: number;
}

/** Default vertical field of view of the viewer, degrees. */
export const DEFAULT_FOV_Y = 50;

/** Up of COLMAP/INRIA scenes: image y points down, so world up is -y. */
export const COLMAP_UP: Vec3 = [0, -1, 0];

/**
 * The viewer's near plane, as a fraction of the scene's radius (RobustBounds.radius) and of the
 * orbit distance, whichever is smaller. Scene files come in any units: the renderer's default
 * (0.01, the reference's, in world units) culled a whole scene a few millimetres across, drawn
 * in metres, and every splat within 0.01 of the eye when zoomed close. 0.005 radii is about
 * 0.01 for the sample scenes (radius 1.6-2.4); a tenth of the orbit distance keeps the target
 * visible however far in the wheel zooms (down to 1e-4 radii).
 */
export const NEAR_PER_RADIUS = 0.005;
export const NEAR_PER_DISTANCE = 0.1;

/** Near plane for a scene of `radius` (world units) seen from `pose`; see NEAR_PER_RADIUS. */
export function viewNear(radius: number | undefined, pose: ViewPose): number {
  const r = radius !== undefined && radius > 0 && Number.isFinite(radius) ? radius : 1;
  // Indexed, not destructured: the frame loop calls this every frame and allocates nothing.
  const e = pose.eye;
  const t = pose.target;
  const distance = Math.hypot(e[0] - t[0], e[1] - t[1], e[2] - t[2]);
  return Math.min(NEAR_PER_RADIUS * r, distance > 0 && Number.isFinite(distance) ? NEAR_PER_DISTANCE * distance : Infinity);
}

/**
 * Camera basis for a pose: `right`, `down` and `forward` rows of R. Writes into the given
 * outputs so the frame loop allocates nothing. Returns false when eye == target.
 */
export function poseBasis(
  eye: ReadonlyVec3,
  target: ReadonlyVec3,
  up: ReadonlyVec3,
  right: vec3,
  down: vec3,
  forward: vec3,
): boolean {
  vec3.subtract(forward, target, eye);
  if (vec3.length(forward) === 0) return false;
  vec3.normalize(forward, forward);
  // x = y cross z with y = -up, i.e. forward cross up.
  vec3.cross(right, forward, up);
  if (vec3.length(right) < 1e-9 * Math.max(vec3.length(up), 1e-30)) {
    // Looking straight along up: any right vector perpendicular to forward keeps the image valid.
    vec3.set(right, 1, 0, 0);
    if (Math.abs(forward[0]) > 0.9) vec3.set(right, 0, 0, 1);
    vec3.scaleAndAdd(right, right, forward, -vec3.dot(right, forward));
  }
  vec3.normalize(right, right);
  vec3.cross(down, forward, right);
  return true;
}

const scratchRight = new Float64Array(3);
const scratchDown = new Float64Array(3);
const scratchForward = new Float64Array(3);

/** Focal length in pixels for a vertical field of view (degrees) and image height. */
export function focalFromFovY(fovYDegrees: number, height: number): number {
  return height / 2 / Math.tan((fovYDegrees * Math.PI) / 360);
}

/**
 * Writes the COLMAP camera for `pose` at `width` x `height` pixels (square pixels, principal
 * point at the image centre) into `out` (reused by the frame loop) and returns it.
 */
export function poseToCamera(pose: ViewPose, width: number, height: number, out?: Camera): Camera {
  const cam: Camera = out ?? { width, height, fx: 1, fy: 1, cx: 0, cy: 0, R: new Array(9).fill(0), t: [0, 0, 0] };
  if (!poseBasis(pose.eye, pose.target, pose.up, scratchRight, scratchDown, scratchForward)) {
    throw new Error('view pose: eye and target coincide');
  }
  const rows = [scratchRight, scratchDown, scratchForward];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) cam.R[r * 3 + c] = rows[r][c];
    cam.t[r] = -(rows[r][0] * pose.eye[0] + rows[r][1] * pose.eye[1] + rows[r][2] * pose.eye[2]);
  }
  const f = focalFromFovY(pose.fovY, height);
  cam.width = width;
  cam.height = height;
  cam.fx = f;
  cam.fy = f;
  cam.cx = width / 2;
  cam.cy = height / 2;
  return cam;
}
