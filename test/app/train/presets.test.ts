import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateSeconds, estimateText, PRESETS, presetOf, StepCostMeter, stepCost, stepPixels } from '../../../src/app/train/presets';
import { TrainProgress } from '../../../src/app/train/progress';
import { SAMPLE_PHOTOS } from '../../../src/app/train/sample';
import { readCamerasBin } from '../../../src/io/colmap/binary-reader';

describe('training presets', () => {
  it('go from a quick preview to the reference schedule, densification ending before the last step', () => {
    expect(PRESETS.full).toMatchObject({ iterations: 30_000, resolution: 0, densifyUntil: 15_000 });
    for (const p of Object.values(PRESETS)) expect(p.densifyUntil).toBeLessThan(p.iterations);
    expect(PRESETS.quick.iterations).toBeLessThan(PRESETS.balanced.iterations);
    // MCMC where it was measured ahead (the quick preview's shape); ADC for the long runs.
    expect(Object.values(PRESETS).map((p) => p.strategy)).toEqual(['mcmc', 'adc', 'adc']);
  });

  it('are recognised from the settings, anything else is custom', () => {
    expect(presetOf({ iterations: 7_000, resolution: 2, densifyUntil: 5_000 })).toBe('balanced');
    expect(presetOf({ iterations: 7_001, resolution: 2, densifyUntil: 5_000 })).toBe('custom');
  });

  it('estimate from the measured cost per megapixel-step, scaled to the image size of each preset', () => {
    // 684x385 photos; at 1/4 that is 171x96 = 16,416 pixels per step.
    expect(stepPixels(SAMPLE_PHOTOS, 4)).toBe(171 * 96);
    expect(stepPixels(SAMPLE_PHOTOS, 0)).toBe(684 * 385); // under 1600 px: full size
    expect(stepPixels({ width: 3200, height: 1800 }, 0)).toBe(1600 * 900);
    // Measured: 10 steps/s at 171x96 pixels.
    const cost = stepCost(10, 171 * 96);
    expect(estimateSeconds(2_000, 171 * 96, cost)).toBeCloseTo(200, 9);
    expect(estimateSeconds(30_000, 684 * 385, cost)).toBeCloseTo((30_000 / 10) * ((684 * 385) / (171 * 96)), 6);
    expect(estimateSeconds(100, 1000, undefined)).toBeNaN();
    expect(estimateText(200)).toBe('about 3m20s');
    expect(estimateText(NaN)).toBe('time not measured yet');
  });

  it('know the embedded sample photos (estimates before it is loaded)', () => {
    const cams = readCamerasBin(new Uint8Array(readFileSync('scenes/buddha13/sparse/0/cameras.bin')), 'cameras.bin');
    expect(cams.map((c) => [c.width, c.height])).toEqual([[SAMPLE_PHOTOS.width, SAMPLE_PHOTOS.height]]);
  });

  it('measure the step cost only past the first steps of a run', () => {
    const meter = new StepCostMeter(); // no localStorage in Node: nothing remembered
    expect(meter.estimate(PRESETS.quick, SAMPLE_PHOTOS)).toBe('time not measured yet');
    const p = new TrainProgress(1000);
    p.resume(0, 0);
    const pixels = stepPixels(SAMPLE_PHOTOS, 4);
    const changedAt: number[] = [];
    for (let i = 1; i <= 40; i++) {
      p.record({ iteration: i, loss: 0.1, psnr: 20, splats: 100 }, i * 100); // 10 steps/s
      if (meter.measure(p, pixels)) changedAt.push(i);
    }
    // Trusted from 20 steps after the first, remembered about once per second of steps.
    expect(changedAt).toEqual([30, 40]);
    expect(meter.estimate(PRESETS.quick, SAMPLE_PHOTOS)).toBe('about 3m20s'); // 2,000 steps at 10/s
  });
});
