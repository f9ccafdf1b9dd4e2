/**
 * GPU image loss (src/kernels/image-loss.ts) against the float64 reference (src/reference/loss.ts):
 * stats and v_image on random images and a photo crop, sizes that are not multiples of 16, one
 * instance reused across sizes, determinism, the metrics-only path and bad input; for both kernel
 * shape classes (per-pixel kernels on GPUs, *_strip.wgsl on CPU adapters), which must agree bit
 * for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { SHADER_SOURCES, parseWgslConstants } from '../../src/gpu/wgsl';
import { ImageLoss, LOSS_STATS, LOSS_STRIP } from '../../src/kernels/image-loss';
import { gaussianWindow, imageLoss, imageLossGradient } from '../../src/reference/loss';
import { compareArrays, expectClose } from '../helpers/compare';
import { noisy, photoCrop, randomImage } from '../helpers/images';
import { getTestDevice } from '../helpers/gpu';

let device: GPUDevice;

beforeAll(async () => {
  device = await getTestDevice();
});

interface GpuResult {
  stats: Float32Array;
  vImage: Float32Array;
}

async function runLoss(loss: ImageLoss, image: Float32Array, target: Float32Array | GPUBuffer, width: number, height: number): Promise<GpuResult> {
  const imageBuf = createBufferWithData(device, 'test.image', image);
  // NaN-filled, so a pixel the kernel never writes fails the comparison.
  const vImageBuf = createBufferWithData(device, 'test.vImage', new Float32Array(width * height * 4).fill(NaN));
  loss.setTarget(target, width, height);
  const enc = device.createCommandEncoder({ label: 'test.loss' });
  loss.encode(enc, imageBuf, vImageBuf);
  device.queue.submit([enc.finish()]);
  const vImage = await readF32(device, vImageBuf, width * height * 4);
  const stats = await readF32(device, loss.statsBuffer, LOSS_STATS.floats);
  imageBuf.destroy();
  vImageBuf.destroy();
  return { stats, vImage };
}

interface LossTolerance {
  /** Max |gpu - reference| over loss, L1, SSIM and MSE. */
  stats: number;
  /** |gpu - reference| of PSNR in dB. */
  psnr: number;
  /** Max |gpu - reference| of v_image relative to its largest |reference| value. */
  grad: number;
}

/** Checks stats and v_image against the float64 reference; returns the measured errors. */
function checkAgainstReference(name: string, got: GpuResult, image: Float32Array, target: Float32Array, width: number, height: number, tol: LossTolerance, lambda = 0.2): LossTolerance {
  const ref = imageLoss(image, target, width, height, lambda);
  const s = got.stats;
  const stats = compareArrays([s[LOSS_STATS.loss], s[LOSS_STATS.l1], s[LOSS_STATS.ssim], s[LOSS_STATS.mse]], [ref.loss, ref.l1, ref.ssim, ref.mse], tol.stats, 0, `${name} stats`);
  expect(stats.ok, stats.message).toBe(true);
  const psnr = Math.abs(s[LOSS_STATS.psnr] - ref.psnr);
  expect(psnr, `${name} psnr`).toBeLessThan(tol.psnr);
  expect(s[LOSS_STATS.ssim_weight]).toBe(Math.fround(lambda));
  expect(s[LOSS_STATS.pixels]).toBe(width * height);
  const refGrad = imageLossGradient(image, target, width, height, lambda);
  const largest = refGrad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const grad = compareArrays(got.vImage, refGrad, tol.grad * largest, 0, `${name} v_image`);
  expect(grad.ok, grad.message).toBe(true);
  return { stats: stats.maxAbs, psnr, grad: grad.maxAbs / largest };
}

describe('ImageLoss window', () => {
  it('uses the float64 window in shaders/common/ssim.wgsl (rel 1e-7: 9 significant digits, then f32)', () => {
    const text = SHADER_SOURCES.get('common/ssim.wgsl') ?? '';
    const m = /ssim_window\s*:\s*array<f32,\s*SSIM_TAPS>\s*=\s*array<f32,\s*SSIM_TAPS>\(([^)]*)\)/.exec(text);
    expect(m).not.toBeNull();
    const taps = m![1].split(',').map((t) => Number(t.trim()));
    expect(taps.length).toBe(parseWgslConstants(text).SSIM_TAPS);
    expectClose(taps, Array.from(gaussianWindow()), 0, 1e-7, 'ssim window');
  });
});

describe.each([
  ['per-pixel kernels (GPU shapes)', GPU_SHAPES],
  ['strip kernels (CPU shapes)', CPU_SHAPES],
] as [string, KernelShapes][])('ImageLoss, %s', (_name, shapes) => {

  it('matches the reference on random images of 16x16, 64x48, 37x23, 1x1 and 17x2 with one instance', async () => {
    const loss = new ImageLoss(device, { shapes });
    // measured on a correct build (SwiftShader), worst of the five sizes: stats 8.9e-8, PSNR
    // 2.0e-6 dB, v_image 7.0e-7 of its largest value (f32 moments over 121 taps, then f32 tree
    // sums); tolerances 10x.
    const tol = { stats: 8.9e-7, psnr: 2.1e-5, grad: 7e-6 };
    const worst = { stats: 0, psnr: 0, grad: 0 };
    for (const [w, h, seed] of [
      [16, 16, 1],
      [64, 48, 2],
      [37, 23, 3], // shrinking reuses the grown scratch buffers
      [1, 1, 4], // smaller than the window: every pixel sees the zero padding
      [17, 2, 5],
    ]) {
      const target = randomImage(w, h, seed);
      const image = noisy(target, 0.15, seed + 100);
      const e = checkAgainstReference(`${w}x${h}`, await runLoss(loss, image, target, w, h), image, target, w, h, tol);
      for (const k of ['stats', 'psnr', 'grad'] as const) worst[k] = Math.max(worst[k], e[k]);
    }
    console.log('[image loss, random images] worst errors:', JSON.stringify(worst));
    loss.destroy();
  });

  it('matches the reference on a photo crop, with the target as a GPU buffer and lambda 0.5', async () => {
    const w = 45;
    const h = 30;
    const target = photoCrop(w, h, 4, 200, 150);
    // A shifted crop of the same photo: structured, realistic differences.
    const image = photoCrop(w, h, 4, 204, 152);
    const targetBuf = createBufferWithData(device, 'test.target', target);
    const loss = new ImageLoss(device, { ssimWeight: 0.5, shapes });
    const got = await runLoss(loss, image, targetBuf, w, h);
    // measured on a correct build (SwiftShader): stats 5.5e-7, PSNR 2.4e-6 dB, v_image 1.9e-5 of
    // its largest value, noisier than random images: the SSIM derivatives divide by A B, small in
    // the photo's flat regions, and carry the f32 moment error with them. Tolerances 10x.
    const e = checkAgainstReference('photo', got, image, target, w, h, { stats: 5.5e-6, psnr: 2.4e-5, grad: 1.9e-4 }, 0.5);
    console.log('[image loss, photo crop] errors:', JSON.stringify(e));
    const ssimValue = got.stats[LOSS_STATS.ssim];
    expect(ssimValue).toBeGreaterThan(0.05);
    expect(ssimValue).toBeLessThan(0.95);
    loss.destroy();
    targetBuf.destroy();
  });

  it('gives SSIM 1, loss 0, PSNR 100 and a zero gradient on identical images', async () => {
    const w = 21;
    const h = 18;
    const img = randomImage(w, h, 9);
    const loss = new ImageLoss(device, { shapes });
    const got = await runLoss(loss, img, img, w, h);
    // SSIM of identical inputs: every map value is q/q with q computed once, up to f32 rounding
    // (measured 6.0e-8, one f32 ulp below 1; 10x).
    expect(Math.abs(got.stats[LOSS_STATS.ssim] - 1)).toBeLessThan(6e-7);
    expect(got.stats[LOSS_STATS.l1]).toBe(0);
    expect(got.stats[LOSS_STATS.psnr]).toBeCloseTo(100, 4);
    // At the maximum of SSIM the gradient vanishes; f32 rounding leaves 2.6e-7 of one L1 unit
    // 1 / (3HW) (measured; 10x).
    const unit = 3 * w * h;
    const maxGrad = Math.max(...got.vImage.map((v) => Math.abs(v * unit)));
    expect(maxGrad).toBeLessThan(2.6e-6);
    loss.destroy();
  });

  it('is deterministic: two runs give bit-identical v_image and stats; metrics-only gives the same stats', async () => {
    const w = 53;
    const h = 35;
    const target = randomImage(w, h, 11);
    const image = noisy(target, 0.3, 12);
    const loss = new ImageLoss(device, { shapes });
    const a = await runLoss(loss, image, target, w, h);
    const b = await runLoss(loss, image, target, w, h);
    expect(new Uint32Array(b.vImage.buffer)).toEqual(new Uint32Array(a.vImage.buffer));
    expect(new Uint32Array(b.stats.buffer)).toEqual(new Uint32Array(a.stats.buffer));

    const zero = new Float32Array(LOSS_STATS.floats);
    device.queue.writeBuffer(loss.statsBuffer, 0, zero);
    const imageBuf = createBufferWithData(device, 'test.image', image);
    const enc = device.createCommandEncoder({ label: 'test.metrics' });
    loss.encodeMetrics(enc, imageBuf);
    device.queue.submit([enc.finish()]);
    const stats = await loss.readStats();
    expect([stats.loss, stats.l1, stats.ssim, stats.mse, stats.psnr]).toEqual(Array.from(a.stats.subarray(0, 5)));
    expect(compareArrays(a.vImage, new Float32Array(a.vImage.length), 0).ok).toBe(false); // the gradient is not trivially zero
    imageBuf.destroy();
    loss.destroy();
  });

  it('rejects bad input with messages naming the problem', () => {
    const loss = new ImageLoss(device, { shapes });
    const buf = createBufferWithData(device, 'test.small', new Float32Array(16));
    const enc = device.createCommandEncoder();
    expect(() => loss.encode(enc, buf, buf)).toThrow(/call setTarget first/);
    expect(() => loss.setTarget(new Float32Array(10), 4, 4)).toThrow(/target has 10 floats, expected 4 x 4 x 4 = 64/);
    expect(() => loss.setTarget(buf, 8, 8)).toThrow(/'test.small' has 64 bytes, a 8 x 8 RGBA f32 image needs 1024/);
    expect(() => loss.setTarget(new Float32Array(0), 0, 5)).toThrow(/positive integers/);
    loss.setTarget(new Float32Array(8 * 8 * 4), 8, 8);
    expect(() => loss.encode(enc, buf, buf)).toThrow(/image buffer 'test.small' has 64 bytes/);
    expect(() => new ImageLoss(device, { ssimWeight: 1.5, shapes })).toThrow(/ssimWeight must be in \[0, 1\]/);
    enc.finish();
    buf.destroy();
    loss.destroy();
  });
});

describe('ImageLoss shape classes', () => {
  it(`give bit-identical stats and v_image (strips of ${LOSS_STRIP}: ragged last strips, several workgroups each way)`, async () => {
    const gpu = new ImageLoss(device, { shapes: GPU_SHAPES });
    const cpu = new ImageLoss(device, { shapes: CPU_SHAPES });
    // 131 x 125 and 125 x 131: two workgroups of 16 strips along one axis, one nearly full
    // workgroup along the other (125 of 128 pixels: a strip stride off by one leaves rows
    // unwritten), ragged last strips; 5 x 3: one partial strip; 16 x 16: exact strips. Both
    // classes sum the same products in the same order (taps outside the image add an exact 0),
    // so no tolerance.
    for (const [w, h, seed] of [
      [131, 125, 21],
      [125, 131, 24],
      [5, 3, 22],
      [16, 16, 23],
    ]) {
      const target = randomImage(w, h, seed);
      const image = noisy(target, 0.2, seed + 100);
      const a = await runLoss(gpu, image, target, w, h);
      const b = await runLoss(cpu, image, target, w, h);
      expect(new Uint32Array(b.vImage.buffer), `${w}x${h} v_image`).toEqual(new Uint32Array(a.vImage.buffer));
      expect(new Uint32Array(b.stats.buffer), `${w}x${h} stats`).toEqual(new Uint32Array(a.stats.buffer));
    }
    gpu.destroy();
    cpu.destroy();
  });
});
