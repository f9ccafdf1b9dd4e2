import { describe, expect, it } from 'vitest';
import type { Camera } from '../../src/io/camera';
import { emptyScene, SH_C0 } from '../../src/io/scene';
import { cameraFrame, referenceProject, tileRect } from '../../src/reference/project';
import { rng } from '../helpers/compare';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function camera(extra: Partial<Camera> = {}): Camera {
  return { width: 64, height: 48, fx: 50, fy: 40, cx: 32, cy: 24, R: IDENTITY, t: [0, 0, 0], ...extra };
}

/** One splat at `mean` with log-scales `ls`, quaternion `q` and opacity logit `logit`. */
function oneSplat(mean: number[], ls: number[], q = [1, 0, 0, 0], logit = 0, dc = [0, 0, 0]) {
  const s = emptyScene(1, 0);
  s.means.set(mean);
  s.logScales.set(ls);
  s.quats.set(q);
  s.opacityLogits[0] = logit;
  s.sh.set(dc);
  return s;
}

function rotation(w: number, x: number, y: number, z: number): number[] {
  const n = Math.hypot(w, x, y, z);
  [w, x, y, z] = [w / n, x / n, y / n, z / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

// Every value below is computed from f32 scene parameters in float64: measured at most 2.2e-16
// (one rounding); 10x.
const TOL = 2.2e-15;

describe('referenceProject', () => {
  it('projects an isotropic splat on the optical axis analytically', () => {
    const z = 4;
    const ls = Math.log(0.1);
    const s = Math.exp(Math.fround(ls)); // the scene stores log-scales in f32
    const scene = oneSplat([0, 0, z], [ls, ls, ls], [1, 0, 0, 0], 0.5, [0.4, -0.2, 1]);
    const [p] = referenceProject(scene, camera());
    expect(p.visible).toBe(true);
    expect(p.depth).toBe(z);
    expect(p.mean2d).toEqual([32, 24]);
    const a = ((50 * s) / z) ** 2 + 0.3;
    const c = ((40 * s) / z) ** 2 + 0.3;
    expect(Math.abs(p.cov2d[0] - a)).toBeLessThan(TOL);
    expect(Math.abs(p.cov2d[1])).toBeLessThan(TOL);
    expect(Math.abs(p.cov2d[2] - c)).toBeLessThan(TOL);
    expect(Math.abs(p.conic[0] - 1 / a)).toBeLessThan(TOL);
    expect(Math.abs(p.conic[2] - 1 / c)).toBeLessThan(TOL);
    // |a - c| / 2 = 0.0703 < sqrt(0.1): the floor sets lambda_max = mid + sqrt(0.1).
    expect(p.radius).toBe(Math.ceil(3 * Math.sqrt((a + c) / 2 + Math.sqrt(0.1))));
    expect(p.opacity).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 15);
    const dc = [Math.fround(0.4), Math.fround(-0.2), 1];
    for (let ch = 0; ch < 3; ch++) expect(Math.abs(p.color[ch] - (SH_C0 * dc[ch] + 0.5))).toBeLessThan(TOL);
    expect(p.clampedColor).toEqual([false, false, false]);
  });

  it('swaps the screen axes for a 90 degree roll, whatever the quaternion norm', () => {
    const z = 5;
    const [sx, sy] = [0.3, 0.05].map((v) => Math.exp(Math.fround(Math.log(v))));
    const h = Math.SQRT1_2 * 3; // unnormalised on purpose
    const scene = oneSplat([0, 0, z], [Math.log(sx), Math.log(sy), Math.log(0.2)], [h, 0, 0, h]);
    const [p] = referenceProject(scene, camera());
    // The splat's x axis now points along camera y.
    // measured 1.1e-16, 2.7e-15 and 1.6e-15 (float64 through the rotation); 10x.
    expect(Math.abs(p.cov2d[0] - (((50 * sy) / z) ** 2 + 0.3))).toBeLessThan(1.1e-15);
    expect(Math.abs(p.cov2d[2] - (((40 * sx) / z) ** 2 + 0.3))).toBeLessThan(2.7e-14);
    expect(Math.abs(p.cov2d[1])).toBeLessThan(1.6e-14);
    // Here |a - c| / 2 > sqrt(0.1), so lambda_max is the larger variance.
    expect(p.radius).toBe(Math.ceil(3 * Math.sqrt(p.cov2d[2])));
  });

  it('matches J Sigma J^T with J the numerical derivative of the projection, clamped or not', () => {
    // J from central differences of pi(t) = (fx x/z + cx, fy y/z + cy): error ~ h^2 |pi'''| ~ 1e-10.
    const cam = camera({ R: rotation(0.9, 0.2, -0.3, 0.1), t: [0.3, -0.2, 0.4], cx: 30.5, cy: 20.25 });
    const frame = cameraFrame(cam);
    const r = rng(2);
    for (let n = 0; n < 40; n++) {
      const mean = [r() * 8 - 4, r() * 8 - 4, r() * 4 + 2];
      const ls = [Math.log(0.05 + r() * 0.3), Math.log(0.05 + r() * 0.3), Math.log(0.05 + r() * 0.3)];
      const q = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5];
      const [p] = referenceProject(oneSplat(mean, ls, q, 3), cam);
      if (!p.visible) continue;
      const [tx, ty, tz] = p.camMean;
      const clampX = tx / tz < frame.limX[0] || tx / tz > frame.limX[1];
      expect(p.jacobianClamped[0]).toBe(clampX);
      const cl = (v: number, lim: [number, number]) => Math.min(Math.max(v, lim[0]), lim[1]);
      // Evaluate the Jacobian at the clamped ray, the point gsplat's off-centre clamp uses.
      const t0 = [cl(tx / tz, frame.limX) * tz, cl(ty / tz, frame.limY) * tz, tz];
      const h = 1e-5;
      const J: number[][] = [[], []];
      for (let a = 0; a < 3; a++) {
        const tp = [...t0];
        const tm = [...t0];
        tp[a] += h;
        tm[a] -= h;
        J[0][a] = ((cam.fx * tp[0]) / tp[2] - (cam.fx * tm[0]) / tm[2]) / (2 * h);
        J[1][a] = ((cam.fy * tp[1]) / tp[2] - (cam.fy * tm[1]) / tm[2]) / (2 * h);
      }
      // Sigma from scale and rotation, then into camera space: W Sigma W^T.
      const Rq = rotation(q[0], q[1], q[2], q[3]);
      const s2 = ls.map((l) => Math.exp(Math.fround(l)) ** 2);
      const sig = (i: number, j: number) => Rq[3 * i] * Rq[3 * j] * s2[0] + Rq[3 * i + 1] * Rq[3 * j + 1] * s2[1] + Rq[3 * i + 2] * Rq[3 * j + 2] * s2[2];
      const W = cam.R;
      const T = [0, 1].map((row) => [0, 1, 2].map((c) => J[row][0] * W[c] + J[row][1] * W[3 + c] + J[row][2] * W[6 + c]));
      const cov = (r1: number, r2: number) => {
        let v = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) v += T[r1][i] * sig(i, j) * T[r2][j];
        return v;
      };
      const want = [cov(0, 0) + 0.3, cov(0, 1), cov(1, 1) + 0.3];
      // measured 3.1e-7 relative (the numerical Jacobian's h^2 truncation, squared into Sigma2D).
      for (let k = 0; k < 3; k++) expect(Math.abs(p.cov2d[k] - want[k]) / Math.max(1, Math.abs(want[k]))).toBeLessThan(1e-6);
      expect(Math.abs(p.mean2d[0] - ((cam.fx * tx) / tz + cam.cx))).toBeLessThan(1e-9);
    }
  });

  it('uses the off-centre clamp limits (1.15 W - cx) / fx and (-0.15 W - cx) / fx', () => {
    const cam = camera({ cx: 20, cy: 30 });
    const f = cameraFrame(cam);
    expect(f.limX[1]).toBeCloseTo((1.15 * 64 - 20) / 50, 15);
    expect(f.limX[0]).toBeCloseTo((-0.15 * 64 - 20) / 50, 15);
    expect(f.limY[1]).toBeCloseTo((1.15 * 48 - 30) / 40, 15);
    expect(f.limY[0]).toBeCloseTo((-0.15 * 48 - 30) / 40, 15);
    // Centred: +-1.3 tan(fov/2).
    const c = cameraFrame(camera());
    expect(c.limX[1]).toBeCloseTo(1.3 * (32 / 50), 15);
    expect(c.limX[0]).toBeCloseTo(-1.3 * (32 / 50), 15);
  });

  it('culls behind the near plane, faint, non-finite and off-screen splats', () => {
    const ls = [Math.log(0.1), Math.log(0.1), Math.log(0.1)];
    const vis = (scene: ReturnType<typeof oneSplat>, cam = camera()) => referenceProject(scene, cam)[0];
    expect(vis(oneSplat([0, 0, 0.01], ls)).visible).toBe(false); // z <= near
    expect(vis(oneSplat([0, 0, 0.0101], ls)).visible).toBe(true);
    expect(vis(oneSplat([0, 0, 0.5], ls), camera({ near: 0.6 })).visible).toBe(false);
    expect(vis(oneSplat([0, 0, -3], ls)).visible).toBe(false);
    expect(vis(oneSplat([0, 0, 3], ls, [1, 0, 0, 0], -6)).visible).toBe(false); // o < 1/255
    expect(vis(oneSplat([NaN, 0, 3], ls)).visible).toBe(false);
    expect(vis(oneSplat([0, 0, 3], [Infinity, 0, 0])).visible).toBe(false);
    expect(vis(oneSplat([50, 0, 3], ls)).visible).toBe(false); // no tile
    const culled = vis(oneSplat([0, 0, -3], ls));
    expect([culled.radius, culled.tileRect.maxX - culled.tileRect.minX]).toEqual([0, 0]);
  });

  it('clamps the colour at 0 and records the mask', () => {
    const [p] = referenceProject(oneSplat([0, 0, 3], [-2, -2, -2], [1, 0, 0, 0], 0, [-3, 0.1, 2]), camera());
    expect(p.color[0]).toBe(0);
    expect(p.clampedColor).toEqual([true, false, false]);
  });

  it('computes the tile rect of §2.4', () => {
    expect(tileRect([20, 20], 5, 4, 3)).toEqual({ minX: 0, minY: 0, maxX: 2, maxY: 2 });
    // (40.2 + 8 + 15.5) / 16 = 3.98 and (40.2 + 9 + 15.5) / 16 = 4.04: one more radius pixel, one more tile.
    expect(tileRect([40.2, 8], 8, 4, 3)).toEqual({ minX: 2, minY: 0, maxX: 3, maxY: 1 });
    expect(tileRect([40.2, 8], 9, 4, 3)).toEqual({ minX: 1, minY: 0, maxX: 4, maxY: 2 });
    expect(tileRect([-30, 100], 3, 4, 3)).toEqual({ minX: 0, minY: 3, maxX: 0, maxY: 3 });
    // Every pixel centre within r of the mean (per axis) lies in a tile of the rect, including
    // the case INRIA's (mu + r + 15) / 16 misses: mu + r in [16t + 0.5, 16t + 1).
    expect(tileRect([10.7, 10], 6, 4, 3).maxX).toBe(2); // mu + r = 16.7 reaches pixel 16's centre (16.5)
    expect(tileRect([10.4, 10], 6, 4, 3).maxX).toBe(1); // mu + r = 16.4 does not
    const r = rng(4);
    for (let n = 0; n < 200; n++) {
      const mu: [number, number] = [r() * 100 - 20, r() * 80 - 20];
      const rad = 1 + Math.floor(r() * 30);
      const rect = tileRect(mu, rad, 5, 3);
      for (let j = 0; j < 48; j++) {
        for (let i = 0; i < 80; i++) {
          if (Math.abs(i + 0.5 - mu[0]) > rad || Math.abs(j + 0.5 - mu[1]) > rad) continue;
          const [tx, ty] = [Math.floor(i / 16), Math.floor(j / 16)];
          expect(tx >= rect.minX && tx < rect.maxX && ty >= rect.minY && ty < rect.maxY).toBe(true);
        }
      }
    }
  });

  it('rejects bad options and mismatched arrays with a clear message', () => {
    const scene = oneSplat([0, 0, 3], [0, 0, 0]);
    expect(() => referenceProject(scene, camera(), { shDegree: 1 })).toThrow(/shDegree must be an integer in 0\.\.0/);
    expect(() => referenceProject(scene, camera(), { splatScale: 0 })).toThrow(/splatScale/);
    expect(() => referenceProject({ ...scene, means: new Float32Array(2) }, camera())).toThrow(/scene\.means has 2 values, expected 3/);
    expect(() => referenceProject(scene, camera({ width: 10.5 }))).toThrow(/width and height/);
  });
});
