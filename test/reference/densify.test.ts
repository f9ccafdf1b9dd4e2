import { describe, expect, it } from 'vitest';
import {
  type DensifyOptions,
  type HostSplats,
  HOST_GROUPS,
  densifyAndPrune,
  emptyHost,
  gaussianOffset,
  hostWidth,
  pcgHash,
  resetOpacity,
  splitNoise,
} from '../../src/reference/densify';
import { rng } from '../helpers/compare';

const E = 2;
const OPTS: DensifyOptions = {
  gradThreshold: 2e-4,
  percentDense: 0.01,
  minOpacity: 0.005,
  maxWorldScale: 0.1,
  worldScalePrune: false,
  splitChildren: 2,
  splitScaleDivisor: 1.6,
  maxSplats: 1e9,
  extent: E,
  seed: 7,
  iteration: 600,
};

interface SplatSpec {
  scale: number; // isotropic-ish max scale
  logit: number;
  grad: number; // mean grad; count 2
}

/** Host state with recognisable values: row i has means (i, 10 i, -i), moments 100 + i / 200 + i. */
function hostOf(specs: SplatSpec[], shCoeffs = 4): { s: HostSplats; stats: Float64Array } {
  const s = emptyHost(specs.length, shCoeffs);
  const stats = new Float64Array(specs.length * 4);
  specs.forEach((sp, i) => {
    s.params.means.set([i, 10 * i, -i], i * 3);
    s.params.logScales.set([Math.log(sp.scale), Math.log(sp.scale * 0.5), Math.log(sp.scale * 0.25)], i * 3);
    s.params.quats.set([1, 0.1 * i, 0.2, -0.3], i * 4);
    s.params.opacityLogits[i] = sp.logit;
    for (let k = 0; k < shCoeffs * 3; k++) s.params.sh[i * shCoeffs * 3 + k] = i + k / 100;
    for (const g of HOST_GROUPS) {
      const w = hostWidth(g, shCoeffs);
      for (let k = 0; k < w; k++) {
        s.m[g][i * w + k] = 100 + i;
        s.v[g][i * w + k] = 200 + i;
      }
    }
    stats.set([sp.grad * 2, 2, 5, 0], i * 4);
  });
  return { s, stats };
}

function rowOf(s: HostSplats, set: 'params' | 'm' | 'v', g: (typeof HOST_GROUPS)[number], r: number): number[] {
  const w = hostWidth(g, s.shCoeffs);
  return Array.from(s[set][g].subarray(r * w, (r + 1) * w));
}

/** Rotates v by the unit quaternion q (wxyz) as q v q*, independently of quatToRotation. */
function rotate(q: number[], v: number[]): number[] {
  const n = Math.hypot(...q);
  const [w, x, y, z] = q.map((c) => c / n);
  // t = 2 (u x v); v' = v + w t + u x t, with u = (x, y, z).
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const t = cross([x, y, z], v).map((c) => 2 * c);
  const ut = cross([x, y, z], t);
  return [0, 1, 2].map((k) => v[k] + w * t[k] + ut[k]);
}

const SMALL = 0.005; // <= 0.01 * E = 0.02: clone
const MEDIUM = 0.05; // split; children 0.031
const LARGE = 0.25; // > 0.1 * E = 0.2; children 0.156 survive the world-size prune
const HUGE = 0.5; // children 0.3125 are pruned by world size too
const HIGH = 3e-4;
const LOW = 1e-4;

describe('pcgHash and splitNoise', () => {
  it('pcgHash matches a BigInt evaluation of the same u32 arithmetic', () => {
    const M = (1n << 32n) - 1n;
    const big = (x: number): number => {
      const state = (BigInt(x) * 747796405n + 2891336453n) & M;
      const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) & M;
      return Number((word >> 22n) ^ word);
    };
    const r = rng(3);
    for (const x of [0, 1, 2, 0xffffffff, 0x80000000, ...Array.from({ length: 200 }, () => Math.floor(r() * 2 ** 32))]) {
      expect(pcgHash(x)).toBe(big(x));
    }
  });

  it('is deterministic, keyed by seed, iteration, splat and child, and N(0, I) over many draws', () => {
    expect(splitNoise(1, 600, 5, 0)).toEqual(splitNoise(1, 600, 5, 0));
    const base = splitNoise(1, 600, 5, 0);
    for (const other of [splitNoise(2, 600, 5, 0), splitNoise(1, 700, 5, 0), splitNoise(1, 600, 6, 0), splitNoise(1, 600, 5, 1)]) {
      expect(other).not.toEqual(base);
    }
    const n = 40_000;
    const sum = [0, 0, 0];
    const cov = new Array<number>(9).fill(0);
    let childCorr = 0;
    for (let i = 0; i < n; i++) {
      const z = splitNoise(9, 1200, i, 0);
      const z1 = splitNoise(9, 1200, i, 1);
      childCorr += z[0] * z1[0];
      for (let a = 0; a < 3; a++) {
        sum[a] += z[a];
        for (let b = 0; b < 3; b++) cov[a * 3 + b] += z[a] * z[b];
      }
    }
    // Sample mean sd 1/sqrt(n) = 0.005; variance sd sqrt(2/n) = 0.007; 5 sd bounds.
    for (let a = 0; a < 3; a++) {
      expect(Math.abs(sum[a] / n)).toBeLessThan(0.025);
      for (let b = 0; b < 3; b++) expect(Math.abs(cov[a * 3 + b] / n - (a === b ? 1 : 0))).toBeLessThan(a === b ? 0.035 : 0.025);
    }
    expect(Math.abs(childCorr / n)).toBeLessThan(0.025);
  });
});

describe('gaussianOffset', () => {
  it('rotates the scaled draw by the normalised quaternion; a zero quaternion is the identity', () => {
    // 90 degrees about z, unnormalised (w = z = 2): x -> y, y -> -x.
    const off = gaussianOffset([2, 0, 0, 2], [Math.log(2), Math.log(3), 0], [1, 1, 1]);
    // Measured error 1.3e-15 (float64 rounding of cos/sin of 90 degrees); tolerance 10x.
    off.forEach((v, k) => expect(Math.abs(v - [-3, 2, 1][k])).toBeLessThan(1.3e-14));
    expect(gaussianOffset([0, 0, 0, 0], [0, Math.log(2), 0], [1, 1, 1])).toEqual([1, 2, 1]);
  });
});

describe('densifyAndPrune (float64 reference)', () => {
  it('clones small high-gradient splats: exact copies after all originals, zero moments', () => {
    const { s, stats } = hostOf([
      { scale: SMALL, logit: 1, grad: HIGH },
      { scale: SMALL, logit: 1, grad: LOW },
      { scale: SMALL, logit: 0, grad: HIGH },
    ]);
    const r = densifyAndPrune(s, stats, OPTS);
    expect([r.cloned, r.split, r.pruned, r.splats.count]).toEqual([2, 0, 0, 5]);
    for (const g of HOST_GROUPS) {
      for (let i = 0; i < 3; i++) {
        expect(rowOf(r.splats, 'params', g, i)).toEqual(rowOf(s, 'params', g, i));
        expect(rowOf(r.splats, 'm', g, i)).toEqual(rowOf(s, 'm', g, i));
        expect(rowOf(r.splats, 'v', g, i)).toEqual(rowOf(s, 'v', g, i));
      }
      // New rows in parent order: copy of row 0, then of row 2.
      expect(rowOf(r.splats, 'params', g, 3)).toEqual(rowOf(s, 'params', g, 0));
      expect(rowOf(r.splats, 'params', g, 4)).toEqual(rowOf(s, 'params', g, 2));
      for (const row of [3, 4]) {
        expect(rowOf(r.splats, 'm', g, row).every((x) => x === 0)).toBe(true);
        expect(rowOf(r.splats, 'v', g, row).every((x) => x === 0)).toBe(true);
      }
    }
  });

  it('splits large splats into children sampled from the parent, scale / 1.6, parent removed', () => {
    const { s, stats } = hostOf([
      { scale: SMALL, logit: 1, grad: LOW },
      { scale: MEDIUM, logit: 2, grad: HIGH },
    ]);
    const r = densifyAndPrune(s, stats, OPTS);
    expect([r.cloned, r.split, r.pruned, r.splats.count]).toEqual([0, 1, 0, 3]);
    expect(rowOf(r.splats, 'params', 'means', 0)).toEqual(rowOf(s, 'params', 'means', 0));
    const mu = rowOf(s, 'params', 'means', 1);
    const ls = rowOf(s, 'params', 'logScales', 1);
    const q = rowOf(s, 'params', 'quats', 1);
    for (let c = 0; c < 2; c++) {
      const row = 1 + c;
      const childLs = rowOf(r.splats, 'params', 'logScales', row);
      for (let k = 0; k < 3; k++) expect(childLs[k]).toBeCloseTo(ls[k] - Math.log(1.6), 12);
      // Child offset = R (s * z): rotating the offset back and dividing by s must give z.
      const z = splitNoise(OPTS.seed, OPTS.iteration, 1, c);
      const off = rowOf(r.splats, 'params', 'means', row).map((x, k) => x - mu[k]);
      const local = rotate([q[0], -q[1], -q[2], -q[3]], off).map((x, k) => x / Math.exp(ls[k]));
      // measured 2.8e-14 (float64 rotation and back); 10x.
      for (let k = 0; k < 3; k++) expect(Math.abs(local[k] - z[k])).toBeLessThan(2.8e-13);
      for (const g of ['quats', 'opacityLogits', 'sh'] as const) expect(rowOf(r.splats, 'params', g, row)).toEqual(rowOf(s, 'params', g, 1));
      for (const g of HOST_GROUPS) for (const set of ['m', 'v'] as const) expect(rowOf(r.splats, set, g, row).every((x) => x === 0)).toBe(true);
    }
    expect(rowOf(r.splats, 'params', 'means', 1)).not.toEqual(rowOf(r.splats, 'params', 'means', 2));
  });

  it('a zero visible count means zero gradient, whatever the sum', () => {
    const { s, stats } = hostOf([{ scale: SMALL, logit: 1, grad: HIGH }]);
    stats[1] = 0;
    const r = densifyAndPrune(s, stats, OPTS);
    expect([r.cloned, r.split, r.splats.count]).toEqual([0, 0, 1]);
  });

  it('prunes by opacity over the grown set, and by world size only when asked', () => {
    const specs: SplatSpec[] = [
      { scale: SMALL, logit: -7, grad: HIGH }, // clone of a transparent splat: both pruned
      { scale: MEDIUM, logit: -7, grad: HIGH }, // split of a transparent splat: children pruned
      { scale: HUGE, logit: 1, grad: LOW }, // too big: pruned only with the world-size prune
      { scale: LARGE, logit: 1, grad: HIGH }, // too big, but its children are not
      { scale: HUGE, logit: 1, grad: HIGH }, // children still too big
      { scale: SMALL, logit: 1, grad: LOW }, // untouched
    ];
    const { s, stats } = hostOf(specs);
    const early = densifyAndPrune(s, stats, OPTS);
    // Grown: 6 - 3 split parents + 1 copy + 6 children = 10; pruned: the two clone rows, two children.
    expect([early.cloned, early.split, early.pruned, early.splats.count]).toEqual([1, 3, 4, 6]);
    expect(rowOf(early.splats, 'params', 'means', 0)).toEqual(rowOf(s, 'params', 'means', 2));
    expect(rowOf(early.splats, 'params', 'means', 1)).toEqual(rowOf(s, 'params', 'means', 5));
    const late = densifyAndPrune(s, stats, { ...OPTS, worldScalePrune: true });
    // Also pruned: row 2 (huge) and the children of row 4.
    expect([late.cloned, late.split, late.pruned, late.splats.count]).toEqual([1, 3, 7, 3]);
    expect(rowOf(late.splats, 'params', 'means', 0)).toEqual(rowOf(s, 'params', 'means', 5));
    expect(rowOf(late.splats, 'params', 'opacityLogits', 1)).toEqual([1]);
    expect(Math.exp(Math.max(...rowOf(late.splats, 'params', 'logScales', 1)))).toBeCloseTo(LARGE / 1.6, 12);
  });

  it('stops growing at the first candidate that does not fit under maxSplats', () => {
    const specs: SplatSpec[] = [
      { scale: SMALL, logit: 1, grad: HIGH }, // +1
      { scale: SMALL, logit: -7, grad: HIGH }, // pruned anyway: growth 0
      { scale: MEDIUM, logit: 1, grad: HIGH }, // +1
      { scale: SMALL, logit: 1, grad: HIGH }, // +1
    ];
    const { s, stats } = hostOf(specs);
    // Surviving untouched: 3. Cap 5: rows 0 and 2 grow (3 -> 5), row 1's copy is made and pruned
    // with it (counted as a clone, as the reference does); row 3 would make 6.
    const r = densifyAndPrune(s, stats, { ...OPTS, maxSplats: 5 });
    expect([r.cloned, r.split, r.pruned, r.splats.count]).toEqual([2, 1, 2, 5]);
    expect(rowOf(r.splats, 'params', 'means', 1)).toEqual(rowOf(s, 'params', 'means', 3)); // refused clone kept as is
    // A cap below the current count stops all growth but never prunes to meet it.
    const none = densifyAndPrune(s, stats, { ...OPTS, maxSplats: 1 });
    expect([none.cloned, none.split, none.pruned, none.splats.count]).toEqual([0, 0, 1, 3]);
    // One row of room: the first clone takes it; the split and the later clone are refused.
    const one = densifyAndPrune(s, stats, { ...OPTS, maxSplats: 4 });
    expect([one.cloned, one.split, one.splats.count]).toEqual([2, 0, 4]);
    expect(rowOf(one.splats, 'params', 'means', 1)).toEqual(rowOf(s, 'params', 'means', 2)); // refused split kept
  });
});

describe('resetOpacity (float64 reference)', () => {
  it('clamps opacities above the reset value and zeroes only the opacity moments', () => {
    const { s } = hostOf([
      { scale: SMALL, logit: 3, grad: LOW },
      { scale: SMALL, logit: -6, grad: LOW },
    ]);
    const r = resetOpacity(s, 0.01);
    expect(r.params.opacityLogits[0]).toBeCloseTo(Math.log(0.01 / 0.99), 14);
    expect(1 / (1 + Math.exp(-r.params.opacityLogits[0]))).toBeCloseTo(0.01, 14);
    expect(r.params.opacityLogits[1]).toBe(-6);
    expect(Array.from(r.m.opacityLogits)).toEqual([0, 0]);
    expect(Array.from(r.v.opacityLogits)).toEqual([0, 0]);
    expect(r.m.means).toEqual(s.m.means);
    expect(r.v.sh).toEqual(s.v.sh);
    expect(s.m.opacityLogits[0]).toBe(100); // input untouched
  });
});
