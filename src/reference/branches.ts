/**
 * Which branches of the forward (and so of the backward) a scene reaches, counted by the
 * reference: tests assert every count they rely on is non-zero, so a scene edit cannot silently
 * stop exercising the alpha cap, a Jacobian clamp side, the near plane, the T stop or the colour
 * clamp. Instrumentation only: the render itself does not depend on it.
 */
import { DEFAULT_NEAR, type Camera } from '../io/camera';
import { ALPHA_MAX, ALPHA_MIN, TILE_SIZE } from './constants';
import { matVec3, quatToRotation } from './math';
import { cameraFrame, referenceProject } from './project';
import { blendPixel, gaussPower, referenceTileLists } from './rasterize';
import type { ReferenceOptions, ReferenceScene } from './types';

export interface BranchCounts {
  /** Splats projected onto at least one tile. */
  visible: number;
  /** Splats culled because their centre is not beyond the near plane (z <= near). */
  nearCulled: number;
  /** Splats whose 3-sigma extent along the camera z axis crosses the near plane, by centre side. */
  nearCrossingVisible: number;
  nearCrossingCulled: number;
  /** Visible splats whose view ray was clamped for the Jacobian, per side of the widened frustum. */
  jacobianXLow: number;
  jacobianXHigh: number;
  jacobianYLow: number;
  jacobianYHigh: number;
  /** Colour channels of visible splats whose SH sum + 0.5 was below 0 (clamped, gradient masked). */
  clampedColorChannels: number;
  /** (pixel, splat) blends whose alpha was capped at 0.99. */
  alphaCapped: number;
  /** (pixel, splat) pairs of a tile list skipped because alpha < 1/255 (power <= 0). */
  alphaSkipped: number;
  /** Pixels that ended at the splat that would take T below T_MIN. */
  tStopped: number;
}

export function referenceBranchCounts(scene: ReferenceScene, camera: Camera, opts: ReferenceOptions = {}): BranchCounts {
  const projected = referenceProject(scene, camera, opts);
  const frame = cameraFrame(camera);
  const near = camera.near ?? DEFAULT_NEAR;
  const c: BranchCounts = {
    visible: 0,
    nearCulled: 0,
    nearCrossingVisible: 0,
    nearCrossingCulled: 0,
    jacobianXLow: 0,
    jacobianXHigh: 0,
    jacobianYLow: 0,
    jacobianYHigh: 0,
    clampedColorChannels: 0,
    alphaCapped: 0,
    alphaSkipped: 0,
    tStopped: 0,
  };
  const zRow = [camera.R[6], camera.R[7], camera.R[8]];
  for (let i = 0; i < scene.count; i++) {
    const mean = [scene.means[3 * i], scene.means[3 * i + 1], scene.means[3 * i + 2]];
    const z = zRow[0] * mean[0] + zRow[1] * mean[1] + zRow[2] * mean[2] + camera.t[2];
    // sigma along camera z: |diag(s) R^T r_z| with R the splat's rotation.
    const q = [0, 1, 2, 3].map((k) => scene.quats[4 * i + k]);
    const qn = Math.max(Math.hypot(q[0], q[1], q[2], q[3]), 1e-12);
    const R = quatToRotation(q[0] / qn, q[1] / qn, q[2] / qn, q[3] / qn);
    const local = matVec3([R[0], R[3], R[6], R[1], R[4], R[7], R[2], R[5], R[8]], zRow);
    const sigmaZ = Math.hypot(...[0, 1, 2].map((a) => local[a] * Math.exp(scene.logScales[3 * i + a]) * (opts.splatScale ?? 1)));
    const crosses = Math.abs(z - near) < 3 * sigmaZ;
    if (!(z > near)) c.nearCulled++;
    if (crosses && z > near) c.nearCrossingVisible++;
    if (crosses && !(z > near)) c.nearCrossingCulled++;
    const p = projected[i];
    if (!p.visible) continue;
    c.visible++;
    const [tx, ty, tz] = p.camMean;
    if (tx / tz < frame.limX[0]) c.jacobianXLow++;
    if (tx / tz > frame.limX[1]) c.jacobianXHigh++;
    if (ty / tz < frame.limY[0]) c.jacobianYLow++;
    if (ty / tz > frame.limY[1]) c.jacobianYHigh++;
    for (const clamped of p.clampedColor) if (clamped) c.clampedColorChannels++;
  }
  const tiles = referenceTileLists(projected, camera.width, camera.height);
  for (let j = 0; j < camera.height; j++) {
    for (let i = 0; i < camera.width; i++) {
      const list = tiles.lists[Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE)];
      const b = blendPixel(projected, list, i, j);
      for (const s of b.steps) if (s.alphaClamped) c.alphaCapped++;
      if (b.stoppedAtTMin) c.tStopped++;
      for (let k = 0; k < b.nContrib; k++) {
        const power = gaussPower(projected[list[k]], i + 0.5, j + 0.5);
        if (power <= 0 && Math.min(ALPHA_MAX, projected[list[k]].opacity * Math.exp(power)) < ALPHA_MIN) c.alphaSkipped++;
      }
    }
  }
  return c;
}
