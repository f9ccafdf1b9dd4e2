import { describe, expect, it } from 'vitest';
import { columnEnvelope, finiteExtent, niceRange } from '../../../src/app/train/chart-scale';
import { rng } from '../../helpers/compare';

describe('niceRange', () => {
  it('covers the data with round ends and a 1/2/5 x 10^k step', () => {
    const random = rng(7);
    for (let trial = 0; trial < 500; trial++) {
      const scale = 10 ** Math.floor(random() * 12 - 6);
      const a = (random() - 0.5) * 100 * scale;
      const b = a + random() * 50 * scale;
      const r = niceRange(a, b, 4);
      expect(r.lo).toBeLessThanOrEqual(a);
      expect(r.hi).toBeGreaterThanOrEqual(b);
      const mantissa = r.step / 10 ** Math.floor(Math.log10(r.step) + 1e-9);
      expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
      // Round ends: whole multiples of the step (relative tolerance for float division).
      expect(Math.abs(r.lo / r.step - Math.round(r.lo / r.step))).toBeLessThan(1e-6);
      // Not absurdly loose: at most ticks + 2 steps for ticks = 4.
      expect((r.hi - r.lo) / r.step).toBeLessThanOrEqual(6 + 1e-9);
    }
  });

  it('gives a flat series a range around its value, and no data a unit range', () => {
    const r = niceRange(21.5, 21.5);
    expect(r.lo).toBeLessThan(21.5);
    expect(r.hi).toBeGreaterThan(21.5);
    expect(niceRange(NaN, NaN)).toEqual({ lo: 0, hi: 1, step: 0.25 });
    expect(niceRange(5, 1).lo).toBeLessThanOrEqual(1); // swapped ends
  });
});

describe('finiteExtent', () => {
  it('skips NaN and infinities', () => {
    expect(finiteExtent([3, NaN, -2, Infinity, 7, -Infinity])).toEqual([-2, 7]);
    expect(finiteExtent([NaN])).toEqual([NaN, NaN]);
    expect(finiteExtent([])).toEqual([NaN, NaN]);
  });
});

describe('columnEnvelope', () => {
  it('matches a brute-force per-column min/max', () => {
    const random = rng(3);
    const n = 5000;
    const x = Array.from({ length: n }, (_, i) => i + 1);
    const y = x.map(() => (random() < 0.01 ? NaN : random() * 10));
    const column = (v: number) => (v / n) * 200;
    const env = columnEnvelope(x, y, column);
    const want = new Map<number, [number, number]>();
    x.forEach((xi, i) => {
      if (!Number.isFinite(y[i])) return;
      const c = Math.round(column(xi));
      const cur = want.get(c);
      want.set(c, cur ? [Math.min(cur[0], y[i]), Math.max(cur[1], y[i])] : [y[i], y[i]]);
    });
    expect(env.length).toBe(want.size);
    for (const e of env) expect([e.min, e.max]).toEqual(want.get(e.column));
    expect(env.length).toBeLessThanOrEqual(201); // one entry per pixel column, not per step
  });
});
