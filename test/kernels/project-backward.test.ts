/**
 * The SH backward and the geometry (projection) backward kernels, each on its own, against the
 * float64 reference's per-splat backward (shBackward, projectBackward) fed the same upstream
 * gradients: a random dL/d(2D mean, conic, colour) per splat stands in for the rasterizer's, so
 * every visible splat carries a gradient and no rasterizer error can mask or cause one here.
 * The scene is seen from a posed camera and reaches every projection branch (each Jacobian clamp
 * side, clamped colours, the near plane).
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { type SplatScene, shCoeffCount } from '../../src/io/scene';
import type { Camera } from '../../src/io/camera';
import { GeometryBackwardKernel, ShBackwardKernel } from '../../src/kernels/project-backward';
import { projectBackward, referenceBranchCounts, referenceProject, shBackward, type ProjectedSplat } from '../../src/reference';
import { getTestDevice } from '../helpers/gpu';
import { cameraUniform, nanBuffer, packProjected, rowError, GRAD_ROW, packGrads } from '../helpers/kernel-inputs';
import { rng } from '../helpers/compare';
import { posed, randomScene, testCamera } from '../helpers/scenes';
import { splatMargins } from '../helpers/thresholds';

const STRIDE = GRAD_ROW; // v_xy (2), v_conic (3), v_opacity, v_rgb (3)

interface Setup {
  scene: SplatScene;
  cam: Camera;
  degree: number;
  projected: ProjectedSplat[];
  vProjected: Float32Array;
  visible: number[];
}

function setup(shDegree: number, activeDegree: number, seed: number): Setup {
  const base = testCamera(48, 40);
  const moved = posed(randomScene(base, { count: 150, shDegree, seed, huge: 0.05, behind: 0.05, degenerate: 0.03, shScale: 2, branches: true }), base, seed);
  const { scene, cam } = moved;
  const projected = referenceProject(scene, cam, { shDegree: activeDegree });
  const r = rng(seed + 1);
  const vProjected = Float32Array.from({ length: scene.count * STRIDE }, () => r() * 2 - 1);
  const visible = projected.map((p, i) => (p.visible ? i : -1)).filter((i) => i >= 0);
  // A colour sum within 1e-4 of 0 or a view ray within 1e-4 (relative) of a clamp limit could
  // switch sides in f32: the scenes are chosen so none does.
  const margins = splatMargins(scene, projected, cam, activeDegree);
  for (const i of visible) expect(margins[i], `splat ${i} sits on a projection threshold; pick another seed`).toBeGreaterThan(1e-4);
  return { scene, cam, degree: activeDegree, projected, vProjected, visible };
}

async function runKernel(s: Setup, which: 'sh' | 'geometry') {
  const device = await getTestDevice();
  const n = s.scene.count;
  const K = shCoeffCount(s.scene.shDegree);
  const uniform = cameraUniform(device, s.cam, { count: n, shDegree: s.degree, shCoeffs: K });
  const up = (label: string, data: Float32Array) => createBufferWithData(device, `test.${label}`, data);
  const b = {
    means: up('means', s.scene.means),
    logScales: up('logScales', s.scene.logScales),
    quats: up('quats', s.scene.quats),
    sh: up('sh', s.scene.sh),
    projected: createBufferWithData(device, 'test.projected', new Uint8Array(packProjected(s.projected))),
    vProjected: up('vProjected', packGrads(s.vProjected, s.scene.count)),
    // The geometry kernel adds to v_means (the SH kernel initialises it): start it at zero.
    vMeans: which === 'sh' ? nanBuffer(device, 'test.vMeans', n * 3) : up('vMeans', new Float32Array(n * 3)),
    vSh: nanBuffer(device, 'test.vSh', n * K * 3),
    vLogScales: nanBuffer(device, 'test.vLogScales', n * 3),
    vQuats: nanBuffer(device, 'test.vQuats', n * 4),
  };
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  const kernel = which === 'sh' ? new ShBackwardKernel(device, s.degree) : new GeometryBackwardKernel(device);
  const group = kernel instanceof ShBackwardKernel ? kernel.bindAll(b) : kernel.bindAll(b);
  kernel.dispatchItems(pass, kernel.bindCamera(uniform.buffer), group, n);
  pass.end();
  device.queue.submit([enc.finish()]);
  const out = {
    vMeans: await readF32(device, b.vMeans, n * 3),
    vSh: which === 'sh' ? await readF32(device, b.vSh, n * K * 3) : new Float32Array(0),
    vLogScales: which === 'geometry' ? await readF32(device, b.vLogScales, n * 3) : new Float32Array(0),
    vQuats: which === 'geometry' ? await readF32(device, b.vQuats, n * 4) : new Float32Array(0),
  };
  uniform.destroy();
  for (const buf of Object.values(b)) buf.destroy();
  return out;
}

const row = (a: ArrayLike<number>, i: number, w: number): number[] => Array.from({ length: w }, (_, k) => a[i * w + k]);

/** Visible splats closer than 0.1 to the camera (the near-plane crossers), and the rest. */
function nearAndFar(s: Setup): [number[], number[]] {
  const near = s.visible.filter((i) => s.projected[i].depth < 0.1);
  expect(near.length, 'the scene must hold a visible splat at the near plane').toBeGreaterThan(0);
  return [near, s.visible.filter((i) => s.projected[i].depth >= 0.1)];
}

describe('SH backward kernel vs shBackward', () => {
  // measured on a correct build (SwiftShader), per-splat error relative to the splat's own
  // gradient, [others, near-plane splat]: degree 3/3 v_sh 2.3e-7 / 3.0e-6, v_means 1.7e-6 /
  // 3.9e-7; 3/1 v_sh 1.3e-7 / 1.4e-6, v_means 4.0e-7 / 2.8e-6; 3/2 v_sh 2.3e-7 / 9.2e-7, v_means
  // 9.5e-7 / 9.6e-7; 0/0 v_sh 9.3e-8 / 3.4e-8 (degree 0 has no view-direction term: exact zeros).
  // Tolerances 10x. The kernel is built for each active degree (ShBackwardKernel), so every
  // pipeline the trainer uses is checked here.
  const cases = [
    { deg: 3, active: 3, seed: 31, tolSh: [2.3e-6, 3e-5], tolMean: [1.7e-5, 3.9e-6] },
    { deg: 3, active: 1, seed: 32, tolSh: [1.3e-6, 1.4e-5], tolMean: [4e-6, 2.8e-5] },
    { deg: 3, active: 2, seed: 34, tolSh: [2.3e-6, 9.2e-6], tolMean: [9.5e-6, 9.6e-6] },
    { deg: 0, active: 0, seed: 33, tolSh: [9.3e-7, 3.4e-7], tolMean: [0, 0] },
  ];
  for (const c of cases) {
    it(`SH degree ${c.deg}, active ${c.active}: dL/dsh (clamp mask, zero above the active degree) and the view-direction term`, async () => {
      const s = setup(c.deg, c.active, c.seed);
      const got = await runKernel(s, 'sh');
      const n = s.scene.count;
      const K = shCoeffCount(c.deg);
      const wantSh = new Float64Array(n * K * 3);
      const wantMean = new Float64Array(n * 3);
      let clamped = 0;
      for (const i of s.visible) {
        const p = s.projected[i];
        const g = shBackward(p, s.scene.sh.subarray(i * K * 3, (i + 1) * K * 3), c.active, row(s.vProjected, i, STRIDE).slice(6));
        wantSh.set(g.v_sh, i * K * 3);
        wantMean.set(g.v_mean, i * 3);
        clamped += p.clampedColor.filter(Boolean).length;
      }
      expect(clamped, 'the scene must clamp some colours').toBeGreaterThan(0);
      // The splat just beyond the near plane apart: its view direction is mean - centre with
      // |mean - centre| ~ 0.016, so the f32 rounding of the camera centre in the uniform alone
      // moves it by ~4e-6 relative.
      const [near, far] = nearAndFar(s);
      const eSh = [far, near].map((rows) => rowError(got.vSh, wantSh, K * 3, rows, 1e-12));
      const eMean = [far, near].map((rows) => rowError(got.vMeans, wantMean, 3, rows, 1e-12));
      console.log(`[SH backward kernel, degree ${c.deg}/${c.active}] far / near: v_sh ${eSh.map((e) => e.max.toExponential(2)).join(' / ')}, v_means ${eMean.map((e) => e.max.toExponential(2)).join(' / ')}`);
      for (let g = 0; g < 2; g++) {
        expect(eSh[g].max, `v_sh of splat ${eSh[g].row}`).toBeLessThan(c.tolSh[g]);
        if (c.tolMean[g] > 0) expect(eMean[g].max, `v_means of splat ${eMean[g].row}`).toBeLessThan(c.tolMean[g]);
      }
      if (c.deg === 0) expect(Array.from(got.vMeans).every((v) => v === 0)).toBe(true);
      // Culled splats get exact zeros (the buffers started as NaN).
      for (let i = 0; i < n; i++) {
        if (s.projected[i].visible) continue;
        expect(row(got.vSh, i, K * 3).every((v) => v === 0), `v_sh of culled splat ${i}`).toBe(true);
        expect(row(got.vMeans, i, 3).every((v) => v === 0), `v_means of culled splat ${i}`).toBe(true);
      }
    });
  }
});

describe('geometry backward kernel vs projectBackward', () => {
  it('dL/d(mean, log-scale, quaternion) through the conic, the clamped Jacobian on each side and the 2D mean', async () => {
    const s = setup(1, 1, 41);
    const counts = referenceBranchCounts(s.scene, s.cam, { shDegree: 1 });
    for (const k of ['jacobianXLow', 'jacobianXHigh', 'jacobianYLow', 'jacobianYHigh', 'nearCrossingVisible', 'nearCulled'] as const) {
      expect(counts[k], k).toBeGreaterThan(0);
    }
    const got = await runKernel(s, 'geometry');
    const n = s.scene.count;
    const want = { vMeans: new Float64Array(n * 3), vLogScales: new Float64Array(n * 3), vQuats: new Float64Array(n * 4) };
    for (const i of s.visible) {
      const v = row(s.vProjected, i, STRIDE);
      const g = projectBackward(s.projected[i], s.cam, v.slice(0, 2), v.slice(2, 5));
      want.vMeans.set(g.v_mean, i * 3);
      want.vLogScales.set(g.v_logScale, i * 3);
      want.vQuats.set(g.v_quat, i * 4);
    }
    // Clamped splats separately: their Jacobian's exact z-derivative is the branch a mutation of
    // the clamp mask would break, and they are few among the rest.
    const [near, far] = nearAndFar(s);
    const clamped = far.filter((i) => s.projected[i].jacobianClamped.some(Boolean));
    const free = far.filter((i) => !s.projected[i].jacobianClamped.some(Boolean));
    expect(clamped.length).toBeGreaterThanOrEqual(4);
    // measured on a correct build (SwiftShader), per-splat error relative to the splat's own
    // gradient, free / clamped / near-plane: v_means 3.0e-7 / 1.8e-7 / 7.2e-7, v_logScales
    // 1.5e-6 / 5.4e-7 / 1.8e-6, v_quats 2.3e-5 / 6.4e-6 / 2.4e-6 (f32 through Sigma2D = J W Sigma
    // W^T J^T and its inverse; degenerate and elongated free splats lose the most). Tolerances 10x.
    const tol = { vMeans: [3e-6, 1.8e-6, 7.2e-6], vLogScales: [1.5e-5, 5.4e-6, 1.8e-5], vQuats: [2.3e-4, 6.4e-5, 2.4e-5] };
    const report: string[] = [];
    for (const [name, width] of [['vMeans', 3], ['vLogScales', 3], ['vQuats', 4]] as const) {
      const errors = [free, clamped, near].map((rows) => rowError(got[name], want[name], width, rows, 1e-12));
      report.push(`${name} ${errors.map((e) => e.max.toExponential(2)).join(' / ')}`);
      errors.forEach((e, g) => expect(e.max, `${name} of ${['free', 'clamped', 'near'][g]} splat ${e.row}`).toBeLessThan(tol[name][g]));
    }
    console.log(`[geometry backward kernel] free / clamped / near: ${report.join(', ')}`);
    for (let i = 0; i < n; i++) {
      if (s.projected[i].visible) continue;
      expect([...row(got.vLogScales, i, 3), ...row(got.vQuats, i, 4), ...row(got.vMeans, i, 3)].every((v) => v === 0), `culled splat ${i}`).toBe(true);
    }
  });
});
