/**
 * The four per-pixel kernels of the image loss, each on its own, fed the float64 reference's
 * intermediates (src/reference/loss.ts) rounded to f32: the horizontal moment filter, the SSIM
 * map with its local derivatives, the horizontal adjoint filter and the final backward. So an
 * error in one cannot hide behind (or be blamed on) another, as it can in image-loss.test.ts,
 * which checks the chain. Both forms of each kernel: per pixel (GPUs) and per strip of LOSS_STRIP
 * pixels along the filter direction (*_strip.wgsl, CPU adapters).
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import type { BindingKind } from '../../src/gpu/pipeline';
import { ComputeKernel } from '../../src/kernels/compute-kernel';
import { LOSS_STRIP, dispatchLossKernel } from '../../src/kernels/image-loss';
import { channel, filterRows, imageLossGradient, product, ssimLocalGradients } from '../../src/reference/loss';
import { getTestDevice } from '../helpers/gpu';
import { noisy, photoCrop, randomImage } from '../helpers/images';
import { nanBuffer } from '../helpers/kernel-inputs';

const LAMBDA = 0.2;

interface Images {
  name: string;
  w: number;
  h: number;
  image: Float32Array;
  target: Float32Array;
}

/** The reference's planes for every kernel boundary, [planes, H * W] like the GPU buffers. */
function referencePlanes(c: Images) {
  const n = c.w * c.h;
  const planes = (list: Float64Array[]): Float64Array => {
    const out = new Float64Array(list.length * n);
    list.forEach((p, k) => out.set(p, k * n));
    return out;
  };
  const x = [0, 1, 2].map((ch) => channel(c.image, ch, n));
  const y = [0, 1, 2].map((ch) => channel(c.target, ch, n));
  const moments = [x, y, x.map((v) => product(v, v)), y.map((v) => product(v, v)), x.map((v, ch) => product(v, y[ch]))].flat();
  const local = ssimLocalGradients(c.image, c.target, c.w, c.h, LAMBDA);
  const vSsim = [...local.dMu1, ...local.dS11, ...local.dS12];
  return {
    momentsH: planes(moments.map((p) => filterRows(p, c.w, c.h))),
    vSsim: planes(vSsim),
    vSsimH: planes(vSsim.map((p) => filterRows(p, c.w, c.h))),
    vImage: imageLossGradient(c.image, c.target, c.w, c.h, LAMBDA),
  };
}

/**
 * Scalar planes [k * 3 + c][H * W] (kind k, channel c) as the GPU's vec4 planes [k][H * W] of
 * (r, g, b, 0), and back.
 */
function toVec4Planes(planes: Float64Array, kinds: number, n: number): Float32Array {
  const out = new Float32Array(kinds * n * 4);
  for (let k = 0; k < kinds; k++) for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) out[(k * n + p) * 4 + c] = planes[(k * 3 + c) * n + p];
  return out;
}

function fromVec4Planes(v: Float32Array, kinds: number, n: number): { planes: Float32Array; wNonZero: number } {
  const planes = new Float32Array(kinds * 3 * n);
  let wNonZero = 0;
  for (let k = 0; k < kinds; k++) {
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) planes[(k * 3 + c) * n + p] = v[(k * n + p) * 4 + c];
      if (v[(k * n + p) * 4 + 3] !== 0) wNonZero++;
    }
  }
  return { planes, wNonZero };
}

/**
 * Runs one loss kernel over the image grid with `inputs` bound after the params uniform; an
 * invocation covers `strip` pixels along x or y.
 */
async function runKernel(file: string, kinds: BindingKind[], c: Images, inputs: (Float32Array | number)[], strip: { x: number; y: number }): Promise<Float32Array[]> {
  const device = await getTestDevice();
  const params = new ArrayBuffer(16);
  new Uint32Array(params, 0, 2).set([c.w, c.h]);
  new Float32Array(params, 8, 2).set([LAMBDA, 1 / (3 * c.w * c.h)]);
  const uniform = createBufferWithData(device, 'test.lossParams', new Uint8Array(params), 0x40 | 0x8); // UNIFORM | COPY_DST
  // A number asks for an output of that many floats, NaN-filled so unwritten values fail.
  const buffers = inputs.map((v, k) => (typeof v === 'number' ? nanBuffer(device, `test.out${k}`, v) : createBufferWithData(device, `test.in${k}`, v)));
  const kernel = new ComputeKernel(device, `test.${file}`, file, ['uniform', ...kinds], false);
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  dispatchLossKernel(kernel, pass, kernel.bind([uniform, ...buffers]), c.w, c.h, strip);
  pass.end();
  device.queue.submit([enc.finish()]);
  const outputs: Float32Array[] = [];
  for (let k = 0; k < inputs.length; k++) if (typeof inputs[k] === 'number') outputs.push(await readF32(device, buffers[k], inputs[k] as number));
  uniform.destroy();
  for (const b of buffers) b.destroy();
  return outputs;
}

/** Max |gpu - reference| over a block of planes, relative to the block's largest |reference|. */
function blockError(got: Float32Array, want: Float64Array, from: number, to: number, n: number): number {
  let scale = 0;
  let err = 0;
  for (let i = from * n; i < to * n; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = from * n; i < to * n; i++) {
    const e = Math.abs(got[i] - want[i]);
    err = Number.isNaN(e) ? Infinity : Math.max(err, e);
  }
  return err / scale;
}

describe('image loss kernels one at a time vs the float64 reference', () => {
  // 37 x 23: not a multiple of the 16 x 16 workgroup, and the window reaches every border. The
  // photo crop has flat regions where A B is small and the SSIM derivatives are large.
  const random = (): Images => {
    const target = randomImage(37, 23, 3);
    return { name: 'random 37x23', w: 37, h: 23, image: noisy(target, 0.15, 103), target };
  };
  const photo = (): Images => ({ name: 'photo crop 45x30', w: 45, h: 30, image: photoCrop(45, 30, 4, 204, 152), target: photoCrop(45, 30, 4, 200, 150) });
  // measured on a correct build (SwiftShader), [random, photo], max error relative to the
  // largest reference value of the block; tolerances 10x:
  //   blur_h moments 1.6e-7 / 2.0e-7 (11-tap f32 sums)
  //   ssim_map derivatives 1.1e-5 / 2.4e-4 (f32 moments: sigma^2 = E[x^2] - mu^2 cancels, and the
  //     photo's flat regions divide by a small A B)
  //   backward_h 1.9e-7 / 1.5e-7, loss_backward 5.1e-7 / 1.7e-6
  const cases = [
    { make: random, tol: { blurH: 1.6e-6, map: 1.1e-4, backwardH: 1.9e-6, backward: 5.1e-6 } },
    { make: photo, tol: { blurH: 2e-6, map: 2.4e-3, backwardH: 1.5e-6, backward: 1.7e-5 } },
  ];
  // The strip forms sum the same products in the same order: same bits, same tolerances.
  const forms = [
    { form: 'per pixel', suffix: '', strip: 1 },
    { form: `strips of ${LOSS_STRIP}`, suffix: '_strip', strip: LOSS_STRIP },
  ];
  for (const { form, suffix, strip } of forms) for (const { make, tol } of cases) {
    const c = make();
    it(`${c.name}, ${form}: each kernel against the reference given the reference's inputs`, async () => {
      const n = c.w * c.h;
      const ref = referencePlanes(c);
      const rows = { x: strip, y: 1 };
      const columns = { x: 1, y: strip };
      const [momentsV] = await runKernel(`ssim_blur_h${suffix}.wgsl`, ['read', 'read', 'rw'], c, [c.image, c.target, 5 * 4 * n], rows);
      const [vSsimV] = await runKernel(`ssim_map${suffix}.wgsl`, ['read', 'read', 'read', 'rw', 'rw'], c, [toVec4Planes(ref.momentsH, 5, n), c.image, c.target, 3 * 4 * n, 4 * n], columns);
      const [vSsimHV] = await runKernel(`ssim_backward_h${suffix}.wgsl`, ['read', 'rw'], c, [toVec4Planes(ref.vSsim, 3, n), 3 * 4 * n], rows);
      const [vImage] = await runKernel(`loss_backward${suffix}.wgsl`, ['read', 'read', 'read', 'rw'], c, [toVec4Planes(ref.vSsimH, 3, n), c.image, c.target, 4 * n], columns);
      const outputs = [fromVec4Planes(momentsV, 5, n), fromVec4Planes(vSsimV, 3, n), fromVec4Planes(vSsimHV, 3, n)];
      // The fourth lane of every vec4 plane is written, as 0.
      for (const o of outputs) expect(o.wNonZero).toBe(0);
      const [momentsH, vSsim, vSsimH] = outputs.map((o) => o.planes);
      const errors = {
        blurH: blockError(momentsH, ref.momentsH, 0, 15, n),
        // Each derivative kind is its own block: their scales differ by orders of magnitude.
        map: Math.max(blockError(vSsim, ref.vSsim, 0, 3, n), blockError(vSsim, ref.vSsim, 3, 6, n), blockError(vSsim, ref.vSsim, 6, 9, n)),
        backwardH: Math.max(blockError(vSsimH, ref.vSsimH, 0, 3, n), blockError(vSsimH, ref.vSsimH, 3, 6, n), blockError(vSsimH, ref.vSsimH, 6, 9, n)),
        backward: blockError(vImage, ref.vImage, 0, 1, 4 * n),
      };
      console.log(`[loss kernels, ${c.name}, ${form}]`, JSON.stringify(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.toExponential(2)]))));
      for (const k of Object.keys(errors) as (keyof typeof errors)[]) expect(errors[k], k).toBeLessThan(tol[k]);
      // The alpha channel of v_image is written, as 0.
      for (let p = 0; p < n; p++) expect(vImage[p * 4 + 3]).toBe(0);
    });
  }
});
