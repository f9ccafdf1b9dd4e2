// Tests src/io/image-resize.ts (kept beside the COLMAP tests that use it).
import { describe, expect, it } from 'vitest';
import { resizeImage } from '../../../src/io/image-resize';
import { expectClose, rng } from '../../helpers/compare';

/** Direct 2-D reference: each output pixel integrates the piecewise-constant input over its footprint. */
function referenceResize(img: Float32Array, w: number, h: number, dw: number, dh: number): Float64Array {
  const out = new Float64Array(dw * dh * 4);
  const sx = w / dw;
  const sy = h / dh;
  for (let oy = 0; oy < dh; oy++) {
    for (let ox = 0; ox < dw; ox++) {
      const acc = [0, 0, 0, 0];
      for (let y = 0; y < h; y++) {
        const cy = Math.max(0, Math.min(y + 1, (oy + 1) * sy) - Math.max(y, oy * sy));
        if (cy === 0) continue;
        for (let x = 0; x < w; x++) {
          const cx = Math.max(0, Math.min(x + 1, (ox + 1) * sx) - Math.max(x, ox * sx));
          for (let c = 0; c < 4; c++) acc[c] += cx * cy * img[(y * w + x) * 4 + c];
        }
      }
      for (let c = 0; c < 4; c++) out[(oy * dw + ox) * 4 + c] = acc[c] / (sx * sy);
    }
  }
  return out;
}

function random(w: number, h: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: w * h * 4 }, () => r());
}

describe('resizeImage (area averaging)', () => {
  it('integer factor: block means', () => {
    const img = random(8, 6, 1);
    const out = resizeImage(img, 8, 6, 4, 3);
    // f32 output of float64 sums of 4 values: 1e-6.
    expectClose(out, referenceResize(img, 8, 6, 4, 3), 1e-6, 0, 'block means');
    const b = (x: number, y: number, c: number) => img[(y * 8 + x) * 4 + c];
    expect(out[0]).toBeCloseTo((b(0, 0, 0) + b(1, 0, 0) + b(0, 1, 0) + b(1, 1, 0)) / 4, 6);
  });

  it('non-integer factors match the 2-D footprint integral', () => {
    for (const [w, h, dw, dh] of [
      [37, 23, 10, 7],
      [684, 9, 400, 5],
      [5, 5, 5, 2],
      [3, 4, 1, 1],
    ]) {
      const img = random(w, h, w * 100 + dw);
      expectClose(resizeImage(img, w, h, dw, dh), referenceResize(img, w, h, dw, dh), 2e-6, 0, `${w}x${h} -> ${dw}x${dh}`);
    }
  });

  it('preserves constants and returns a copy at the same size', () => {
    const img = new Float32Array(13 * 7 * 4).fill(0.3);
    expect(resizeImage(img, 13, 7, 5, 3).every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
    const same = resizeImage(img, 13, 7, 13, 7);
    expect(same).toEqual(img);
    expect(same).not.toBe(img);
  });

  it('rejects mismatched buffers and bad sizes', () => {
    expect(() => resizeImage(new Float32Array(10), 2, 2, 1, 1)).toThrow(/expected 2x2x4/);
    expect(() => resizeImage(new Float32Array(16), 2, 2, 0, 1)).toThrow(/bad target size/);
  });
});
