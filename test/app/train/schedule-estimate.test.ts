/**
 * The Train panel and the schedule: the scaled schedule is the panel's default and leaves the
 * densification window to it, settings saved before the schedule existed train with the
 * reference schedule, and estimates count coarse steps by their share of the pixels.
 */
import { describe, expect, it } from 'vitest';
import { defaultTrainSettings, trainConfigOf } from '../../../src/app/train/train-panel';
import { autoMcmcSplats } from '../../../src/train/mcmc-config';
import { fullSizeRate, fullSizeSteps } from '../../../src/app/train/schedule-estimate';
import { SAMPLE_PHOTOS } from '../../../src/app/train/sample';

describe('Train panel schedule', () => {
  it('defaults to the scaled schedule; old settings keep the reference one and its densify-until', () => {
    const s = defaultTrainSettings();
    expect(s.schedule).toBe('scaled');
    const c = trainConfigOf(s);
    expect(c.schedule).toBe('scaled');
    expect(c.density).not.toHaveProperty('densifyUntil');
    const old = trainConfigOf({ ...s, schedule: undefined });
    expect(old.schedule).toBe('reference');
    expect(old.density).toMatchObject({ densifyUntil: s.densifyUntil });
  });

  it('the quick preview trains with MCMC at the automatic budget; settings saved without a strategy keep ADC', () => {
    const s = defaultTrainSettings();
    expect([s.preset, s.strategy, s.splats]).toEqual(['quick', 'mcmc', 0]);
    // Resolved when the run starts (train-app.ts): 3x the sample's 21,402 SfM points.
    expect(autoMcmcSplats(21_402, s.maxSplats)).toBe(64_206);
    expect(autoMcmcSplats(21_402, 50_000)).toBe(50_000); // never past max splats
    expect(autoMcmcSplats(800, s.maxSplats)).toBe(10_000); // a floor for sparse SfM models
    expect(trainConfigOf({ ...s, splats: 64_206 })).toMatchObject({ strategy: 'mcmc', mcmc: { splats: 64_206 } });
    expect(trainConfigOf({ ...s, strategy: undefined })).not.toHaveProperty('strategy');
    expect(trainConfigOf({ ...s, strategy: 'mcmc', splats: undefined, spread: undefined, peak: undefined }).mcmc).toEqual({ splats: 300_000 }); // saved by an older version
  });

  it("passes the MCMC spread to the trainer: 1 by default, the schedule's default for settings saved without it", () => {
    const s = defaultTrainSettings();
    expect(s.spread).toBe(1);
    expect(trainConfigOf({ ...s, splats: 64_206, spread: 2, peak: undefined }).mcmc).toEqual({ splats: 64_206, spread: 2 });
    expect(trainConfigOf({ ...s, splats: 64_206, peak: undefined }).mcmc).toEqual({ splats: 64_206, spread: 1 });
    expect(trainConfigOf({ ...s, splats: 64_206, spread: undefined, peak: undefined }).mcmc).toEqual({ splats: 64_206 });
    expect(trainConfigOf({ ...s, strategy: 'adc', spread: 2 })).not.toHaveProperty('mcmc');
  });

  it('passes the MCMC peak to the trainer: automatic by default (resolved when a run starts), none for settings saved without it', () => {
    const s = defaultTrainSettings();
    expect(s.peak).toBe(0);
    expect(trainConfigOf({ ...s, splats: 20_000, peak: 64_206 }).mcmc).toEqual({ splats: 20_000, spread: 1, peak: 64_206 });
    expect(trainConfigOf({ ...s, splats: 20_000, peak: undefined }).mcmc).not.toHaveProperty('peak');
    expect(trainConfigOf({ ...s, strategy: 'adc', peak: 64_206 })).not.toHaveProperty('mcmc');
  });

  it("passes the dropout slider's rate to the trainer; off by default and for settings saved without it", () => {
    const s = defaultTrainSettings();
    expect(s.dropout).toBe(0);
    expect(trainConfigOf(s)).not.toHaveProperty('dropout');
    expect(trainConfigOf({ ...s, dropout: undefined })).not.toHaveProperty('dropout');
    expect(trainConfigOf({ ...s, dropout: 0.1 }).dropout).toBe(0.1);
  });

  it('estimates a scaled run as fewer full-size steps', () => {
    const s = { ...defaultTrainSettings(), iterations: 1000, resolution: 2 };
    expect(fullSizeSteps({ ...s, schedule: 'reference' }, SAMPLE_PHOTOS)).toBe(1000);
    // 342x193 training images: the divisor falls from 4 (capped at 193 / 64 = 3.02 by the 64 px
    // shorter side) to 1 over the first 500 steps. Independent estimate from 1 / divisor^2
    // without rounding the sizes; the rounded sizes differ by under 1%.
    let want = 500;
    for (let it = 1; it < 500; it++) want += 1 / Math.min(4 ** (1 - (it - 1) / 500), 193 / 64) ** 2;
    const got = fullSizeSteps({ ...s, schedule: 'scaled' }, SAMPLE_PHOTOS);
    expect(Math.abs(got / want - 1)).toBeLessThan(0.01);
    expect(got).toBeLessThan(750);
    expect(fullSizeRate({ fullSizeFrom: 1 }, 2)).toBe(true);
    expect(fullSizeRate({ fullSizeFrom: 500 }, 540)).toBe(false);
    expect(fullSizeRate({ fullSizeFrom: 500 }, 550)).toBe(true);
  });
});
