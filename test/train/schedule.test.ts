/**
 * Training schedules (src/train/schedule.ts): the reference plan keeps today's absolute steps,
 * the scaled plan puts every event at its fraction of the run; coarse-to-fine steps train on the
 * downsampled target with scaled intrinsics (checked against the differentiable renderer fed the
 * CPU-resized image), and a scaled run is deterministic and resumes bit for bit from a
 * checkpoint taken while the images are still small.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALED_SCHEDULE, coarseSize, schedulePlan } from '../../src/train/schedule';
import { densitySchedule, resolveDensityConfig } from '../../src/train/density-control';
import { resolveTrainConfig, type TrainConfig } from '../../src/train/config';
import { ViewSampler } from '../../src/train/random';
import { scaledCamera } from '../../src/train/coarse-targets';
import { initFromPoints } from '../../src/train/init';
import { Trainer } from '../../src/train/trainer';
import { DifferentiableRenderer } from '../../src/train/differentiable-renderer';
import { checkpointScene, decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint';
import { checkSettings, datasetIdentity } from '../../src/train/checkpoint-resume';
import { resizeImage } from '../../src/io/image-resize';
import { getTestDevice } from '../helpers/gpu';
import { firstDifference, smallBuddha } from '../helpers/small-buddha';

describe('schedule plans', () => {
  it('reference: the absolute steps of today, full-size images', () => {
    const p = schedulePlan(resolveTrainConfig({ iterations: 1000 }));
    expect(p.density).toEqual({});
    expect(schedulePlan(resolveTrainConfig({ iterations: 1000, mcmc: { splats: 9 } })).mcmc).toEqual({ splats: 9 });
    expect(p.shIncreaseEvery).toBe(1000);
    expect(p.lrDecayIterations).toBe(1000);
    expect([1, 500, 1000].map((it) => p.divisorAt(it))).toEqual([1, 1, 1]);
  });

  it('scaled: every event at its fraction of the run; density overrides win', () => {
    // DEFAULT_SCALED_SCHEDULE written out: densify (10%, 50%) every 2% (at least 50 steps), no
    // reset, except runs of 5,000 steps or more: densify until 90% with one reset at 60% and the
    // world-size prune from 60% (short runs: none), SH degree 3 at 90%, images from 1/4 size to
    // full size at 50%, shorter side >= 64; MCMC starts its splats at 0.3 of their kNN scale and draws copies by opacity times gradient, one standard deviation off their source.
    expect(DEFAULT_SCALED_SCHEDULE).toEqual({
      densifyFrom: 0.1, densifyUntil: 0.5, densifyEvery: 0.02, minDensifyEvery: 50, opacityResetEvery: 0,
      longRunFrom: 5000, longDensifyUntil: 0.9, longResetAt: 0.6, longWorldScalePruneAfter: 0.6,
      worldScalePruneAfter: 1, shFullAt: 0.9, startDivisor: 4, fullResolutionAt: 0.5, minSide: 64, mcmcInitScale: 0.3,
      mcmcGradientWeight: 2e-4,
      mcmcSpread: 1,
      mcmcPruneAt: 0.6,
    });
    const p = schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'scaled' }));
    expect(p.density).toEqual({ densifyFrom: 500, densifyUntil: 4500, densifyEvery: 100, worldScalePruneAfter: 3000, opacityResetEvery: 3000 });
    // One reset: at 3,000, not again before densification ends.
    const resets = Array.from({ length: 5000 }, (_, i) => i + 1).filter((it) => densitySchedule(it, resolveDensityConfig(p.density)).reset);
    expect(resets).toEqual([3000]);
    // Just short of a long run: the short shape, no reset.
    expect(schedulePlan(resolveTrainConfig({ iterations: 4999, schedule: 'scaled' })).density).toMatchObject({ densifyUntil: 2500, opacityResetEvery: 0, worldScalePruneAfter: 4999 });
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'scaled', scaledSchedule: { longRunFrom: 0 } })).density).toMatchObject({ densifyUntil: 2500, opacityResetEvery: 0 });
    // The long run's prune has its own setting (1: never); the short-run one does not reach it.
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'scaled', scaledSchedule: { longWorldScalePruneAfter: 1, worldScalePruneAfter: 0.2 } })).density).toMatchObject({ worldScalePruneAfter: 5000 });
    expect(schedulePlan(resolveTrainConfig({ iterations: 4000, schedule: 'scaled', scaledSchedule: { worldScalePruneAfter: 0.2 } })).density).toMatchObject({ worldScalePruneAfter: 800 });
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { longResetAt: 0.3 } })).toThrow(/longResetAt must be inside the long run's densification window/);
    // MCMC refines in the same window (its own settings win).
    // A run with an MCMC peak prunes to its budget at 60%.
    expect(p.mcmc).toEqual({ refineFrom: 500, refineUntil: 2500, refineEvery: 100, initScale: 0.3, gradientWeight: 2e-4, spread: 1, pruneAt: 3000 });
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'scaled', mcmc: { splats: 9, refineEvery: 7, initScale: 0.1, gradientWeight: 0, spread: 0, pruneAt: 11 } })).mcmc).toEqual({ refineFrom: 500, refineUntil: 2500, refineEvery: 7, initScale: 0.1, gradientWeight: 0, spread: 0, pruneAt: 11, splats: 9 });
    expect(schedulePlan(resolveTrainConfig({ iterations: 1000, schedule: 'scaled', scaledSchedule: { mcmcPruneAt: 0.75 } })).mcmc.pruneAt).toBe(750);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { mcmcPruneAt: 1.5 } })).toThrow(/mcmcPruneAt must be a fraction/);
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'scaled', scaledSchedule: { mcmcInitScale: 0.5 } })).mcmc.initScale).toBe(0.5);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { mcmcInitScale: 0 } })).toThrow(/mcmcInitScale must be finite and > 0/);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { mcmcGradientWeight: -1 } })).toThrow(/mcmcGradientWeight must be finite and >= 0/);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { mcmcSpread: Number.NaN } })).toThrow(/mcmcSpread must be finite and >= 0/);
    // The reference schedule draws by opacity, as gsplat does.
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'reference' })).mcmc).not.toHaveProperty('gradientWeight');
    expect(schedulePlan(resolveTrainConfig({ iterations: 5000, schedule: 'reference' })).mcmc).not.toHaveProperty('spread');
    expect(p.shIncreaseEvery).toBe(1500);
    expect(p.lrDecayIterations).toBe(5000);
    expect(p.divisorAt(1)).toBe(4);
    // Geometric: half way through the coarse phase the divisor is sqrt(4) = 2 (float64: 1e-15).
    expect(Math.abs(p.divisorAt(1251) - 2)).toBeLessThan(1e-15);
    expect(p.divisorAt(2500)).toBe(1);
    const ds = Array.from({ length: 2500 }, (_, i) => p.divisorAt(i + 1));
    expect(ds.every((d, i) => i === 0 || d <= ds[i - 1])).toBe(true);
    // Short runs keep 50 steps between densifications; explicit overrides replace the scaled values.
    const short = schedulePlan(resolveTrainConfig({ iterations: 1000, schedule: 'scaled', density: { densifyUntil: 0 }, scaledSchedule: { opacityResetEvery: 0.1, worldScalePruneAfter: 0.3 } }));
    expect(short.density).toMatchObject({ densifyFrom: 100, densifyUntil: 0, densifyEvery: 50, opacityResetEvery: 100, worldScalePruneAfter: 300 });
    expect(schedulePlan(resolveTrainConfig({ iterations: 1000, schedule: 'scaled', scaledSchedule: { startDivisor: 1 } })).divisorAt(1)).toBe(1);
    expect(() => resolveTrainConfig({ schedule: 'fast' as TrainConfig['schedule'] })).toThrow(/schedule must be reference or scaled/);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { densifyUntil: 2 } })).toThrow(/densifyUntil must be a fraction/);
    expect(() => resolveTrainConfig({ schedule: 'scaled', scaledSchedule: { nope: 1 } as never })).toThrow(/unknown option 'nope'/);
  });

  it('coarse sizes keep the shorter side at least minSide; scaled intrinsics map pixel areas', () => {
    expect(coarseSize(342, 193, 4, 64)).toEqual({ width: 113, height: 64 }); // divisor capped at 193 / 64
    expect(coarseSize(342, 193, 2, 64)).toEqual({ width: 171, height: 97 });
    expect(coarseSize(342, 193, 1.001, 64)).toEqual({ width: 342, height: 193 });
    expect(coarseSize(50, 40, 4, 64)).toEqual({ width: 50, height: 40 });
    const cam = { width: 342, height: 193, fx: 300, fy: 310, cx: 170, cy: 97, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };
    const small = scaledCamera(cam, 171, 97);
    // A point at full-size pixel (u, v) lands at (u * 171 / 342, v * 97 / 193) in the small image.
    const [x, y, z] = [0.3, -0.2, 2];
    expect(small.fx * (x / z) + small.cx).toBeCloseTo(((cam.fx * x) / z + cam.cx) * (171 / 342), 12);
    expect(small.fy * (y / z) + small.cy).toBeCloseTo(((cam.fy * y) / z + cam.cy) * (97 / 193), 12);
  });
});

describe('Trainer with the scaled schedule', () => {
  it('a coarse step trains on the downsampled target with scaled intrinsics', async () => {
    const device = await getTestDevice();
    const ds = await smallBuddha(8);
    const init = initFromPoints(ds.points, { shDegree: 0 });
    const config: Partial<TrainConfig> = { iterations: 10, seed: 4, shDegree: 0, schedule: 'scaled', scaledSchedule: { minSide: 8, startDivisor: 3 } };
    const trainer = new Trainer(device, ds, init, config);
    const info = await trainer.step();
    trainer.destroy();
    const view = ds.train[new ViewSampler(ds.train.length, 4).next()];
    const { width, height } = view.camera;
    const small = coarseSize(width, height, 3, 8);
    expect(small).toEqual({ width: 29, height: 16 });
    const dr = new DifferentiableRenderer(device);
    const want = await dr.run(init, scaledCamera(view.camera, small.width, small.height), resizeImage(view.image, width, height, small.width, small.height), { shDegree: 0 });
    const full = await dr.run(init, view.camera, view.image, { shDegree: 0 });
    dr.destroy();
    // The GPU downsample and resizeImage agree to 1.5e-7 per pixel (downsample.test.ts); the
    // losses differed by 6.0e-8 (one f32 ulp of 0.41); 10x. The full-size loss differs by 0.026.
    expect(Math.abs(info.loss - want.loss)).toBeLessThan(6e-7);
    expect(Math.abs(full.loss - want.loss)).toBeGreaterThan(1e-3);
  });

  it('two runs with one seed give the same bits; a checkpoint taken at a coarse step resumes bit for bit', async () => {
    const device = await getTestDevice();
    const dataset = await smallBuddha();
    const identity = datasetIdentity('buddha13-small', dataset);
    // 43x24 images from 1/3 size (shorter side >= 8) to full size at step 6; densification at 4 and 6.
    const config: Partial<TrainConfig> = { iterations: 8, seed: 3, shDegree: 1, schedule: 'scaled', scaledSchedule: { minSide: 8, startDivisor: 3, fullResolutionAt: 0.75, densifyFrom: 0.25, minDensifyEvery: 2, densifyUntil: 1 } };
    const run = async (checkpointAt?: number) => {
      const t = new Trainer(device, dataset, initFromPoints(dataset.points, { shDegree: 1 }), config);
      let saved: Uint8Array | undefined;
      const counts: number[] = [];
      while (!t.done) {
        counts.push((await t.step()).splats);
        if (t.iteration === checkpointAt) saved = encodeCheckpoint({ config: t.config, dataset: identity, state: await t.captureState() });
      }
      const scene = await t.exportScene();
      t.destroy();
      return { scene, saved, counts };
    };
    const a = await run(3);
    expect(a.counts.some((n) => n !== a.counts[0]), 'densification changed the count').toBe(true);
    const b = await run();
    expect(firstDifference(a.scene, b.scene)).toBeUndefined();

    const c = decodeCheckpoint(a.saved!, 'coarse.ckpt');
    expect(c.config.schedule).toBe('scaled');
    const r = new Trainer(device, dataset, checkpointScene(c), c.config);
    r.restoreState(c.state);
    expect(r.plan.divisorAt(r.iteration + 1)).toBeGreaterThan(1); // it resumes inside the coarse phase
    while (!r.done) await r.step();
    const resumed = await r.exportScene();
    r.destroy();
    expect(firstDifference(resumed, a.scene)).toBeUndefined();
    // Longer: the whole scaled schedule moves, and the resume says so.
    expect(checkSettings(c, resolveTrainConfig({ ...c.config, iterations: 16 }), 'coarse.ckpt')[0]).toMatch(/scaled schedule .* now spans 16 iterations \(saved run: 8\)/);
  });
});
