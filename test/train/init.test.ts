import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPoints3DBin } from '../../src/io/colmap/binary-reader';
import { SH_C0 } from '../../src/io/scene';
import { initFromPoints } from '../../src/train/init';
import { expectClose, rng } from '../helpers/compare';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

/** Reference log-scale: float64 brute force over all pairs, 3 nearest, clamp 1e-7 (decisions.md). */
function referenceLogScale(xyz: Float32Array): Float64Array {
  const n = xyz.length / 3;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d: number[] = [];
    for (let j = 0; j < n; j++) {
      if (j !== i) d.push((xyz[j * 3] - xyz[i * 3]) ** 2 + (xyz[j * 3 + 1] - xyz[i * 3 + 1]) ** 2 + (xyz[j * 3 + 2] - xyz[i * 3 + 2]) ** 2);
    }
    d.sort((a, b) => a - b);
    out[i] = Math.log(Math.sqrt(Math.max((d[0] + d[1] + d[2]) / 3, 1e-7)));
  }
  return out;
}

describe('initFromPoints', () => {
  const r = rng(7);
  const n = 400;
  const xyz = Float32Array.from({ length: n * 3 }, () => r() * 4 - 2);
  // Two exact duplicates of point 0 and one more: dist2 = 0 for point 0, clamped.
  xyz.set(xyz.subarray(0, 3), 3);
  xyz.set(xyz.subarray(0, 3), 6);
  xyz.set(xyz.subarray(0, 3), 9);
  const rgb = Uint8Array.from({ length: n * 3 }, () => Math.floor(r() * 256));
  rgb.set([0, 128, 255], 0);

  it('sets every parameter as the reference create_from_pcd does', () => {
    const scene = initFromPoints({ xyz, rgb });
    expect(scene.count).toBe(n);
    expect(scene.shDegree).toBe(3);
    expect(scene.means).toEqual(xyz);
    // f32 storage of float64 values: 1e-6 relative.
    const logS = referenceLogScale(xyz);
    const want = new Float64Array(n * 3).map((_, i) => logS[Math.floor(i / 3)]);
    // f32 storage: measured 1.3e-7 (5.5e-8 relative); 10x.
    expectClose(scene.logScales, want, 0, 5.5e-7, 'logScales');
    expect(scene.logScales[0]).toBeCloseTo(Math.log(Math.sqrt(1e-7)), 6);
    for (let i = 0; i < n; i++) expect(Array.from(scene.quats.subarray(i * 4, i * 4 + 4))).toEqual([1, 0, 0, 0]);
    expect(scene.opacityLogits.every((o) => o === Math.fround(-2.1972245773362196))).toBe(true);
    const K = 16;
    expect(scene.sh.length).toBe(n * K * 3);
    const dc = new Float64Array(n * 3);
    const dcGot = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        dc[i * 3 + c] = (rgb[i * 3 + c] / 255 - 0.5) / SH_C0;
        dcGot[i * 3 + c] = scene.sh[i * K * 3 + c];
        for (let k = 1; k < K; k++) expect(scene.sh[(i * K + k) * 3 + c]).toBe(0);
      }
    }
    // f32 storage of float64 values: measured 5.8e-8 (5.4e-8 relative); 10x.
    expectClose(dcGot, dc, 0, 5.4e-7, 'f_dc');
    // rgb (0, 128, 255) -> colour -0.5 / C0, ~0 and +0.5 / C0 (measured 5.3e-8; 10x).
    expect(Math.abs(dcGot[0] + 0.5 / SH_C0)).toBeLessThan(5.3e-7);
    expect(Math.abs(dcGot[2] - 0.5 / SH_C0)).toBeLessThan(5.3e-7);
  });

  it('clamps duplicates at the reference 1e-7 for clouds at least 1 across, and at 1e-7 d^2 for smaller ones', () => {
    // The same cloud at 1/1024: every log-scale shifts by log(1/1024), the duplicate's too.
    const small = xyz.map((v) => v / 1024);
    const a = initFromPoints({ xyz, rgb });
    const b = initFromPoints({ xyz: small, rgb });
    // Points 0-3 coincide (clamped); the rest shift by log(1/1024). f32 log-scales of f64
    // values: measured 5.0e-7 apart after the shift; 10x.
    let worst = 0;
    for (let i = 12; i < a.logScales.length; i++) worst = Math.max(worst, Math.abs(b.logScales[i] - a.logScales[i] - Math.log(1 / 1024)));
    expect(worst).toBeLessThan(5e-6);
    const lo = [0, 1, 2].map((k) => Math.min(...Array.from({ length: n }, (_, i) => small[i * 3 + k])));
    const hi = [0, 1, 2].map((k) => Math.max(...Array.from({ length: n }, (_, i) => small[i * 3 + k])));
    const d2 = lo.reduce((s, l, k) => s + (hi[k] - l) ** 2, 0);
    expect(d2).toBeLessThan(1);
    expect(a.logScales[0]).toBeCloseTo(Math.log(Math.sqrt(1e-7)), 6);
    expect(b.logScales[0]).toBeCloseTo(Math.log(Math.sqrt(1e-7 * d2)), 6);
  });

  it('honours the SH degree and opacity options', () => {
    const scene = initFromPoints({ xyz, rgb }, { shDegree: 0, opacity: 0.5 });
    expect(scene.shDegree).toBe(0);
    expect(scene.sh.length).toBe(n * 3);
    expect(scene.opacityLogits[5]).toBe(0);
  });

  it('rejects bad input clearly', () => {
    expect(() => initFromPoints({ xyz: new Float32Array(0), rgb: new Uint8Array(0) })).toThrow(/no points/);
    expect(() => initFromPoints({ xyz: new Float32Array(6), rgb: new Uint8Array(3) })).toThrow(/expected \[P, 3\]/);
    expect(() => initFromPoints({ xyz: Float32Array.of(0, NaN, 0), rgb: new Uint8Array(3) })).toThrow(/point 0 has a non-finite/);
    expect(() => initFromPoints({ xyz, rgb }, { shDegree: 4 })).toThrow(/shDegree/);
  });

  it('initialises buddha13 with finite, plausible scales', () => {
    const pts = readPoints3DBin(new Uint8Array(readFileSync(path.join(DATA, 'colmap/buddha13/sparse/0/points3D.bin'))));
    const scene = initFromPoints(pts);
    expect(scene.count).toBe(21402);
    expect(scene.logScales.every(Number.isFinite)).toBe(true);
    // Check a sample against the brute-force reference over all points.
    for (const i of [0, 5000, 21401]) {
      const d: number[] = [];
      for (let j = 0; j < scene.count; j++) {
        if (j !== i) d.push((pts.xyz[j * 3] - pts.xyz[i * 3]) ** 2 + (pts.xyz[j * 3 + 1] - pts.xyz[i * 3 + 1]) ** 2 + (pts.xyz[j * 3 + 2] - pts.xyz[i * 3 + 2]) ** 2);
      }
      d.sort((a, b) => a - b);
      // f32 storage: measured 6.4e-8; 10x.
      expect(Math.abs(scene.logScales[i * 3] - Math.log(Math.sqrt(Math.max((d[0] + d[1] + d[2]) / 3, 1e-7))))).toBeLessThan(6.4e-7);
    }
  });
});
