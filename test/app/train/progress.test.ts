import { describe, expect, it } from 'vitest';
import { formatDuration, RATE_WINDOW_MS, TrainProgress } from '../../../src/app/train/progress';

const step = (iteration: number, psnr = 20) => ({ iteration, loss: 0.1, psnr, splats: 1000 + iteration });

describe('TrainProgress', () => {
  it('starts a resumed run at its checkpoint step: the ETA covers only the steps left', () => {
    const p = new TrainProgress(1000, 600);
    expect(p.iteration).toBe(600);
    p.resume(0, 600);
    for (let i = 601; i <= 610; i++) p.record(step(i), (i - 600) * 500); // 2 it/s
    expect(p.rate()).toBeCloseTo(2, 12);
    expect(p.eta()).toBeCloseTo(390 / 2, 9);
  });

  it('measures iterations per second over active time and derives the ETA', () => {
    const p = new TrainProgress(1000);
    p.resume(0, 0);
    expect(p.rate()).toBeNaN();
    expect(p.eta()).toBeNaN();
    for (let i = 1; i <= 10; i++) p.record(step(i), i * 250); // 4 it/s
    expect(p.rate()).toBeCloseTo(4, 12);
    expect(p.eta()).toBeCloseTo(990 / 4, 9);
    expect(p.iteration).toBe(10);
    expect(p.samples.map((s) => s.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('leaves paused time out of the rate and the active clock', () => {
    const p = new TrainProgress(100);
    p.resume(0, 0);
    p.record(step(1), 1000);
    p.record(step(2), 2000);
    p.pause(2000);
    expect(p.activeMs(60_000)).toBe(2000);
    p.resume(60_000, 2);
    p.record(step(3), 60_500);
    p.record(step(4), 61_000);
    // Only the stretch after the pause counts: 2 iterations in 1 s, not 4 in 61 s.
    expect(p.rate()).toBeCloseTo(2, 12);
    expect(p.activeMs(61_000)).toBe(3000);
  });

  it('follows a run that slows down: only the last RATE_WINDOW_MS count', () => {
    const p = new TrainProgress(10_000);
    p.resume(0, 0);
    let t = 0;
    for (let i = 1; i <= 200; i++) p.record(step(i), (t += 10)); // 100 it/s for 2 s
    for (let i = 201; i <= 300; i++) p.record(step(i), (t += 500)); // then 2 it/s for 50 s
    // The window holds one mark at or before its start, so it spans between W and W + one step.
    expect(p.rate()).toBeGreaterThan(1.9);
    expect(p.rate()).toBeLessThan(2.2);
    expect(RATE_WINDOW_MS).toBeLessThan(50_000);
  });

  it('keeps held-out evaluations and reports ETA 0 when finished', () => {
    const p = new TrainProgress(2);
    p.resume(0, 0);
    p.recordEval({ iteration: 0, views: 2, psnr: 10, ssim: 0.3, l1: 0.2 });
    p.record(step(1), 100);
    p.record(step(2), 200);
    p.recordEval({ iteration: 2, views: 2, psnr: 12, ssim: 0.4, l1: 0.1 });
    expect(p.heldOut.map((h) => [h.iteration, h.psnr])).toEqual([[0, 10], [2, 12]]);
    expect(p.eta()).toBe(0);
  });

  it('rejects a non-positive total', () => {
    expect(() => new TrainProgress(0)).toThrow(/positive integer/);
    expect(() => new TrainProgress(2.5)).toThrow(/positive integer/);
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours, and unknown as ?', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59.4)).toBe('59s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(3 * 3600 + 7 * 60 + 30)).toBe('3h07m');
    expect(formatDuration(NaN)).toBe('?');
    expect(formatDuration(Infinity)).toBe('?');
    expect(formatDuration(-1)).toBe('?');
  });
});
