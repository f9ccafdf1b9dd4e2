import { describe, expect, it } from 'vitest';
import { poseToCamera, focalFromFovY, viewNear, type ViewPose, type Vec3 } from '../../src/view/view-camera';
import type { Camera } from '../../src/io/camera';
import { rng } from '../helpers/compare';

/** Independent projection: camera-space point and pixel of a world point. */
function project(cam: Camera, p: number[]): { x: number; y: number; z: number; u: number; v: number } {
  const c = [0, 1, 2].map((r) => cam.R[r * 3] * p[0] + cam.R[r * 3 + 1] * p[1] + cam.R[r * 3 + 2] * p[2] + cam.t[r]);
  return { x: c[0], y: c[1], z: c[2], u: (cam.fx * c[0]) / c[2] + cam.cx, v: (cam.fy * c[1]) / c[2] + cam.cy };
}

describe('poseToCamera', () => {
  it('gives the identity rotation for a COLMAP camera looking down +z with up = -y', () => {
    const cam = poseToCamera({ eye: [0, 0, -5], target: [0, 0, 0], up: [0, -1, 0], fovY: 90 }, 200, 100);
    // 1e-12: a handful of float64 operations on exact small integers.
    cam.R.forEach((v, i) => expect(v).toBeCloseTo([1, 0, 0, 0, 1, 0, 0, 0, 1][i], 12));
    cam.t.forEach((v, i) => expect(v).toBeCloseTo([0, 0, 5][i], 12));
    expect(cam.fy).toBeCloseTo(50, 12); // tan(45 deg) = 1: f = H / 2
    expect(cam.fx).toBe(cam.fy);
    expect([cam.cx, cam.cy, cam.width, cam.height]).toEqual([100, 50, 200, 100]);
  });

  it('puts the target at the image centre, world up above it, and is a proper rotation, for random poses', () => {
    const rand = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const v = (): Vec3 => [rand() * 4 - 2, rand() * 4 - 2, rand() * 4 - 2];
      const pose: ViewPose = { eye: v(), target: v(), up: v(), fovY: 20 + rand() * 100 };
      const cam = poseToCamera(pose, 64, 48);
      const R = cam.R;
      // Orthonormal rows and det = +1 (a right-handed camera; a mirrored one would flip the image).
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          const d = R[a * 3] * R[b * 3] + R[a * 3 + 1] * R[b * 3 + 1] + R[a * 3 + 2] * R[b * 3 + 2];
          expect(d).toBeCloseTo(a === b ? 1 : 0, 10);
        }
      }
      const det =
        R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
      expect(det).toBeCloseTo(1, 10);
      const eyeCam = project(cam, pose.eye);
      [eyeCam.x, eyeCam.y, eyeCam.z].forEach((c) => expect(Math.abs(c)).toBeLessThan(1e-9));
      const tgt = project(cam, pose.target);
      expect(tgt.z).toBeGreaterThan(0);
      expect(tgt.u).toBeCloseTo(32, 8);
      expect(tgt.v).toBeCloseTo(24, 8);
      // A point displaced from the target along up appears higher (smaller v), unless up is
      // almost parallel to the view, where "above" is undefined.
      const n = Math.hypot(...pose.up);
      const fwd = [0, 1, 2].map((i) => pose.target[i] - pose.eye[i]);
      const cos = Math.abs(pose.up.reduce((s, u, i) => s + u * fwd[i], 0)) / (n * Math.hypot(...fwd));
      if (cos < 0.99) {
        const above = project(cam, pose.target.map((c, i) => c + (0.01 * pose.up[i]) / n));
        expect(above.v).toBeLessThan(24);
        expect(Math.abs(above.u - 32)).toBeLessThan(1e-6 * Math.max(1, Math.abs(above.v - 24)) + 1e-9);
      }
    }
  });

  it('maps the top edge of the vertical field of view to row 0', () => {
    const fovY = 60;
    const cam = poseToCamera({ eye: [0, 0, 0], target: [0, 0, 1], up: [0, -1, 0], fovY }, 100, 80);
    const half = (fovY * Math.PI) / 360;
    const p = project(cam, [0, -Math.tan(half), 1]);
    expect(p.v).toBeCloseTo(0, 9);
    expect(focalFromFovY(fovY, 80)).toBeCloseTo(40 / Math.tan(half), 12);
  });

  it('rejects eye == target', () => {
    expect(() => poseToCamera({ eye: [1, 2, 3], target: [1, 2, 3], up: [0, -1, 0], fovY: 50 }, 10, 10)).toThrow(/coincide/);
  });
});

describe('viewNear', () => {
  const at = (d: number): ViewPose => ({ eye: [0, 0, -d], target: [0, 0, 0], up: [0, -1, 0], fovY: 50 });
  it('scales with the scene, so a scene in other units is cut the same', () => {
    expect(viewNear(2, at(5))).toBeCloseTo(0.01, 12);
    expect(viewNear(2 / 1024, at(5 / 1024))).toBeCloseTo(0.01 / 1024, 15);
    expect(viewNear(2000, at(5000))).toBeCloseTo(10, 9);
  });
  it('stays in front of the target when zoomed in closer than the plane, and has a default radius', () => {
    expect(viewNear(2, at(0.02))).toBeCloseTo(0.002, 12);
    expect(viewNear(undefined, at(5))).toBeCloseTo(0.005, 12);
    expect(viewNear(2, at(0))).toBeCloseTo(0.01, 12);
  });
});
