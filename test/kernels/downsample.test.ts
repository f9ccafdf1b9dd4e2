/**
 * The coarse-to-fine target downsample (shaders/downsample.wgsl) against its float64 reference
 * at integer and fractional factors, output sizes around the workgroup size, and the identity;
 * the reference against the loader's CPU resize (two independent area filters must agree).
 */
import { describe, expect, it } from 'vitest';
import { DownsampleKernel } from '../../src/kernels/downsample';
import { downsampleArea } from '../../src/reference/downsample';
import { resizeImage } from '../../src/io/image-resize';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { getTestDevice } from '../helpers/gpu';
import { compareArrays, rng } from '../helpers/compare';

function randomImage(width: number, height: number, seed: number): Float32Array {
  const r = rng(seed);
  // Smooth gradients plus noise, alpha 1, as a photo target.
  return Float32Array.from({ length: width * height * 4 }, (_, i) => ((i & 3) === 3 ? 1 : 0.5 * r() + 0.5 * (((i >> 2) % width) / width)));
}

// [src w, src h, dst w, dst h]: factors 2, 4, 3 (with remainders), fractional ones, a 1x1 and
// the identity; 255, 256 and 257 output pixels around the workgroup size.
const CASES: [number, number, number, number][] = [
  [342, 193, 171, 97],
  [342, 193, 86, 48],
  [342, 193, 114, 64],
  [342, 193, 200, 113],
  [100, 7, 1, 1],
  [64, 33, 64, 33],
  [300, 3, 255, 1],
  [300, 3, 256, 1],
  [600, 2, 257, 1],
];

describe('Downsample kernel vs float64 reference', () => {
  for (const [sw, sh, dw, dh] of CASES) {
    it(`${sw}x${sh} -> ${dw}x${dh}`, async () => {
      const device = await getTestDevice();
      const image = randomImage(sw, sh, sw * 7 + dw);
      const src = createBufferWithData(device, 'src', image);
      const dst = createBufferWithData(device, 'dst', new Float32Array(dw * dh * 4).fill(NaN));
      const k = new DownsampleKernel(device);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      k.encode(pass, { src, srcWidth: sw, srcHeight: sh, dst, dstWidth: dw, dstHeight: dh });
      pass.end();
      device.queue.submit([enc.finish()]);
      const got = await readF32(device, dst, dw * dh * 4);
      const want = downsampleArea(image, sw, sh, dw, dh);
      // Measured max abs error 1.5e-7 over the cases (exact weights, f32 sums of values in
      // [0, 1]); 10x.
      const c = compareArrays(got, want, 1.5e-6, 0, 'downsample');
      expect(c.ok, c.message).toBe(true);
      expect(c.nanCount).toBe(0);
      for (const b of [src, dst]) b.destroy();
      k.destroy();
    });
  }

  it('the reference agrees with the loader CPU resize and keeps the image mean', () => {
    const [sw, sh, dw, dh] = [342, 193, 114, 64];
    const image = randomImage(sw, sh, 3);
    const ref = downsampleArea(image, sw, sh, dw, dh);
    // Measured 6.0e-8 (resizeImage stores f32); 10x.
    const c = compareArrays(resizeImage(image, sw, sh, dw, dh), ref, 6e-7, 0, 'resizeImage');
    expect(c.ok, c.message).toBe(true);
    // Every output pixel covers the same area, so the means agree (float64 sums: 1e-12).
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(ref) - mean(image))).toBeLessThan(1e-12);
    // Integer factor 2: each output is the plain mean of a 2x2 block.
    const two = downsampleArea(image.subarray(0, 32), 4, 2, 2, 1);
    expect(two[0]).toBeCloseTo((image[0] + image[4] + image[16] + image[20]) / 4, 12);
    expect(() => downsampleArea(image, sw, sh, sw + 1, sh)).toThrow(/no downsample/);
  });

  it('refuses an upsample and a buffer too small', async () => {
    const device = await getTestDevice();
    const k = new DownsampleKernel(device);
    const src = createBufferWithData(device, 'src', new Float32Array(16 * 4));
    const dst = createBufferWithData(device, 'dst', new Float32Array(4 * 4));
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    expect(() => k.encode(pass, { src, srcWidth: 4, srcHeight: 4, dst, dstWidth: 8, dstHeight: 4 })).toThrow(/no downsample/);
    expect(() => k.encode(pass, { src, srcWidth: 4, srcHeight: 4, dst, dstWidth: 4, dstHeight: 4 })).toThrow(/holds 64 bytes/);
    pass.end();
    for (const b of [src, dst]) b.destroy();
    k.destroy();
  });
});
