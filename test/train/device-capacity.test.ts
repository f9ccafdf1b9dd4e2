/**
 * What one device holds: every per-splat buffer is one storage binding, so a run's splat counts
 * are bounded by min(maxStorageBufferBindingSize, maxBufferSize) over the widest row. On a device
 * with WebGPU's default 128 MiB bindings (a small GPU's), training 400,000 SH-3 splats must not
 * double its buffers past the binding limit (800,000 rows would be 153.6 MB), an MCMC budget
 * past the capacity is refused before any allocation, and ADC's max splats stops at it.
 */
import { describe, expect, it } from 'vitest';
import { splatCapacity, splatRowBytes } from '../../src/render/splat-capacity';
import { fitPlanToDevice } from '../../src/train/device-fit';
import { schedulePlan } from '../../src/train/schedule';
import { resolveTrainConfig } from '../../src/train/config';
import { resolveDensityConfig } from '../../src/train/density-control';
import { initFromPoints } from '../../src/train/init';
import { Trainer } from '../../src/train/trainer';
import { SplatState } from '../../src/train/splat-state';
import { paddedScene, smallLimitsDevice, wideSplats } from '../helpers/capacity';
import { DifferentiableRenderer } from '../../src/train/differentiable-renderer';
import { GaussianBuffers } from '../../src/render/gaussian-buffers';
import { lookAtCamera } from '../../src/io/camera';
import { smallBuddha } from '../helpers/small-buddha';

const MIB128 = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 28 };

describe('splat capacity of a device', () => {
  it('is the binding limit over the widest per-splat row', () => {
    expect(splatRowBytes(3)).toBe(192); // 16 coefficients x RGB x f32
    expect(splatRowBytes(0)).toBe(64); // the viewer's SplatQuad is wider than 3 floats
    expect(splatCapacity(MIB128, 3)).toBe(699_050);
    expect(splatCapacity(MIB128, 0)).toBe(2_097_152);
    expect(splatCapacity({ maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 27 }, 3)).toBe(699_050);
  });

  it('caps ADC at the capacity and refuses an MCMC budget or peak past it', () => {
    const plan = (c: object) => schedulePlan(resolveTrainConfig(c));
    expect(resolveDensityConfig(fitPlanToDevice(plan({}), 'adc', MIB128, 3).density).maxSplats).toBe(699_050);
    expect(resolveDensityConfig(fitPlanToDevice(plan({ density: { maxSplats: 5000 } }), 'adc', MIB128, 3).density).maxSplats).toBe(5000);
    expect(() => fitPlanToDevice(plan({ strategy: 'mcmc', mcmc: { splats: 800_000 } }), 'mcmc', MIB128, 3)).toThrow(
      /MCMC budget \(--splats\) of 800,000 splats does not fit: this GPU holds at most 699,050 splats at SH degree 3 \(192 bytes a splat in one buffer; its storage buffer limit is 128 MiB\)/,
    );
    expect(() => fitPlanToDevice(plan({ strategy: 'mcmc', mcmc: { splats: 600_000, peak: 700_000 } }), 'mcmc', MIB128, 3)).toThrow(/MCMC peak \(--mcmc-peak\) of 700,000 splats/);
    const fits = fitPlanToDevice(plan({ strategy: 'mcmc', mcmc: { splats: 600_000, peak: 699_050 } }), 'mcmc', MIB128, 3);
    expect(fits.mcmc.peak).toBe(699_050);
    expect(splatCapacity(MIB128, 1)).toBe(2_097_152); // 4 coefficients: 48 B, the quad's 64 B rule
  });
});

describe('training on a device with 128 MiB storage bindings', () => {
  it('keeps every buffer bindable, refuses what cannot fit, and steps', async () => {
    const { device, errors } = await smallLimitsDevice();
    expect(device.limits.maxStorageBufferBindingSize).toBe(2 ** 27);
    const ds = await smallBuddha();
    const scene = paddedScene(initFromPoints(ds.points, { shDegree: 3 }), 400_000);
    expect(() => new Trainer(device, ds, scene, { iterations: 10, strategy: 'mcmc', mcmc: { splats: 800_000 } })).toThrow(/at most 699,050 splats/);
    const trainer = new Trainer(device, ds, scene, { iterations: 10, seed: 3 });
    // 2 x 400,000 rows of 192 B would be over the binding limit: doubling stops at the capacity.
    expect(trainer.state.capacity).toBe(699_050);
    const info = await trainer.step();
    expect(Number.isFinite(info.loss)).toBe(true);
    expect(trainer.diverged).toBeUndefined();
    trainer.destroy();

    const state = new SplatState(device, 3, 1000);
    expect(() => state.grow(699_051, 1000)).toThrow(/SplatState: 699,051 splats do not fit: this GPU holds at most 699,050 splats at SH degree 3/);
    state.grow(650_000, 1000);
    expect(state.capacity).toBe(699_050);
    await device.queue.onSubmittedWorkDone();
    expect(errors).toEqual([]);
    device.destroy();
  }, 300_000);
});

describe('a training view on a device with 128 MiB storage bindings', () => {
  it('stops at the intersections whose 4 partial-gradient copies fit, naming the limit', async () => {
    const { device, errors } = await smallLimitsDevice();
    // The CPU shape's backward keeps 4 copies of a 48-byte partial per intersection: 192 bytes,
    // so 2^27 / 192 = 699,050 intersections, not the tile records' 2,796,202.
    const diff = new DifferentiableRenderer(device, { partialSum: 'copies' });
    expect(diff.backward.perIntersectionBytes()).toBe(192);
    expect(diff.forward.maxCapacity).toBe(699_050);
    // 700 splats as wide as a 512 x 512 view, each on its 1,024 tiles: 716,800 intersections.
    const scene = wideSplats(700);
    const g = GaussianBuffers.upload(device, scene);
    const cam = lookAtCamera([0, 0, -4], [0, 0, 0], [0, -1, 0], 512, 512, 256);
    const target = new Float32Array(512 * 512 * 4);
    await expect(diff.step(g, cam, target, { shDegree: 0, splatScale: 1, background: [0, 0, 0] })).rejects.toThrow(
      /this view needs 716800 tile intersections, more than this adapter's storage binding limit holds \(699050\)/,
    );
    g.destroy();
    await device.queue.onSubmittedWorkDone();
    expect(errors).toEqual([]);
    device.destroy();
  }, 300_000);
});
