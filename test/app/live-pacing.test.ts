import { describe, expect, it } from 'vitest';
import { LivePacing } from '../../src/app/live-pacing';

describe('live view pacing while training on a CPU adapter', () => {
  it('draws the first still frame at once, then waits idleFactor times the last frame', () => {
    const p = new LivePacing(3);
    expect(p.mayDraw(0)).toBe(true);
    // A frame of 300 ms done at t = 1000: the next still frame at 1000 + 3 * 300.
    p.drawn(1000, 300);
    expect(p.mayDraw(1000)).toBe(false);
    expect(p.mayDraw(1899)).toBe(false);
    expect(p.mayDraw(1900)).toBe(true);
    // The view's share of the time: 300 / (300 + 900) = 1/4.
    p.drawn(2200, 10);
    expect(p.mayDraw(2229)).toBe(false);
    expect(p.mayDraw(2230)).toBe(true);
  });

  it('waits at most maxWaitMs: a frame queued behind a long training step does not freeze the view', () => {
    const p = new LivePacing(8, 3000);
    // A 2 s "frame" (1.9 s of it a step ahead of it on the queue): 16 s uncapped, 3 s capped.
    p.drawn(10_000, 2000);
    expect(p.mayDraw(12_999)).toBe(false);
    expect(p.mayDraw(13_000)).toBe(true);
    // Below the cap the factor rules: 8 * 200 ms.
    p.drawn(20_000, 200);
    expect(p.mayDraw(21_599)).toBe(false);
    expect(p.mayDraw(21_600)).toBe(true);
    expect(() => new LivePacing(8, -1)).toThrow(/maxWaitMs/);
  });

  it('never waits with idleFactor 0 and rejects a negative one', () => {
    const p = new LivePacing(0);
    p.drawn(50, 400);
    expect(p.mayDraw(50)).toBe(true);
    expect(() => new LivePacing(-1)).toThrow(/idleFactor/);
    expect(() => new LivePacing(Number.NaN)).toThrow(/idleFactor/);
  });

  it('treats a negative frame time (clock skew) as zero', () => {
    const p = new LivePacing(3);
    p.drawn(100, -5);
    expect(p.mayDraw(100)).toBe(true);
  });
});
