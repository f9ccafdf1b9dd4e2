/**
 * Selective Adam (shaders/adam.wgsl with a projection bound): splats whose projection has no
 * tiles keep their parameters and both moments bit for bit; the others follow the float64
 * reference Adam. The visibility comes from real ProjectedSplat records (the `tiles` word).
 */
import { describe, expect, it } from 'vitest';
import { AdamKernel } from '../../src/kernels/adam';
import { PROJECTED_SPLAT } from '../../src/kernels/layouts';
import { referenceAdamStep } from '../../src/reference/adam';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';
import { compareArrays, rng } from '../helpers/compare';

// decisions.md, written out.
const DECIDED = { beta1: 0.9, beta2: 0.999, eps: 1e-15 };

describe('selective Adam vs float64 reference', () => {
  // Widths 1 and 2 make the vec4 kernel wrap its row residues more than once (adam_rows4).
  for (const [rows, width] of [[1, 3], [300, 3], [257, 48], [600, 1], [300, 2]] as const) {
    it(`${rows} splats of ${width} values, 3 steps, about half visible`, async () => {
      const device = await getTestDevice();
      const r = rng(rows * width);
      const count = rows * width;
      const visible = Array.from({ length: rows }, (_, i) => (rows === 1 ? false : r() < 0.5));
      const records = new Uint32Array(rows * PROJECTED_SPLAT.floats);
      // Invisible records carry everything but tiles, so only `tiles` can decide.
      const asF32 = new Float32Array(records.buffer);
      for (let i = 0; i < rows; i++) {
        asF32.set([r() * 100, r() * 100, 1, 0.5, 0.1, 0, 0.1, 3, 0.2, 0.3, 0.4], i * PROJECTED_SPLAT.floats);
        records[i * PROJECTED_SPLAT.floats + PROJECTED_SPLAT.tiles] = visible[i] ? 1 + Math.floor(r() * 4) : 0;
      }
      const projected = createBufferWithData(device, 'projected', records);
      const p0 = Float32Array.from({ length: count }, () => r() * 2 - 1);
      const m0 = Float32Array.from({ length: count }, () => (r() - 0.5) * 1e-2);
      const v0 = Float32Array.from({ length: count }, () => r() * 1e-4);
      const pRef = Float64Array.from(p0);
      const mRef = Float64Array.from(m0);
      const vRef = Float64Array.from(v0);
      const param = createBufferWithData(device, 'p', p0);
      const m = createBufferWithData(device, 'm', m0);
      const v = createBufferWithData(device, 'v', v0);
      const adam = new AdamKernel(device, 'selective');
      for (let step = 1; step <= 3; step++) {
        const g = Float32Array.from({ length: count }, () => r() - 0.5);
        const grad = createBufferWithData(device, 'g', g);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        const o = { lr: 0.01, lrRest: 0.0005, period: width, first: 3, step: step + 10 };
        adam.encode(pass, { param, grad, m, v, count, ...o, visibility: { projected, rowWidth: width } });
        pass.end();
        device.queue.submit([enc.finish()]);
        referenceAdamStep(pRef, g, mRef, vRef, { ...o, ...DECIDED }, { rowWidth: width, visible: (i) => visible[i] });
        grad.destroy();
      }
      const got = { p: await readF32(device, param, count), m: await readF32(device, m, count), v: await readF32(device, v, count) };
      for (let i = 0; i < rows; i++) {
        if (visible[i]) continue;
        for (const [name, a, b] of [['param', got.p, p0], ['m', got.m, m0], ['v', got.v, v0]] as const) {
          const row = (x: Float32Array) => Array.from(x.subarray(i * width, (i + 1) * width));
          expect(row(a), `${name} of invisible splat ${i}`).toEqual(row(b));
        }
      }
      // Visible rows: the tolerances of test/kernels/adam.test.ts (measured there; 10x).
      const checks = [compareArrays(got.p, pRef, 1.2e-6, 0, 'param'), compareArrays(got.m, mRef, 1.4e-7, 0, 'm'), compareArrays(got.v, vRef, 0, 2.7e-6, 'v')];
      for (const c of checks) expect(c.ok, c.message).toBe(true);
      const movedVisible = visible.some((vis, i) => vis && got.p[i * width] !== p0[i * width]);
      expect(movedVisible || rows === 1).toBe(true);
      for (const b of [param, m, v, projected]) b.destroy();
      adam.destroy();
    });
  }
});
