/**
 * Training cameras against the viewer's orbit pose: the viewer pose that reproduces a training
 * camera (for "snap to photo"), and the training camera nearest the current view (for the
 * picture-in-picture photo). Pure math, no DOM.
 */
import type { Camera } from '../../io/camera';
import { cameraCentre } from '../../io/camera';
import type { Vec3, ViewPose } from '../../view/view-camera';

/** Forward (+z of the camera) in world coordinates: the third row of world-to-camera R. */
function forwardOf(c: Camera): Vec3 {
  return [c.R[6], c.R[7], c.R[8]];
}

/**
 * The viewer pose looking through `camera`: eye at its centre, looking along its optical axis
 * at a target `focus` ahead, up = -(camera y) (image y points down), and the vertical field of
 * view of its focal length. The viewer centres the principal point, so an off-centre cx/cy is
 * the one thing not reproduced.
 */
export function cameraPose(camera: Camera, focus: number): ViewPose {
  if (!(focus > 0)) throw new Error(`cameraPose: focus distance must be positive, got ${focus}`);
  const eye = cameraCentre(camera) as Vec3;
  const f = forwardOf(camera);
  const target: Vec3 = [eye[0] + f[0] * focus, eye[1] + f[1] * focus, eye[2] + f[2] * focus];
  const up: Vec3 = [-camera.R[3], -camera.R[4], -camera.R[5]];
  const fovY = (2 * Math.atan(camera.height / (2 * camera.fy)) * 180) / Math.PI;
  return { eye, target, up, fovY };
}

/** Distance along `camera`'s optical axis to `point` (negative when behind it). */
export function depthOf(camera: Camera, point: ArrayLike<number>): number {
  const R = camera.R;
  return R[6] * point[0] + R[7] * point[1] + R[8] * point[2] + camera.t[2];
}

/**
 * Index of the camera that best matches the view of `pose`: distance between eyes in units of
 * `scale` (the scene extent) plus (1 - cos) of the angle between viewing directions, so a
 * camera at the same place looking elsewhere loses to one a little off looking the same way.
 * Returns -1 for an empty list.
 */
export function nearestCamera(cameras: readonly Camera[], pose: ViewPose, scale: number): number {
  const dir = [pose.target[0] - pose.eye[0], pose.target[1] - pose.eye[1], pose.target[2] - pose.eye[2]];
  const len = Math.hypot(dir[0], dir[1], dir[2]) || 1;
  const s = scale > 0 ? scale : 1;
  let best = -1;
  let bestScore = Infinity;
  for (let i = 0; i < cameras.length; i++) {
    const c = cameraCentre(cameras[i]);
    const f = forwardOf(cameras[i]);
    const d = Math.hypot(c[0] - pose.eye[0], c[1] - pose.eye[1], c[2] - pose.eye[2]) / s;
    const cos = (f[0] * dir[0] + f[1] * dir[1] + f[2] * dir[2]) / len;
    const score = d + (1 - cos);
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}
