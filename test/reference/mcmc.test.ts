/**
 * The MCMC reference (src/reference/mcmc.ts) and schedule (src/train/mcmc-config.ts) on the CPU:
 * the relocation update preserves what it claims to (checked by numerical integration, not by the
 * formula), draws follow the weights, relocation and growth move rows with zeroed moments, the
 * regulariser's gradient matches finite differences, and the growth schedule ends at the budget.
 */
import { describe, expect, it } from 'vitest';
import { HOST_GROUPS, type HostSplats, emptyHost, hostWidth } from '../../src/reference/densify';
import { sigmoid } from '../../src/reference/math';
import {
  binomial,
  drawSources,
  mcmcAdd,
  mcmcKey,
  mcmcRegularizer,
  mcmcRelocate,
  mcmcWeightBits,
  mulHi32,
  relocatedSplat,
  relocationDenominator,
} from '../../src/reference/mcmc';
import { DEFAULT_MCMC, type McmcConfig, autoMcmcPeak, mcmcGrowthCap, mcmcGrowthTarget, mcmcInitialScene, mcmcPruneIteration, mcmcRefineDue, mcmcRefinesLeft, resolveMcmcConfig } from '../../src/train/mcmc-config';
import { emptyScene } from '../../src/io/scene';
import { rng } from '../helpers/compare';

/** Simpson's rule on [a, b] with `n` (even) intervals. */
function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

function randomHost(n: number, seed: number, deadFraction: number): HostSplats {
  const r = rng(seed);
  const K = 4;
  const h = emptyHost(n, K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) h.params.means[i * 3 + k] = Math.fround(r() * 4 - 2);
    for (let k = 0; k < 3; k++) h.params.logScales[i * 3 + k] = Math.fround(-4 + 2 * r());
    for (let k = 0; k < 4; k++) h.params.quats[i * 4 + k] = Math.fround(r() * 2 - 1);
    h.params.opacityLogits[i] = Math.fround(r() < deadFraction ? -6 - r() : r() * 8 - 4);
    for (let k = 0; k < K * 3; k++) h.params.sh[i * K * 3 + k] = Math.fround(r() - 0.5);
    for (const g of HOST_GROUPS) {
      const w = hostWidth(g, K);
      for (let k = 0; k < w; k++) {
        h.m[g][i * w + k] = Math.fround(r() - 0.5);
        h.v[g][i * w + k] = Math.fround(r());
      }
    }
  }
  return h;
}

describe('relocation update (3DGS-MCMC eq. 9)', () => {
  it('n copies composite to the original opacity and the original 1D footprint integral', () => {
    // For n identical copies of opacity o' and scale s', the composited alpha along an axis is
    // 1 - (1 - o' G(x / s'))^n; the update makes its integral equal o * integral G(x / s).
    const r = rng(3);
    let worst = 0;
    for (let trial = 0; trial < 40; trial++) {
      const o = 0.02 + 0.96 * r();
      const n = 1 + Math.floor(r() * 8);
      const s = Math.exp(r() * 2 - 1);
      const logit = Math.log(o / (1 - o));
      const u = relocatedSplat(logit, [Math.log(s), 0, 0], n, 0.005);
      const o2 = sigmoid(u.logit);
      const s2 = Math.exp(u.logScales[0]);
      expect(Math.abs(1 - (1 - o2) ** n - o)).toBeLessThan(1e-12);
      const composite = simpson((x) => 1 - (1 - o2 * Math.exp(-(x * x) / (2 * s2 * s2))) ** n, -12 * s, 12 * s, 4000);
      const original = o * s * Math.sqrt(2 * Math.PI);
      worst = Math.max(worst, Math.abs(composite / original - 1));
    }
    // Simpson on a smooth integrand with 4000 intervals: measured 2.2e-15 relative; 10x.
    expect(worst).toBeLessThan(2.2e-14);
  });

  it('one copy is the identity; the double sum equals the hockey-stick single sum; clamps', () => {
    const u = relocatedSplat(0.7, [-1, -2, -3], 1, 0.005);
    expect(u.logit).toBeCloseTo(0.7, 12);
    u.logScales.forEach((v, k) => expect(v).toBeCloseTo(-1 - k, 12));
    for (const [o, n] of [[0.3, 5], [0.9, 12], [0.05, 51]] as const) {
      let single = 0;
      for (let j = 1; j <= n; j++) single += (binomial(n, j) * (j % 2 ? 1 : -1) * o ** j) / Math.sqrt(j);
      expect(Math.abs(relocationDenominator(o, n) / single - 1)).toBeLessThan(1e-9);
    }
    // A copy never goes below minOpacity, and ratios above 51 count as 51.
    expect(sigmoid(relocatedSplat(-5, [0, 0, 0], 40, 0.005).logit)).toBeCloseTo(0.005, 12);
    expect(relocatedSplat(1, [0, 0, 0], 80, 0.005)).toEqual(relocatedSplat(1, [0, 0, 0], 51, 0.005));
    expect(binomial(50, 25)).toBe(126410606437752);
  });
});

describe('draws', () => {
  it('mulHi32 is floor(a b / 2^32); weight bits keep the sums below 2^31', () => {
    expect(mulHi32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
    expect(mulHi32(0x80000000, 6)).toBe(3);
    expect(mulHi32(123456789, 987654321)).toBe(Math.floor((123456789 * 987654321) / 2 ** 32));
    for (const n of [1, 2, 3, 1000, 32768, 32769, 1_000_000, 2 ** 30]) {
      const b = mcmcWeightBits(n);
      expect(n * 2 ** b).toBeLessThanOrEqual(2 ** 31);
      expect(b === 16 || n * 2 ** (b + 1) > 2 ** 31).toBe(true);
    }
  });

  it('rows are drawn in proportion to their weights, never with weight 0', () => {
    const draws = drawSources([1, 0, 3, 0, 4], 80_000, mcmcKey(5, 700, 1));
    const freq = [0, 1, 2, 3, 4].map((i) => draws.filter((d) => d === i).length / draws.length);
    expect(freq[1]).toBe(0);
    expect(freq[3]).toBe(0);
    // Binomial standard deviation at p = 0.5, 80,000 draws: 0.0018; 4 sigma.
    [1 / 8, 0, 3 / 8, 0, 4 / 8].forEach((p, i) => expect(Math.abs(freq[i] - p)).toBeLessThan(0.007));
    expect(drawSources([0, 0], 5, 1)).toEqual([]);
  });
});

describe('relocation and growth rounds', () => {
  it('relocation revives every dead splat as a copy of a live one; moments of copies and sources are zero', () => {
    const s = randomHost(300, 11, 0.3);
    const o = { seed: 4, iteration: 600, minOpacity: 0.005 };
    const { splats: out, copies, sources } = mcmcRelocate(s, o);
    const dead = Array.from({ length: 300 }, (_, i) => i).filter((i) => sigmoid(s.params.opacityLogits[i]) <= 0.005);
    expect(copies).toBe(dead.length);
    expect(dead.length).toBeGreaterThan(50);
    expect(out.count).toBe(300);
    for (let i = 0; i < 300; i++) expect(sigmoid(out.params.opacityLogits[i])).toBeGreaterThanOrEqual(0.005 - 1e-15);
    const drawn = new Set(sources);
    dead.forEach((d, j) => {
      const src = sources[j];
      expect(drawn.has(d)).toBe(false);
      expect(Array.from(out.params.means.subarray(d * 3, d * 3 + 3))).toEqual(Array.from(s.params.means.subarray(src * 3, src * 3 + 3)));
      expect(out.params.opacityLogits[d]).toBe(out.params.opacityLogits[src]);
    });
    for (let i = 0; i < 300; i++) {
      const touched = drawn.has(i) || dead.includes(i);
      for (const g of HOST_GROUPS) {
        const w = hostWidth(g, 4);
        const mRow = Array.from(out.m[g].subarray(i * w, (i + 1) * w));
        if (touched) expect(mRow.every((x) => x === 0)).toBe(true);
        else expect(mRow).toEqual(Array.from(s.m[g].subarray(i * w, (i + 1) * w)));
      }
    }
    // Same seed and iteration: the same draws; another iteration: others.
    expect(mcmcRelocate(s, o).sources).toEqual(sources);
    expect(mcmcRelocate(s, { ...o, iteration: 700 }).sources).not.toEqual(sources);
  });

  it('growth appends copies drawn by opacity and keeps the drawn sources and copies identical', () => {
    const s = randomHost(200, 12, 0);
    const { splats: out, sources } = mcmcAdd(s, 37, { seed: 1, iteration: 900, minOpacity: 0.005 });
    expect(out.count).toBe(237);
    sources.forEach((src, j) => {
      for (const g of HOST_GROUPS) {
        const w = hostWidth(g, 4);
        expect(Array.from(out.params[g].subarray((200 + j) * w, (201 + j) * w))).toEqual(Array.from(out.params[g].subarray(src * w, (src + 1) * w)));
      }
    });
    // Opaque splats are drawn far more often than faint ones.
    const mean = (rows: number[]) => rows.reduce((t, i) => t + sigmoid(s.params.opacityLogits[i]), 0) / rows.length;
    expect(mean(sources)).toBeGreaterThan(mean(Array.from({ length: 200 }, (_, i) => i)) + 0.1);
  });
});

describe('regulariser', () => {
  it('the gradient of lambda_o mean(o) + lambda_s mean(exp(s)) matches central differences', () => {
    const r = rng(8);
    const n = 17;
    const logits = Float64Array.from({ length: n }, () => r() * 8 - 4);
    const logScales = Float64Array.from({ length: 3 * n }, () => r() * 4 - 5);
    const g = mcmcRegularizer(logits, logScales, n, 0.01, 0.02);
    const h = 1e-5;
    let worst = 0;
    const check = (a: Float64Array, grad: Float64Array) => {
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        a[i] = x + h;
        const up = mcmcRegularizer(logits, logScales, n, 0.01, 0.02).loss;
        a[i] = x - h;
        const down = mcmcRegularizer(logits, logScales, n, 0.01, 0.02).loss;
        a[i] = x;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - grad[i]) / Math.max(Math.abs(grad[i]), 1e-12));
      }
    };
    check(logits, g.vOpacityLogits);
    check(logScales, g.vLogScales);
    // Central differences at h = 1e-5 on exp/sigmoid: measured 2.9e-9 relative; 10x.
    expect(worst).toBeLessThan(2.9e-8);
  });
});

describe('MCMC schedule', () => {
  const c: McmcConfig = { ...DEFAULT_MCMC, splats: 60_000 };

  it('refines every 100 iterations after 500 and before the end of the run', () => {
    expect([500, 600, 900, 1000, 1100].map((it) => mcmcRefineDue(it, c, 1000))).toEqual([false, true, true, false, false]);
    expect(mcmcRefinesLeft(1, c, 1000)).toBe(4);
    expect(mcmcRefinesLeft(900, c, 1000)).toBe(1);
    expect(mcmcRefinesLeft(901, c, 1000)).toBe(0);
    expect(mcmcRefinesLeft(1, c, 30_000)).toBe(244); // 600, 700, ..., 24,900
  });

  it('grows at least 5% per refinement and reaches the budget exactly at the last one', () => {
    for (const [start, iterations, budget] of [[21_402, 1000, 60_000], [21_402, 30_000, 1_000_000], [1000, 1000, 1003]] as const) {
      const cfg = { ...c, splats: budget };
      let n: number = start;
      // Even growth: no refinement grows by more than the geometric rate of the whole path
      // (or 5%), plus one splat of rounding.
      const rate = Math.max(1.05, (budget / start) ** (1 / mcmcRefinesLeft(1, cfg, iterations)));
      for (let it = 1; it <= iterations; it++) {
        if (!mcmcRefineDue(it, cfg, iterations)) continue;
        const next = mcmcGrowthTarget(n, it, cfg, iterations);
        expect(next).toBeGreaterThanOrEqual(Math.min(budget, Math.floor(n * 1.05)));
        expect(next).toBeLessThanOrEqual(Math.min(budget, Math.ceil(n * rate) + 1));
        n = next;
      }
      expect(n).toBe(budget);
    }
    expect(mcmcGrowthTarget(70_000, 600, c, 1000)).toBe(70_000);
  });

  it('the automatic peak: twice the budget, at least the automatic budget and at most twice it, never past max splats', () => {
    // buddha13's 21,402 SfM points: the automatic budget is 64,206.
    expect(autoMcmcPeak(64_206, 21_402, 3_000_000)).toBe(128_412); // at the automatic budget: twice it
    expect(autoMcmcPeak(10_552, 21_402, 3_000_000)).toBe(64_206); // below it: the automatic budget
    expect(autoMcmcPeak(40_000, 21_402, 3_000_000)).toBe(80_000);
    expect(autoMcmcPeak(100_000, 21_402, 3_000_000)).toBe(128_412); // above it: at most twice the automatic budget
    expect(autoMcmcPeak(128_412, 21_402, 3_000_000)).toBe(0); // ... so a budget that large has no peak
    expect(autoMcmcPeak(1_000_000, 21_402, 3_000_000)).toBe(0); // the CLI's default budget
    expect(autoMcmcPeak(64_206, 21_402, 100_000)).toBe(100_000); // max splats caps it
    expect(autoMcmcPeak(50_000, 21_402, 50_000)).toBe(0); // ... down to the budget: no peak
    expect(autoMcmcPeak(3_000, 800, 3_000_000)).toBe(10_000); // the automatic budget's floor
    expect(autoMcmcPeak(10_000, 800, 3_000_000)).toBe(20_000);
  });

  it('with a peak: grows to the peak by the last refinement before the prune, never past the budget after it', () => {
    const p = resolveMcmcConfig({ splats: 10_000, peak: 64_000, pruneAt: 600, refineFrom: 100, refineUntil: 500, refineEvery: 20 });
    expect(mcmcGrowthCap(p)).toBe(64_000);
    expect(mcmcPruneIteration(p, 1000)).toBe(600);
    expect(mcmcPruneIteration(p, 400)).toBe(400); // a run ending first prunes at its last step
    expect(mcmcPruneIteration({ ...p, peak: 10_000 }, 1000)).toBeUndefined(); // a peak at the budget is none
    expect(mcmcPruneIteration({ ...p, peak: 0 }, 1000)).toBeUndefined();
    expect(mcmcGrowthCap({ ...p, peak: 0 })).toBe(10_000);
    let n = 21_402;
    const counts: number[] = [];
    for (let it = 1; it <= 1000; it++) if (mcmcRefineDue(it, p, 1000)) counts.push((n = mcmcGrowthTarget(n, it, p, 1000)));
    // Refinements at 120, 140, ..., 480: 19, the last reaching the peak.
    expect(counts.length).toBe(19);
    expect(counts[18]).toBe(64_000);
    expect(counts[17]).toBeLessThan(64_000);
    // The refinements left stop at the prune when it comes before the window's end.
    const early = { ...p, pruneAt: 300 };
    expect(mcmcRefinesLeft(1, early, 1000)).toBe(9); // 120, ..., 280
    expect(mcmcGrowthTarget(30_000, 280, early, 1000)).toBe(64_000);
    // From the prune on, the cap is the budget: a pruned run relocates but does not grow.
    expect(mcmcGrowthTarget(10_000, 300, early, 1000)).toBe(10_000);
    expect(mcmcGrowthTarget(9_000, 320, early, 1000)).toBe(10_000);
    expect(() => resolveMcmcConfig({ peak: -1 })).toThrow(/peak must be an integer/);
    expect(() => resolveMcmcConfig({ pruneAt: 0 })).toThrow(/pruneAt must be a positive integer/);
  });

  it('a fresh run starts from at most the budget, at the initial opacity and scale', () => {
    const scene = emptyScene(1000, 0);
    for (let i = 0; i < 1000; i++) scene.means[i * 3] = i;
    const a = mcmcInitialScene(scene, resolveMcmcConfig({ splats: 300 }), 7);
    expect(a.count).toBe(300);
    const kept = Array.from({ length: 300 }, (_, i) => a.means[i * 3]);
    expect(kept).toEqual([...kept].sort((x, y) => x - y));
    expect(new Set(kept).size).toBe(300);
    expect(mcmcInitialScene(scene, resolveMcmcConfig({ splats: 300 }), 7).means).toEqual(a.means);
    expect(Math.abs(sigmoid(a.opacityLogits[5]) - 0.5)).toBeLessThan(1e-7);
    expect(a.logScales[0]).toBeCloseTo(Math.log(0.1), 6);
    expect(mcmcInitialScene(scene, resolveMcmcConfig({ splats: 5000 }), 7).count).toBe(1000);
    // With a peak it starts from at most the peak.
    expect(mcmcInitialScene(scene, resolveMcmcConfig({ splats: 300, peak: 700 }), 7).count).toBe(700);
    expect(mcmcInitialScene(scene, resolveMcmcConfig({ splats: 300, peak: 5000 }), 7).count).toBe(1000);
    expect(() => resolveMcmcConfig({ splats: 0 })).toThrow(/splats/);
    expect(() => resolveMcmcConfig({ bogus: 1 } as Partial<McmcConfig>)).toThrow(/unknown option 'bogus'/);
  });
});
