import { describe, expect, it } from 'vitest';
import { meanNeighbourDist2, nearestNeighbours } from '../../src/train/knn';
import { rng } from '../helpers/compare';

/** O(P^2) float64 reference: sorted squared distances to every other point, first k kept. */
function bruteForce(xyz: Float32Array, k: number): Float64Array {
  const n = xyz.length / 3;
  const out = new Float64Array(n * k).fill(Infinity);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xyz[j * 3] - xyz[i * 3];
      const dy = xyz[j * 3 + 1] - xyz[i * 3 + 1];
      const dz = xyz[j * 3 + 2] - xyz[i * 3 + 2];
      d[m++] = dx * dx + dy * dy + dz * dz;
    }
    const sorted = d.subarray(0, m).slice().sort();
    for (let j = 0; j < Math.min(k, m); j++) out[i * k + j] = sorted[j];
  }
  return out;
}

function uniform(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * 3 }, () => r() * 10 - 5);
}

/** Tight clusters of very different sizes, a flat sheet, and exact duplicates. */
function adversarial(seed: number): Float32Array {
  const r = rng(seed);
  const pts: number[] = [];
  for (let c = 0; c < 6; c++) {
    const centre = [r() * 100, r() * 100, r() * 100];
    const size = 10 ** (-4 + c);
    for (let i = 0; i < 150; i++) pts.push(centre[0] + r() * size, centre[1] + r() * size, centre[2] + r() * size);
  }
  for (let i = 0; i < 200; i++) pts.push(r() * 3, r() * 3, 7); // z constant: zero extent on one axis
  for (let i = 0; i < 40; i++) pts.push(1, 2, 3); // 40 copies of one point
  for (let i = 0; i < 2; i++) pts.push(-8, -8, -8); // a pair: each has one zero-distance neighbour
  return Float32Array.from(pts);
}

describe('nearestNeighbours', () => {
  for (const [name, xyz] of [
    ['uniform random', uniform(1500, 1)],
    ['clusters, sheet and duplicates', adversarial(2)],
  ] as const) {
    it(`matches brute force exactly: ${name}`, () => {
      for (const k of [1, 3, 8]) {
        const got = nearestNeighbours(xyz, k);
        const want = bruteForce(xyz, k);
        // Exact: both compute the same float64 squared distances of the same f32 inputs.
        expect(got.dist2).toEqual(want);
        // Indices agree with distances (ties make the index itself ambiguous).
        const n = xyz.length / 3;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < k; j++) {
            const p = got.index[i * k + j];
            expect(p).not.toBe(i);
            const d = [0, 1, 2].map((a) => xyz[p * 3 + a] - xyz[i * 3 + a]);
            expect(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).toBe(got.dist2[i * k + j]);
          }
        }
      }
    });
  }

  it('sizes 0, 1, 2 and fewer points than k', () => {
    expect(nearestNeighbours(new Float32Array(0), 3).dist2.length).toBe(0);
    const one = nearestNeighbours(Float32Array.of(1, 2, 3), 3);
    expect(Array.from(one.dist2)).toEqual([Infinity, Infinity, Infinity]);
    expect(Array.from(one.index)).toEqual([-1, -1, -1]);
    const two = nearestNeighbours(Float32Array.of(0, 0, 0, 3, 4, 0), 3);
    expect(Array.from(two.dist2)).toEqual([25, Infinity, Infinity, 25, Infinity, Infinity]);
    expect(Array.from(meanNeighbourDist2(Float32Array.of(0, 0, 0, 3, 4, 0), 3))).toEqual([25, 25]);
    expect(Array.from(meanNeighbourDist2(Float32Array.of(1, 2, 3), 3))).toEqual([0]);
  });

  it('rejects bad input', () => {
    expect(() => nearestNeighbours(new Float32Array(4), 3)).toThrow(/not a multiple of 3/);
    expect(() => nearestNeighbours(new Float32Array(3), 0)).toThrow(/positive integer/);
  });

  it('benchmark: 1M uniform points, k = 3', () => {
    const xyz = uniform(1_000_000, 3);
    const t0 = performance.now();
    const d = meanNeighbourDist2(xyz, 3);
    const ms = performance.now() - t0;
    console.log(`[bench] knn k=3: 1,000,000 points in ${(ms / 1000).toFixed(2)} s`);
    // Spot-check a few points against brute force over all points (O(P) each).
    for (const i of [0, 123_456, 999_999]) {
      const best = [Infinity, Infinity, Infinity];
      for (let j = 0; j < 1_000_000; j++) {
        if (j === i) continue;
        const dx = xyz[j * 3] - xyz[i * 3];
        const dy = xyz[j * 3 + 1] - xyz[i * 3 + 1];
        const dz = xyz[j * 3 + 2] - xyz[i * 3 + 2];
        const dd = dx * dx + dy * dy + dz * dz;
        if (dd < best[2]) {
          best[2] = dd;
          best.sort((a, b) => a - b);
        }
      }
      expect(d[i]).toBe((best[0] + best[1] + best[2]) / 3);
    }
  }, 60_000);
});
