/**
 * The float64 loss reference: SSIM against a direct 2-D window implementation written here, known
 * closed-form values, and its gradient against central finite differences of its own forward.
 */
import { describe, expect, it } from 'vitest';
import { gaussianWindow, imageLoss, imageLossGradient, l1, mse, psnr, ssim, ssimMap, SSIM_C1, SSIM_C2 } from '../../src/reference/loss';
import { expectClose, rng } from '../helpers/compare';

function randomImage(width: number, height: number, seed: number): Float64Array {
  const r = rng(seed);
  const img = new Float64Array(width * height * 4);
  for (let i = 0; i < img.length; i++) img[i] = r();
  return img;
}

/** SSIM map straight from the definition: 121-tap 2-D window, normalised over the 2-D grid. */
function directSsimMap(x: ArrayLike<number>, y: ArrayLike<number>, width: number, height: number): Float64Array {
  const w2 = new Float64Array(121);
  let z = 0;
  for (let i = 0; i < 11; i++) {
    for (let j = 0; j < 11; j++) {
      w2[i * 11 + j] = Math.exp(-((i - 5) ** 2 + (j - 5) ** 2) / (2 * 1.5 * 1.5));
      z += w2[i * 11 + j];
    }
  }
  const map = new Float64Array(width * height * 3);
  for (let c = 0; c < 3; c++) {
    for (let py = 0; py < height; py++) {
      for (let px = 0; px < width; px++) {
        let mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
        for (let i = 0; i < 11; i++) {
          for (let j = 0; j < 11; j++) {
            const qy = py + i - 5;
            const qx = px + j - 5;
            if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue; // zero padding
            const g = w2[i * 11 + j] / z;
            const a = x[(qy * width + qx) * 4 + c];
            const b = y[(qy * width + qx) * 4 + c];
            mx += g * a;
            my += g * b;
            mxx += g * a * a;
            myy += g * b * b;
            mxy += g * a * b;
          }
        }
        const vx = mxx - mx * mx;
        const vy = myy - my * my;
        const cov = mxy - mx * my;
        map[(py * width + px) * 3 + c] = ((2 * mx * my + SSIM_C1) * (2 * cov + SSIM_C2)) / ((mx * mx + my * my + SSIM_C1) * (vx + vy + SSIM_C2));
      }
    }
  }
  return map;
}

function mapImage(src: Float64Array, f: (v: number, i: number) => number): Float64Array {
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = i % 4 === 3 ? src[i] : f(src[i], i);
  return out;
}

describe('reference loss', () => {
  it('builds the 1-D window: symmetric, sums to 1, centre exp(0)/Z', () => {
    const g = gaussianWindow();
    expect(g.length).toBe(11);
    let z = 0;
    for (let i = 0; i < 11; i++) z += Math.exp(-((i - 5) ** 2) / 4.5);
    expect(g[5]).toBeCloseTo(1 / z, 15);
    for (let i = 0; i < 11; i++) expect(g[i]).toBe(g[10 - i]);
    expect(g.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('gives SSIM 1, L1 0, MSE 0 and PSNR +inf on identical images (even with zero padding)', () => {
    const img = randomImage(19, 13, 1);
    const { map, mean } = ssimMap(img, img, 19, 13);
    for (const v of map) expect(Math.abs(v - 1)).toBeLessThan(1e-12);
    expect(mean).toBeCloseTo(1, 12);
    expect(l1(img, img, 19, 13)).toBe(0);
    expect(mse(img, img, 19, 13)).toBe(0);
    expect(psnr(img, img, 19, 13)).toBe(Infinity);
    expect(imageLoss(img, img, 19, 13).loss).toBeCloseTo(0, 12);
  });

  it('matches a direct 2-D window SSIM on known perturbations', () => {
    const w = 23;
    const h = 17;
    const target = randomImage(w, h, 2);
    const r = rng(3);
    const perturbed: Record<string, Float64Array> = {
      noise: mapImage(target, (v) => v + 0.2 * (r() - 0.5)),
      offset: mapImage(target, (v) => v + 0.1),
      contrast: mapImage(target, (v) => 0.5 + 0.6 * (v - 0.5)),
      unrelated: randomImage(w, h, 4),
    };
    for (const [name, img] of Object.entries(perturbed)) {
      const direct = directSsimMap(img, target, w, h);
      const { map, mean } = ssimMap(img, target, w, h);
      // measured 7.3e-15 and 7.8e-16 (float64, different summation order); 10x.
      expectClose(map, direct, 7.3e-14, 0, `ssim map (${name})`);
      expect(Math.abs(mean - direct.reduce((a, b) => a + b, 0) / direct.length)).toBeLessThan(7.8e-15);
      expect(mean).toBeLessThan(1);
    }
  });

  it('gives the closed form of constant images away from the border', () => {
    // 31 x 31 with a = 0.3, b = 0.7: the centre pixel's window lies inside, so mu = a, b and all
    // variances vanish: SSIM = (2ab + C1) / (a^2 + b^2 + C1).
    const n = 31;
    const x = new Float64Array(n * n * 4).fill(0.3);
    const y = new Float64Array(n * n * 4).fill(0.7);
    const { map } = ssimMap(x, y, n, n);
    const centre = ((15 * n + 15) * 3) + 1;
    expect(map[centre]).toBeCloseTo((2 * 0.3 * 0.7 + SSIM_C1) / (0.09 + 0.49 + SSIM_C1), 12);
    expect(l1(x, y, n, n)).toBeCloseTo(0.4, 14);
    expect(psnr(x, y, n, n)).toBeCloseTo(-10 * Math.log10(0.16), 12);
  });

  it('combines 0.8 L1 + 0.2 (1 - SSIM) by default and honours another weight', () => {
    const x = randomImage(12, 9, 5);
    const y = randomImage(12, 9, 6);
    const v = imageLoss(x, y, 12, 9);
    expect(v.loss).toBeCloseTo(0.8 * v.l1 + 0.2 * (1 - v.ssim), 14);
    const v5 = imageLoss(x, y, 12, 9, 0.5);
    expect(v5.loss).toBeCloseTo(0.5 * v.l1 + 0.5 * (1 - v.ssim), 14);
  });

  for (const lambda of [0.2, 1]) {
    it(`has a gradient equal to central finite differences (lambda ${lambda}; h = 1e-5, O(h^2) truncation)`, () => {
      const w = 13;
      const h = 11;
      const y = randomImage(w, h, 7);
      // Keep |x - y| >= 0.05 so no step crosses the kink of |x - y|.
      const r = rng(8);
      const x = mapImage(y, (v) => v + (r() < 0.5 ? -1 : 1) * (0.05 + 0.3 * r()));
      const grad = imageLossGradient(x, y, w, h, lambda);
      const fd = new Float64Array(grad.length);
      const step = 1e-5;
      for (let i = 0; i < x.length; i++) {
        if (i % 4 === 3) continue;
        const xp = x.slice();
        const xm = x.slice();
        xp[i] += step;
        xm[i] -= step;
        fd[i] = (imageLoss(xp, y, w, h, lambda).loss - imageLoss(xm, y, w, h, lambda).loss) / (2 * step);
      }
      const scale = 1 / (3 * w * h); // gradients are O(1 / (3HW))
      // |analytic - fd| relative to one L1 step plus |fd|: measured 2.2e-8; 10x.
      let worst = 0;
      for (let i = 0; i < grad.length; i++) worst = Math.max(worst, Math.abs(grad[i] - fd[i]) / (scale + Math.abs(fd[i])));
      expect(worst).toBeLessThan(2.2e-7);
      for (let p = 0; p < w * h; p++) expect(grad[p * 4 + 3]).toBe(0);
      // The SSIM part is far from negligible, so the check covers it.
      if (lambda === 1) expect(Math.max(...grad.map(Math.abs))).toBeGreaterThan(0.1 * scale);
    });
  }

  it('rejects images of the wrong size with a message naming the sizes', () => {
    const x = new Float64Array(4 * 4 * 4);
    expect(() => ssim(x, new Float64Array(10), 4, 4)).toThrow(/target has 10 values, expected 4 x 4 x 4 = 64/);
    expect(() => l1(x, x, 0, 4)).toThrow(/positive integers/);
  });
});
