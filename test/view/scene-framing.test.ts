import { describe, expect, it } from 'vitest';
import { framingDistance } from '../../src/view/scene-framing';
import { defaultViewPose, pickOnTargetPlane, pickPoint, robustBounds } from '../../src/view/scene-framing';
import { poseToCamera, type Vec3 } from '../../src/view/view-camera';
import { emptyScene, type SplatScene } from '../../src/io/scene';
import { rng } from '../helpers/compare';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScene } from '../../src/io/load';

const SHARED_DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

function sceneOf(points: number[][], opacities: number[]): SplatScene {
  const s = emptyScene(points.length, 0);
  points.forEach((p, i) => s.means.set(p, i * 3));
  opacities.forEach((o, i) => (s.opacityLogits[i] = Math.log(o / (1 - o))));
  return s;
}

const extent = (pts: number[][], a: number, f: (x: number, y: number) => number): number => pts.map((p) => p[a]).reduce((x, y) => f(x, y));

describe('robustBounds', () => {
  it('keeps the whole body and drops far floaters and non-finite means', () => {
    const rand = rng(3);
    const body: number[][] = [];
    for (let i = 0; i < 1000; i++) body.push([rand() * 2 - 1, rand() * 4 - 3, rand() * 0.5]);
    const pts = [...body];
    for (let i = 0; i < 10; i++) pts.push([1e6, -1e6, 1e6]);
    pts.push([NaN, 0, 0], [0, Infinity, 0]);
    const b = robustBounds(sceneOf(pts, pts.map(() => 0.5)))!;
    for (let a = 0; a < 3; a++) {
      // No percentile crop: the extreme points of the body itself (f32 storage: 1e-6 relative).
      expect(b.min[a]).toBeCloseTo(extent(body, a, Math.min), 5);
      expect(b.max[a]).toBeCloseTo(extent(body, a, Math.max), 5);
    }
    expect(b.radius).toBeCloseTo(Math.hypot(b.max[0] - b.min[0], b.max[1] - b.min[1], b.max[2] - b.min[2]) / 2, 12);
    b.centre.forEach((c, a) => expect(c).toBeCloseTo((b.min[a] + b.max[a]) / 2, 12));
  });

  it('follows a thin part (1% of the points) to its tip but not a sparse cloud of strays around the scene', () => {
    const rand = rng(5);
    const pts: number[][] = [];
    for (let i = 0; i < 20000; i++) pts.push([rand() * 2 - 1, rand() * 2 - 1, rand() * 2 - 1]);
    // An antenna from the top face up to y = 2: 200 points along a thin line.
    for (let i = 0; i < 200; i++) pts.push([0.01 * rand(), 1 + rand(), 0.01 * rand()]);
    // 1% strays scattered over a box 100 times the scene's size.
    for (let i = 0; i < 200; i++) pts.push([rand() * 200 - 100, rand() * 200 - 100, rand() * 200 - 100]);
    const b = robustBounds(sceneOf(pts, pts.map(() => 0.5)))!;
    expect(b.max[1]).toBeGreaterThan(1.9); // within one growth step of the tip
    for (let a = 0; a < 3; a++) {
      expect(b.min[a]).toBeGreaterThan(-1.5);
      if (a !== 1) expect(b.max[a]).toBeLessThan(1.5);
    }
  });

  it("keeps the guitar's headstock (the thin tip along -y) that a 2nd percentile crop cuts off", async () => {
    const file = resolve(SHARED_DATA, 'compressed/guitar.compressed.ply');
    const { scene } = await loadScene({ name: file, bytes: new Uint8Array(readFileSync(file)) });
    let minY = Infinity;
    for (let i = 0; i < scene.count; i++) minY = Math.min(minY, scene.means[i * 3 + 1]);
    const b = robustBounds(scene)!;
    expect(b.min[1]).toBe(minY);
  });

  it('gives null without finite means and radius 1 for a single point', () => {
    expect(robustBounds(sceneOf([[NaN, 0, 0]], [0.5]))).toBeNull();
    expect(robustBounds(emptyScene(0, 0))).toBeNull();
    const one = robustBounds(sceneOf([[1, 2, 3]], [0.5]))!;
    expect(one.centre).toEqual([1, 2, 3]);
    expect(one.radius).toBe(1);
  });
});

describe('pickPoint', () => {
  const cam = poseToCamera({ eye: [0, 0, -5], target: [0, 0, 0], up: [0, -1, 0], fovY: 60 }, 100, 80);

  it('skips a faint floater and stops at the first opaque splat under the cursor', () => {
    const s = sceneOf(
      [
        [0, 0, -3], // floater in front, opacity 0.1
        [0.01, 0, 1], // opaque surface
        [0, 0, 2], // behind the surface
        [0, 0, -6], // behind the camera
        [2, 0, -4], // opaque, off the cursor
      ],
      [0.1, 0.9, 0.9, 0.99, 0.99],
    );
    expect(pickPoint(s, cam, 50, 40, 6)).toEqual([Math.fround(0.01), 0, 1]);
  });

  it('accumulates several half-transparent splats and returns null on empty background', () => {
    const s = sceneOf([[0, 0, 0], [0, 0, 0.5], [0, 0, 1]], [0.3, 0.3, 0.3]);
    // Transmittance 0.7, 0.49: the second splat crosses one half.
    expect(pickPoint(s, cam, 50, 40)).toEqual([0, 0, 0.5]);
    expect(pickPoint(s, cam, 5, 5)).toBeNull();
  });

  it('picks on the plane through the target when nothing is hit', () => {
    const centre = pickOnTargetPlane(cam, [0, 0, 0], 50, 40);
    centre.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-12));
    const p = pickOnTargetPlane(cam, [0, 0, 0], 80, 10);
    // Back-projects to the same pixel at the target's depth.
    const c = [0, 1, 2].map((r) => cam.R[r * 3] * p[0] + cam.R[r * 3 + 1] * p[1] + cam.R[r * 3 + 2] * p[2] + cam.t[r]);
    expect(c[2]).toBeCloseTo(5, 12);
    expect((cam.fx * c[0]) / c[2] + cam.cx).toBeCloseTo(80, 10);
    expect((cam.fy * c[1]) / c[2] + cam.cy).toBeCloseTo(10, 10);
  });
});

describe('defaultViewPose', () => {
  const bounds = { min: [-1, -2, -1] as Vec3, max: [1, 0, 1] as Vec3, centre: [0, -1, 0] as Vec3, radius: Math.sqrt(6) / 2 };

  it('looks at the centre from the -z side, raised towards up, with the bounding sphere fitting', () => {
    const pose = defaultViewPose(bounds, [0, -1, 0], 50, 4 / 3);
    expect(pose.target).toEqual([0, -1, 0]);
    const off = pose.eye.map((v, i) => v - pose.target[i]);
    const d = Math.hypot(...off);
    expect(d).toBeCloseTo(framingDistance(bounds.radius, 50, 4 / 3), 12);
    expect(off[0]).toBeCloseTo(0, 12);
    expect(off[2] / d).toBeCloseTo(-Math.cos((15 * Math.PI) / 180), 12);
    expect(-off[1] / d).toBeCloseTo(Math.sin((15 * Math.PI) / 180), 12); // raised along up = -y
    // Upright: a point above the centre (along up) projects above the image centre.
    const cam = poseToCamera(pose, 40, 30);
    const p = [0, -1.5, 0];
    const c = [0, 1, 2].map((r) => cam.R[r * 3] * p[0] + cam.R[r * 3 + 1] * p[1] + cam.R[r * 3 + 2] * p[2] + cam.t[r]);
    expect((cam.fy * c[1]) / c[2] + cam.cy).toBeLessThan(15);
  });

  it('still gives a valid pose when up is along z', () => {
    const pose = defaultViewPose(bounds, [0, 0, 2], 50, 1);
    expect(pose.up).toEqual([0, 0, 1]);
    const cam = poseToCamera(pose, 10, 10);
    cam.R.forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });
});
