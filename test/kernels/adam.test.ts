import { describe, expect, it } from 'vitest';
import { AdamKernel, ADAM_DEFAULTS } from '../../src/kernels/adam';
import { referenceAdamStep } from '../../src/reference/adam';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';
import { expectClose, rng } from '../helpers/compare';

describe('Adam kernel vs float64 reference', () => {
  for (const count of [1, 255, 256, 257, 3 * 256 + 123]) {
    it(`${count} elements, 5 steps, two learning rates split like the SH buffer`, async () => {
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
        const o = { lr: 0.01, lrRest: 0.0005, period: 12, first: 3, step };
        adam.encode(pass, { param, grad, m, v, count, ...o });
        pass.end();
        device.queue.submit([enc.finish()]);
        referenceAdamStep(pRef, g, mRef, vRef, { ...o, ...ADAM_DEFAULTS });
        grad.destroy();
      }
      // f32 update of O(lr) per step on O(1) values: absolute error ~1e-7 per step.
      expectClose(await readF32(device, param, count), pRef, 1e-6, 0, 'param');
      expectClose(await readF32(device, m, count), mRef, 1e-7, 1e-5, 'm');
      expectClose(await readF32(device, v, count), vRef, 1e-9, 1e-5, 'v');
      // The update must have moved every parameter (a no-op kernel fails here).
      const p = await readF32(device, param, count);
      for (let i = 0; i < count; i++) expect(p[i]).not.toBe(p0[i]);
      for (const b of [param, m, v]) b.destroy();
      adam.destroy();
    });
  }
});
