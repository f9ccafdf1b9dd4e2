/**
 * Every default ../shared/docs/decisions.md fixes, pinned to the literal numbers written there
 * (never to the code's own constants, which a wrong edit would move together with the code), and
 * one real training step that checks each parameter group and each SH channel got its own
 * learning rate: Adam's first step moves every element with a non-zero gradient by exactly lr
 * (m = (1 - b1) g, v = (1 - b2) g^2, so m^ / sqrt(v^) = sign(g)), whatever the gradient.
 */
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { cameraCentre, DEFAULT_NEAR } from '../../src/io/camera';
import { loadColmapDataset } from '../../src/io/colmap/dataset';
import { nodeDirectorySource } from '../../src/io/colmap/node-source';
import * as gpuConstants from '../../src/gpu/constants';
import { SHADER_SOURCES, parseWgslConstants } from '../../src/gpu/wgsl';
import { ADAM_DEFAULTS } from '../../src/kernels/adam';
import { ImageLoss } from '../../src/kernels/image-loss';
import * as ref from '../../src/reference/constants';
import { DEFAULT_SSIM_WEIGHT, SSIM_C1, SSIM_C2, SSIM_SIGMA, SSIM_WINDOW_SIZE } from '../../src/reference/loss';
import { DEFAULT_LR, DEFAULT_TRAIN, resolveTrainConfig } from '../../src/train/config';
import { resolveDensityConfig } from '../../src/train/density-control';
import { INIT_DEFAULTS, initFromPoints } from '../../src/train/init';
import { Trainer } from '../../src/train/trainer';
import { PARAM_GROUPS, type ParamGroup } from '../../src/train/splat-state';
import { rng } from '../helpers/compare';
import { getTestDevice } from '../helpers/gpu';

describe('defaults pinned to decisions.md', () => {
  it('forward constants, in the reference and in the shaders', () => {
    const want = { TILE_SIZE: 16, COV2D_DILATION: 0.3, ALPHA_MAX: 0.99, ALPHA_MIN: 1 / 255, T_MIN: 1e-4, FRUSTUM_CLAMP: 1.3, EXTENT_SIGMA: 3 };
    for (const [k, v] of Object.entries(want)) {
      expect(ref[k as keyof typeof want], `reference ${k}`).toBeCloseTo(v, 12);
      // The shaders hold f32 literals: equal to the decided value to f32 precision.
      expect(Math.abs(gpuConstants[k as keyof typeof want] - v) / v, `constants.wgsl ${k}`).toBeLessThan(1e-7);
    }
    expect(DEFAULT_NEAR).toBe(0.01);
  });

  it('Adam betas 0.9 / 0.999, eps 1e-15; learning rates per group and SH band', () => {
    expect(ADAM_DEFAULTS).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-15 });
    expect(DEFAULT_LR).toEqual({ meansInit: 1.6e-4, meansFinal: 1.6e-6, shDc: 2.5e-3, shRest: 1.25e-4, opacity: 0.025, scale: 5e-3, rotation: 1e-3 });
  });

  it('schedule: 30,000 iterations, SH degree +1 every 1,000 up to 3; init opacity 0.1 from 3 neighbours', () => {
    const c = resolveTrainConfig();
    expect([c.iterations, c.shIncreaseEvery, c.shDegree, c.background]).toEqual([30_000, 1000, 3, 'black']);
    expect(INIT_DEFAULTS).toEqual({ shDegree: 3, opacity: 0.1, neighbours: 3 });
  });

  it('density control: every 100 from 500 to 15,000, grad 2e-4, clone <= 0.01 E, split in 2 at / 1.6, prune < 0.005 and > 0.1 E after 3,000, reset to 0.01 every 3,000', () => {
    expect(resolveDensityConfig()).toMatchObject({
      densifyFrom: 500,
      densifyUntil: 15_000,
      densifyEvery: 100,
      gradThreshold: 2e-4,
      percentDense: 0.01,
      splitChildren: 2,
      splitScaleDivisor: 1.6,
      minOpacity: 0.005,
      maxWorldScale: 0.1,
      worldScalePruneAfter: 3000,
      opacityResetEvery: 3000,
      resetOpacity: 0.01,
    });
  });

  it('loss 0.8 L1 + 0.2 (1 - SSIM), 11x11 window sigma 1.5, C1 = 0.01^2, C2 = 0.03^2, in the reference and the shaders', async () => {
    expect(DEFAULT_TRAIN.ssimWeight).toBe(0.2);
    expect(DEFAULT_SSIM_WEIGHT).toBe(0.2);
    expect([SSIM_WINDOW_SIZE, SSIM_SIGMA]).toEqual([11, 1.5]);
    expect(SSIM_C1).toBeCloseTo(1e-4, 18);
    expect(SSIM_C2).toBeCloseTo(9e-4, 18);
    const wgsl = parseWgslConstants(SHADER_SOURCES.get('common/ssim.wgsl') ?? '');
    expect([wgsl.SSIM_C1, wgsl.SSIM_C2, wgsl.SSIM_TAPS, wgsl.SSIM_RADIUS]).toEqual([1e-4, 9e-4, 11, 5]);
    const loss = new ImageLoss(await getTestDevice());
    expect(loss.ssimWeight).toBe(0.2);
    loss.destroy();
  });
});

const SAMPLE = resolve(__dirname, '../../scenes/buddha13');

describe('one training step: each parameter group and each SH channel moves by its own learning rate', () => {
  it('Adam step 1 on buddha13 at 1/8: |delta| = lr per group, per SH band, per colour channel', async () => {
    const device = await getTestDevice();
    const ds = await loadColmapDataset(nodeDirectorySource(SAMPLE), { resolution: 8, evalSplit: true });
    // E = 1.1 x the largest distance of a training camera centre from their mean (decisions.md).
    const centres = ds.train.map((v) => cameraCentre(v.camera));
    const mean = [0, 1, 2].map((a) => centres.reduce((s, c) => s + c[a], 0) / centres.length);
    const E = 1.1 * Math.max(...centres.map((c) => Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2])));
    expect(ds.extent).toBeCloseTo(E, 5);
    // shIncreaseEvery 0.25: every SH band is active at iteration 1, so every band gets a gradient.
    // Anisotropic, rotated splats: the initial isotropic ones have no rotation gradient at all.
    const init = initFromPoints(ds.points);
    const r = rng(5);
    for (let k = 0; k < init.logScales.length; k++) init.logScales[k] += r() - 0.5;
    for (let k = 0; k < init.quats.length; k++) init.quats[k] = r() - 0.5;
    const trainer = new Trainer(device, ds, init, { seed: 1, shIncreaseEvery: 0.25 });
    expect(trainer.config.iterations).toBe(30_000);
    const before = Object.fromEntries(await Promise.all(PARAM_GROUPS.map(async (g) => [g, await trainer.state.read('params', g)]))) as Record<ParamGroup, Float32Array>;
    await trainer.step();
    const after = Object.fromEntries(await Promise.all(PARAM_GROUPS.map(async (g) => [g, await trainer.state.read('params', g)]))) as Record<ParamGroup, Float32Array>;
    const m = Object.fromEntries(await Promise.all(PARAM_GROUPS.map(async (g) => [g, await trainer.state.read('m', g)]))) as Record<ParamGroup, Float32Array>;
    const v = Object.fromEntries(await Promise.all(PARAM_GROUPS.map(async (g) => [g, await trainer.state.read('v', g)]))) as Record<ParamGroup, Float32Array>;
    trainer.destroy();

    // Position: log-linear from 1.6e-4 E to 1.6e-6 E over 30,000 iterations, at iteration 1.
    const meansLr = 1.6e-4 * E * Math.pow(1e-2, 1 / 30_000);
    const K = 16;
    // Buckets: each group, and the SH buffer [N, K, 3] split by band and colour channel.
    const buckets = new Map<string, { lr: number; from: ParamGroup; pick: (e: number) => boolean }>();
    buckets.set('means', { lr: meansLr, from: 'means', pick: () => true });
    buckets.set('logScales', { lr: 5e-3, from: 'logScales', pick: () => true });
    buckets.set('quats', { lr: 1e-3, from: 'quats', pick: () => true });
    buckets.set('opacityLogits', { lr: 0.025, from: 'opacityLogits', pick: () => true });
    for (let band = 0; band <= 3; band++) {
      for (let c = 0; c < 3; c++) {
        const pick = (e: number) => e % 3 === c && Math.floor(Math.sqrt(Math.floor(e / 3) % K)) === band;
        buckets.set(`sh band ${band} ${'rgb'[c]}`, { lr: band === 0 ? 2.5e-3 : 1.25e-4, from: 'sh', pick });
      }
    }
    const ulp = (x: number) => Math.max(Math.abs(x), 1e-30) * 2 ** -23;
    const report: Record<string, string> = {};
    for (const [name, b] of buckets) {
      const p0 = before[b.from];
      const p1 = after[b.from];
      const m1 = m[b.from];
      let moved = 0;
      let tiny = 0;
      let total = 0;
      let worst = 0;
      for (let e = 0; e < p0.length; e++) {
        if (!b.pick(e)) continue;
        total++;
        if (p1[e] === p0[e] && m1[e] === 0) continue; // a zero gradient: Adam moves nothing
        // |g| = 10 |m| below 1e-9: eps (1e-15 against |g|, and f32 underflow of g^2) would shrink
        // the step by more than 1e-6 of lr.
        if (Math.abs(m1[e]) < 1e-10) {
          tiny++;
          continue;
        }
        moved++;
        // |delta| = lr up to the f32 rounding of the two parameter values (and of lr itself).
        const err = Math.abs(Math.abs(p1[e] - p0[e]) - b.lr) / (ulp(p0[e]) + ulp(p1[e]) + 1e-6 * b.lr);
        worst = Math.max(worst, err);
      }
      report[name] = `${moved}/${total} moved (${tiny} tiny), worst ${worst.toFixed(2)} roundings`;
      expect(moved, `${name}: too few elements moved`).toBeGreaterThan(0.3 * total);
      // measured at most 0.89 (within one rounding of each value) on a correct build; a wrong
      // learning rate is off by thousands.
      expect(worst, `${name}: |delta| != ${b.lr}`).toBeLessThanOrEqual(1.5);
    }
    console.log('[one Adam step]', JSON.stringify(report));
    // Moments after step 1: m = 0.1 g and v = 0.001 g^2, so v = 0.1 m^2 wherever g != 0.
    for (const g of PARAM_GROUPS) {
      let worst = 0;
      // Tiny gradients skipped: their f32 g^2 underflows.
      for (let e = 0; e < m[g].length; e++) if (Math.abs(m[g][e]) > 1e-10) worst = Math.max(worst, Math.abs(v[g][e] / (0.1 * m[g][e] ** 2) - 1));
      // measured 1.9e-7 (f32 products); 10x.
      expect(worst, `${g}: v != (1 - 0.999) / (1 - 0.9)^2 m^2`).toBeLessThan(1.9e-6);
    }
  });
});
