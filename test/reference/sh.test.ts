import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as RC from '../../src/reference/constants';
import { SH_C0, SH_C1, SH_C2, SH_C3, shBasis, shBasisGradient } from '../../src/reference/sh';
import { rng } from '../helpers/compare';

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on P_n); exact for polynomials of degree < 2n. */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * t * p1 - (k - 1) * p0) / k];
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const step = p1 / dp;
      t -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * dp * dp));
  }
  return { x, w };
}

describe('reference SH basis', () => {
  it('uses the constants of 3dgs-reference.md §2.5', () => {
    expect(SH_C0).toBe(0.28209479177387814);
    expect(SH_C1).toBe(0.4886025119029199);
    // The constants are the real-SH normalisations: C0 = 1/(2 sqrt(pi)), C1 = sqrt(3/(4 pi)), ...
    expect(SH_C0).toBeCloseTo(0.5 / Math.sqrt(Math.PI), 15);
    expect(SH_C1).toBeCloseTo(Math.sqrt(3 / (4 * Math.PI)), 15);
    expect(SH_C2[0]).toBeCloseTo(0.5 * Math.sqrt(15 / Math.PI), 15);
    expect(SH_C2[2]).toBeCloseTo(0.25 * Math.sqrt(5 / Math.PI), 15);
    expect(SH_C2[4]).toBeCloseTo(0.25 * Math.sqrt(15 / Math.PI), 15);
    expect(SH_C3[0]).toBeCloseTo(-0.25 * Math.sqrt(35 / (2 * Math.PI)), 15);
    expect(SH_C3[1]).toBeCloseTo(0.5 * Math.sqrt(105 / Math.PI), 14);
    expect(SH_C3[3]).toBeCloseTo(0.25 * Math.sqrt(7 / Math.PI), 15);
  });

  it('has the polynomial values along the axes', () => {
    const z = shBasis(3, 0, 0, 1);
    const want = new Float64Array(16);
    want[0] = SH_C0;
    want[2] = SH_C1;
    want[6] = 2 * SH_C2[2];
    want[12] = 2 * SH_C3[3];
    expect(Array.from(z, (v) => v + 0)).toEqual(Array.from(want)); // + 0 turns -0 into 0
    const x = shBasis(3, 1, 0, 0);
    expect([x[3], x[6], x[8], x[13], x[15]]).toEqual([-SH_C1, -SH_C2[2], SH_C2[4], -SH_C3[4], SH_C3[6]]);
    const y = shBasis(3, 0, 1, 0);
    expect([y[1], y[6], y[8], y[9], y[11]]).toEqual([-SH_C1, -SH_C2[2], -SH_C2[4], -SH_C3[0], -SH_C3[2]]);
    expect(shBasis(0, 0.6, 0, 0.8)).toHaveLength(1);
    expect(shBasis(2, 0.6, 0, 0.8)).toHaveLength(9);
  });

  it('is orthonormal over the sphere (exact quadrature)', () => {
    // Products of two basis polynomials have degree <= 6: 8 Gauss-Legendre nodes in cos(theta)
    // and 16 equispaced angles in phi integrate them exactly, so the tolerance is round-off.
    const { x: ct, w } = gaussLegendre(8);
    const nPhi = 16;
    const gram = new Float64Array(256);
    for (let a = 0; a < ct.length; a++) {
      const st = Math.sqrt(1 - ct[a] * ct[a]);
      for (let b = 0; b < nPhi; b++) {
        const phi = (2 * Math.PI * (b + 0.3)) / nPhi;
        const Y = shBasis(3, st * Math.cos(phi), st * Math.sin(phi), ct[a]);
        const weight = (w[a] * 2 * Math.PI) / nPhi;
        for (let k = 0; k < 16; k++) for (let l = 0; l < 16; l++) gram[k * 16 + l] += weight * Y[k] * Y[l];
      }
    }
    // measured 3.8e-15 (the quadrature's float64 sums); 10x.
    for (let k = 0; k < 16; k++) for (let l = 0; l < 16; l++) expect(Math.abs(gram[k * 16 + l] - (k === l ? 1 : 0))).toBeLessThan(3.8e-14);
  });

  it('agrees with the Sloan form of Y_6 on the unit sphere', () => {
    const r = rng(5);
    for (let n = 0; n < 20; n++) {
      const v = [r() - 0.5, r() - 0.5, r() - 0.5];
      const len = Math.hypot(v[0], v[1], v[2]);
      const [x, y, z] = v.map((c) => c / len);
      // measured 1.3e-16; 10x.
      expect(Math.abs(shBasis(2, x, y, z)[6] - (0.9461746957575601 * z * z - 0.3153915652525201))).toBeLessThan(1.3e-15);
    }
  });

  it('gradient matches central differences of the basis polynomials', () => {
    // Cubic polynomials: the central difference error is h^2 |f'''| / 6 ~ 1e-11 at h = 1e-5.
    const r = rng(9);
    const h = 1e-5;
    for (let n = 0; n < 10; n++) {
      const p = [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1];
      const g = shBasisGradient(3, p[0], p[1], p[2]);
      for (let a = 0; a < 3; a++) {
        const plus = [...p];
        const minus = [...p];
        plus[a] += h;
        minus[a] -= h;
        const fp = shBasis(3, plus[0], plus[1], plus[2]);
        const fm = shBasis(3, minus[0], minus[1], minus[2]);
        // measured 7.7e-11; 10x.
        for (let k = 0; k < 16; k++) expect(Math.abs(g[3 * k + a] - (fp[k] - fm[k]) / (2 * h))).toBeLessThan(7.7e-10);
      }
    }
  });
});

describe('reference constants', () => {
  it('agree with the GPU constants in shaders/common/constants.wgsl', () => {
    // Read as text (not through src/gpu) so the reference stays independent of the GPU code.
    const text = readFileSync(path.resolve(__dirname, '../../shaders/common/constants.wgsl'), 'utf8');
    const wgsl = (name: string): number => {
      const m = new RegExp(`const ${name}\\s*:\\s*\\w+\\s*=\\s*([-0-9.eE+]+)u?;`).exec(text);
      if (!m) throw new Error(`constants.wgsl: no ${name}`);
      return Number(m[1]);
    };
    expect(wgsl('TILE_SIZE')).toBe(RC.TILE_SIZE);
    expect(wgsl('COV2D_DILATION')).toBe(RC.COV2D_DILATION);
    expect(wgsl('ALPHA_MAX')).toBe(RC.ALPHA_MAX);
    // The WGSL value is 1/255 written to 17 digits: equal at f32 precision.
    expect(Math.fround(wgsl('ALPHA_MIN'))).toBe(Math.fround(RC.ALPHA_MIN));
    expect(wgsl('T_MIN')).toBe(RC.T_MIN);
    expect(wgsl('FRUSTUM_CLAMP')).toBe(RC.FRUSTUM_CLAMP);
    expect(wgsl('EXTENT_SIGMA')).toBe(RC.EXTENT_SIGMA);
  });
});
