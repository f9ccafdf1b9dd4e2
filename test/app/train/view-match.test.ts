import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cameraPose, depthOf, nearestCamera } from '../../../src/app/train/view-match';
import { poseToCamera } from '../../../src/view/view-camera';
import type { Camera } from '../../../src/io/camera';
import { cameraCentre } from '../../../src/io/camera';
import { qvecToRotation } from '../../../src/io/colmap/dataset';
import { readImagesTxt } from '../../../src/io/colmap/text-reader';

const SAMPLE = resolve(__dirname, '../../../scenes/buddha13/sparse/0');

/** The sample's 13 real cameras at their 684x385 size. */
function sampleCameras(): Camera[] {
  const images = readImagesTxt(readFileSync(resolve(SAMPLE, 'images.txt'), 'utf8'));
  return images.map((im) => ({ width: 684, height: 385, fx: 465.224202, fy: 465.224202, cx: 342, cy: 192.5, R: qvecToRotation(im.qvec), t: [...im.tvec] }));
}

describe('cameraPose', () => {
  it('gives the viewer pose that reproduces each camera (R, t and focal length)', () => {
    for (const cam of sampleCameras()) {
      const pose = cameraPose(cam, 1.7);
      const back = poseToCamera(pose, cam.width, cam.height);
      // Tolerance 1e-9: float64 rotation algebra on unit vectors, no f32 anywhere.
      back.R.forEach((v, i) => expect(v).toBeCloseTo(cam.R[i], 9));
      back.t.forEach((v, i) => expect(v).toBeCloseTo(cam.t[i], 9));
      expect(back.fy).toBeCloseTo(cam.fy, 9);
      // The orbit target sits on the optical axis at the asked depth.
      expect(depthOf(cam, pose.target)).toBeCloseTo(1.7, 9);
      const c = cameraCentre(cam);
      pose.eye.forEach((v, i) => expect(v).toBeCloseTo(c[i], 12));
    }
  });

  it('rejects a non-positive focus distance', () => {
    expect(() => cameraPose(sampleCameras()[0], 0)).toThrow(/focus/);
  });
});

describe('nearestCamera', () => {
  it('picks each camera from its own pose, and from a pose nudged a little off it', () => {
    const cams = sampleCameras();
    cams.forEach((cam, i) => {
      expect(nearestCamera(cams, cameraPose(cam, 2), 1)).toBe(i);
      const pose = cameraPose(cam, 2);
      pose.eye[0] += 0.01;
      pose.target[1] += 0.01;
      expect(nearestCamera(cams, pose, 1)).toBe(i);
    });
  });

  it('prefers a camera looking the same way over one at the same place looking away', () => {
    const base = sampleCameras()[0];
    const turned: Camera = { ...base, R: base.R.map((v, i) => (i < 3 ? -v : i >= 6 ? -v : v)) }; // 180 deg about y
    turned.t = [0, 1, 2].map((r) => -(turned.R[r * 3] * cameraCentre(base)[0] + turned.R[r * 3 + 1] * cameraCentre(base)[1] + turned.R[r * 3 + 2] * cameraCentre(base)[2]));
    const shifted: Camera = { ...base, t: [base.t[0] + 0.2, base.t[1], base.t[2]] };
    const pose = cameraPose(base, 2);
    expect(nearestCamera([turned, shifted], pose, 1)).toBe(1);
  });

  it('returns -1 for no cameras', () => {
    expect(nearestCamera([], cameraPose(sampleCameras()[0], 1), 1)).toBe(-1);
  });
});
