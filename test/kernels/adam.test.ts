import { describe, expect, it } from 'vitest';
import { AdamKernel, type AdamStep } from '../../src/kernels/adam';
import { referenceAdamStep } from '../../src/reference/adam';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';
import { compareArrays, rng } from '../helpers/compare';

// decisions.md, written out: the kernel's defaults must equal these, not the other way round.
const DECIDED = { beta1: 0.9, beta2: 0.999, eps: 1e-15 };

/** One Adam step (lr 0.01, 0.0005 past `first`) on fresh buffers of [param, m, v, grad]: the three state arrays after it. */
async function adamOnce(device: GPUDevice, data: Float32Array[], o: Pick<AdamStep, 'count' | 'period' | 'first' | 'step' | 'columns'>): Promise<Float32Array[]> {
  const n = data[0].length;
  const [param, m, v, grad] = data.map((d, i) => createBufferWithData(device, `adamOnce${i}`, d));
  const adam = new AdamKernel(device, 'adamOnce');
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  adam.encode(pass, { param, grad, m, v, lr: 0.01, lrRest: 0.0005, ...o });
  pass.end();
  device.queue.submit([enc.finish()]);
  const out = [await readF32(device, param, n), await readF32(device, m, n), await readF32(device, v, n)];
  for (const b of [param, m, v, grad]) b.destroy();
  adam.destroy();
  return out;
}

describe('Adam kernel vs float64 reference', () => {
  // Two learning rates, element e taking the first when e % period < first: split like the SH
  // buffer (12 / 3), and periods of 1-5, whose residues the vec4 kernel wraps up to three times.
  const cases = [
    { count: 1, period: 12, first: 3 },
    { count: 255, period: 1, first: 1 },
    { count: 256, period: 2, first: 1 },
    { count: 257, period: 3, first: 1 },
    { count: 3 * 256 + 123, period: 5, first: 2 },
    { count: 3 * 256 + 123, period: 12, first: 3 },
  ];
  for (const { count, period, first } of cases) {
    it(`${count} elements, 5 steps, two learning rates split every ${period} after ${first}`, async () => {
      const device = await getTestDevice();
      const r = rng(count);
      const p0 = Float32Array.from({ length: count }, () => r() * 2 - 1);
      const pRef = Float64Array.from(p0);
      const mRef = new Float64Array(count);
      const vRef = new Float64Array(count);
      const param = createBufferWithData(device, 'p', p0);
      const m = createBufferWithData(device, 'm', new Float32Array(count));
      const v = createBufferWithData(device, 'v', new Float32Array(count));
      const adam = new AdamKernel(device, 'test');
      for (let step = 1; step <= 5; step++) {
        // Gradients spanning magnitudes (Adam normalises them; tiny ones test eps = 1e-15).
        const g = Float32Array.from({ length: count }, (_, i) => (r() - 0.5) * Math.pow(10, -(i % 7)));
        const grad = createBufferWithData(device, 'g', g);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        const o = { lr: 0.01, lrRest: 0.0005, period, first, step };
        adam.encode(pass, { param, grad, m, v, count, ...o });
        pass.end();
        device.queue.submit([enc.finish()]);
        referenceAdamStep(pRef, g, mRef, vRef, { ...o, ...DECIDED });
        grad.destroy();
      }
      // measured on a correct build (SwiftShader), worst of the sizes: param 1.2e-7 absolute (f32
      // rounding of O(1) values), m 1.4e-8 absolute (a sum of gradients of both signs: relative
      // error is unbounded near 0), v 2.7e-7 relative; 10x. Gradients down to 1e-7 make eps = 1e-15
      // and the betas matter: eps 1e-8 moves a parameter by ~1e-3, beta2 0.99 by more.
      const checks = [
        compareArrays(await readF32(device, param, count), pRef, 1.2e-6, 0, 'param'),
        compareArrays(await readF32(device, m, count), mRef, 1.4e-7, 0, 'm'),
        compareArrays(await readF32(device, v, count), vRef, 0, 2.7e-6, 'v'),
      ];
      for (const c of checks) expect(c.ok, c.message).toBe(true);
      // The update must have moved every parameter (a no-op kernel fails here).
      const p = await readF32(device, param, count);
      for (let i = 0; i < count; i++) expect(p[i]).not.toBe(p0[i]);
      for (const b of [param, m, v]) b.destroy();
      adam.destroy();
    });
  }

  it('gives the same bits in the vec4 blocks as in the scalar tail, and leaves elements past the count alone', async () => {
    // 130 elements: two whole 64-element blocks (adam4.wgsl) and a 2-element tail (adam.wgsl).
    // The same data updated as 127 elements puts elements 64..126 in the tail instead: every
    // element's bits must not depend on which kernel ran it. The buffers hold 160 elements.
    const device = await getTestDevice();
    const r = rng(7);
    const n = 160;
    const p0 = Float32Array.from({ length: n }, () => r() * 2 - 1);
    const m0 = Float32Array.from({ length: n }, () => (r() - 0.5) * 1e-2);
    const v0 = Float32Array.from({ length: n }, () => r() * 1e-4);
    const g = Float32Array.from({ length: n }, () => (r() - 0.5) * 1e-3);
    const run = (count: number) => adamOnce(device, [p0, m0, v0, g], { count, period: 48, first: 3, step: 4 });
    const blocks = await run(130);
    const tail = await run(127);
    for (let k = 0; k < 3; k++) {
      expect(Array.from(tail[k].subarray(0, 127)), `array ${k}, elements 0..126`).toEqual(Array.from(blocks[k].subarray(0, 127)));
      const before = [p0, m0, v0][k];
      expect(Array.from(blocks[k].subarray(130)), `array ${k} past 130`).toEqual(Array.from(before.subarray(130)));
      expect(Array.from(tail[k].subarray(127)), `array ${k} past 127`).toEqual(Array.from(before.subarray(127)));
      for (let i = 0; i < 130; i++) expect(blocks[k][i], `array ${k} element ${i} moved`).not.toBe(before[i]);
    }
  });
  it('with active columns, updates only each row\'s active vec4s, with the bits of a full update', async () => {
    // Rows of 48 (the SH buffer at degree 3) with 3, 12 and 27 active (degrees 0, 1, 2: 1, 3 and 7
    // vec4s). Inactive columns hold zero gradients and moments, as training guarantees: a full
    // update leaves them as they are, so both runs must agree on every bit. A second pass with
    // nonzero moments there must leave them, and their parameters, exactly as they were.
    const device = await getTestDevice();
    const rows = 37;
    const width = 48;
    const n = rows * width;
    for (const active of [3, 12, 27]) {
      const activeVec4s = Math.ceil(active / 4);
      const r = rng(active);
      const inactive = (i: number) => i % width >= activeVec4s * 4;
      const p0 = Float32Array.from({ length: n }, () => r() * 2 - 1);
      const m0 = Float32Array.from({ length: n }, (_, i) => (inactive(i) ? 0 : (r() - 0.5) * 1e-2));
      const v0 = Float32Array.from({ length: n }, (_, i) => (inactive(i) ? 0 : r() * 1e-4));
      const g = Float32Array.from({ length: n }, (_, i) => (inactive(i) ? 0 : (r() - 0.5) * 1e-3));
      const run = (columns: { width: number; active: number } | undefined, m1: Float32Array, v1: Float32Array) =>
        adamOnce(device, [p0, m1, v1, g], { count: n, period: width, first: 3, step: 3, ...(columns ? { columns } : {}) });
      const full = await run(undefined, m0, v0);
      const cols = await run({ width, active }, m0, v0);
      for (let k = 0; k < 3; k++) expect(Buffer.from(cols[k].buffer).equals(Buffer.from(full[k].buffer)), `active ${active}, array ${k}`).toBe(true);
      // Every active element moved (a kernel that skipped rows or columns fails here).
      for (let i = 0; i < n; i++) if (!inactive(i)) expect(cols[0][i], `active ${active}, element ${i} did not move`).not.toBe(p0[i]);
      const mSet = Float32Array.from(m0, (x, i) => (inactive(i) ? 0.25 : x));
      const vSet = Float32Array.from(v0, (x, i) => (inactive(i) ? 0.5 : x));
      const kept = await run({ width, active }, mSet, vSet);
      for (let i = 0; i < n; i++) {
        if (!inactive(i)) continue;
        expect([kept[0][i], kept[1][i], kept[2][i]], `active ${active}, inactive element ${i}`).toEqual([p0[i], 0.25, 0.5]);
      }
    }
  });
});
