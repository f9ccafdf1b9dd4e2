import { describe, expect, it } from 'vitest';
import { OrbitController } from '../../src/app/orbit-controller';
import { framingDistance } from '../../src/view/scene-framing';
import { poseToCamera, type ViewPose, type Vec3 } from '../../src/view/view-camera';
import type { Camera } from '../../src/io/camera';

const sub = (a: number[], b: number[]): number[] => a.map((v, i) => v - b[i]);
const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);
const len = (a: number[]): number => Math.hypot(...a);

function project(cam: Camera, p: number[]): { u: number; v: number; z: number } {
  const c = [0, 1, 2].map((r) => cam.R[r * 3] * p[0] + cam.R[r * 3 + 1] * p[1] + cam.R[r * 3 + 2] * p[2] + cam.t[r]);
  return { u: (cam.fx * c[0]) / c[2] + cam.cx, v: (cam.fy * c[1]) / c[2] + cam.cy, z: c[2] };
}

function settle(c: OrbitController): void {
  for (let i = 0; i < 2000 && c.update(1 / 60); i++);
  expect(c.update(1 / 60)).toBe(false);
}

const START: ViewPose = { eye: [1, -2, -5], target: [0.5, -0.5, 0.2], up: [0, -1, 0], fovY: 50 };

function controllerAt(pose: ViewPose = START): OrbitController {
  const c = new OrbitController();
  c.setSceneRadius(1);
  c.setPose(pose);
  return c;
}

describe('OrbitController', () => {
  it('reproduces the pose it was given (the shareable link round trip)', () => {
    const c = controllerAt();
    const p = c.getPose();
    // 1e-12: a few float64 trig round trips on values of order 1.
    p.eye.forEach((v, i) => expect(v).toBeCloseTo(START.eye[i], 12));
    p.target.forEach((v, i) => expect(v).toBeCloseTo(START.target[i], 12));
    expect(p.up).toEqual([0, -1, 0]);
    expect(p.fovY).toBe(50);
  });

  it('orbits the eye to the left on a drag to the right and up on a drag down, keeping target and distance', () => {
    const c = controllerAt();
    const cam0 = poseToCamera(c.getPose(), 100, 100);
    const right0 = cam0.R.slice(0, 3);
    c.orbit(30, 0);
    settle(c);
    const p1 = c.getPose();
    expect(dot(sub(p1.eye, START.eye), right0)).toBeLessThan(-0.1);
    expect(len(sub(p1.eye, p1.target))).toBeCloseTo(len(sub(START.eye, START.target)), 10);
    p1.target.forEach((v, i) => expect(v).toBeCloseTo(START.target[i], 12));
    c.orbit(0, 30);
    settle(c);
    const p2 = c.getPose();
    expect(dot(sub(p2.eye, p1.eye), [0, -1, 0])).toBeGreaterThan(0.1);
    // The target stays at the image centre whatever the angles.
    const t = project(poseToCamera(p2, 100, 100), p2.target);
    expect(t.u).toBeCloseTo(50, 9);
    expect(t.v).toBeCloseTo(50, 9);
  });

  it('clamps pitch short of the pole so the view never flips over', () => {
    const c = controllerAt();
    c.orbit(0, 1e6);
    settle(c);
    const p = c.getPose();
    const dir = sub(p.eye, p.target);
    const cosUp = dot(dir, [0, -1, 0]) / len(dir);
    expect(cosUp).toBeGreaterThan(0.999);
    expect(cosUp).toBeLessThan(1);
    const cam = poseToCamera(p, 10, 10);
    cam.R.forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });

  it('turns about the up axis through the target at once (auto-rotate): distance, height and target kept', () => {
    const c = controllerAt();
    settle(c);
    const before = c.getPose();
    c.turn(Math.PI / 2);
    // No damping lag: the pose moved fully in this frame, and nothing is left to glide.
    expect(c.update(1 / 60)).toBe(false);
    const after = c.getPose();
    expect(after.target).toEqual(before.target);
    const up = [0, -1, 0];
    const rel = (p: ViewPose) => sub(p.eye, p.target);
    expect(len(rel(after))).toBeCloseTo(len(rel(before)), 9);
    expect(dot(rel(after), up)).toBeCloseTo(dot(rel(before), up), 9);
    // A quarter turn: the horizontal parts of the two eye offsets are perpendicular.
    const horiz = (v: number[]) => sub(v, up.map((u) => u * dot(v, up)));
    expect(dot(horiz(rel(after)), horiz(rel(before)))).toBeCloseTo(0, 9);
  });

  it('pans so the point at target depth follows the cursor exactly', () => {
    const c = controllerAt();
    const H = 200;
    c.pan(17, -9, H);
    settle(c);
    const cam = poseToCamera(c.getPose(), 300, H);
    const old = project(cam, START.target);
    // 1e-8 px: exact geometry, float64.
    expect(old.u).toBeCloseTo(150 + 17, 8);
    expect(old.v).toBeCloseTo(100 - 9, 8);
  });

  it('zooms by a factor along the view direction', () => {
    const c = controllerAt();
    const d0 = len(sub(START.eye, START.target));
    c.zoom(2);
    settle(c);
    const p = c.getPose();
    expect(len(sub(p.eye, p.target))).toBeCloseTo(2 * d0, 10);
    const cos = dot(sub(p.eye, p.target), sub(START.eye, START.target)) / (2 * d0 * d0);
    expect(cos).toBeCloseTo(1, 12);
    c.zoom(1e-30); // clamped at 1e-4 scene radii
    settle(c);
    expect(c.distance).toBeCloseTo(1e-4, 12);
  });

  it('damps motion exponentially with time constant tau', () => {
    const c = controllerAt();
    c.zoom(Math.E); // log distance goal moves by exactly 1
    const logD0 = Math.log(len(sub(START.eye, START.target)));
    expect(c.update(c.tau)).toBe(true);
    const p = c.getPose();
    const logD = Math.log(len(sub(p.eye, p.target)));
    expect(logD - logD0).toBeCloseTo(1 - Math.exp(-1), 10);
    settle(c);
    // A step long enough to arrive still reports that the camera moved (the address bar must follow).
    c.zoom(2);
    expect(c.update(10)).toBe(true);
    expect(c.update(1 / 60)).toBe(false);
  });

  it('sets the orbit centre without moving the eye', () => {
    const c = controllerAt();
    const point: Vec3 = [0.1, 0.3, 1.5];
    c.setOrbitCentre(point);
    settle(c);
    const p = c.getPose();
    p.eye.forEach((v, i) => expect(v).toBeCloseTo(START.eye[i], 10));
    p.target.forEach((v, i) => expect(v).toBeCloseTo(point[i], 12));
  });

  it('frames a sphere so it exactly fits the narrower field of view', () => {
    const c = controllerAt();
    c.frame([3, 4, 5], 2, 0.5);
    settle(c);
    const p = c.getPose();
    const d = len(sub(p.eye, p.target));
    const halfY = (50 * Math.PI) / 360;
    const halfX = Math.atan(Math.tan(halfY) * 0.5);
    expect(d).toBeCloseTo(2 / Math.sin(halfX), 10);
    expect(framingDistance(2, 50, 2)).toBeCloseTo(2 / Math.sin(halfY), 12);
    p.target.forEach((v, i) => expect(v).toBeCloseTo([3, 4, 5][i], 12));
  });

  it('flips the up axis in place: eye and target stay, what was above is now below', () => {
    const c = controllerAt();
    const probe = [START.target[0], START.target[1] - 0.1, START.target[2]]; // world -y is up at first
    const before = project(poseToCamera(c.getPose(), 100, 100), probe);
    c.flipUp();
    const p = c.getPose();
    p.up.forEach((v, i) => expect(v).toBeCloseTo([0, 1, 0][i], 15));
    p.eye.forEach((v, i) => expect(v).toBeCloseTo(START.eye[i], 10));
    const after = project(poseToCamera(p, 100, 100), probe);
    expect(before.v).toBeLessThan(50);
    expect(after.v).toBeGreaterThan(50);
  });

  it('flies forward with W at flySpeed orbit distances per second, moving eye and target together', () => {
    const c = controllerAt();
    const d0 = len(sub(START.eye, START.target));
    c.fly.forward = 1;
    c.update(0.25);
    c.fly.forward = 0;
    settle(c);
    const p = c.getPose();
    const fwd = sub(START.target, START.eye).map((v) => v / d0);
    const moved = sub(p.target, START.target);
    moved.forEach((v, i) => expect(v).toBeCloseTo(fwd[i] * 0.25 * d0 * c.flySpeed, 10));
    sub(p.eye, START.eye).forEach((v, i) => expect(v).toBeCloseTo(moved[i], 10));
  });

  it('glides to a new pose with the same up when animated, and jumps when not', () => {
    const c = controllerAt();
    const next: ViewPose = { eye: [0, -1, -3], target: [0, 0, 0], up: [0, -1, 0], fovY: 50 };
    c.setPose(next, true);
    expect(len(sub(c.getPose().eye, START.eye))).toBeLessThan(1e-12);
    settle(c);
    c.getPose().eye.forEach((v, i) => expect(v).toBeCloseTo(next.eye[i], 10));
    expect(() => c.setPose({ ...next, up: [0, 0, 0] })).toThrow(/up/);
  });
});
