/**
 * GPU backward vs the float64 reference backward (itself checked against finite differences in
 * test/reference), with random cotangent images; and determinism.
 */
import { describe, expect, it } from 'vitest';
import { referenceBackward, referenceBranchCounts, referenceProject } from '../../src/reference';
import { ForwardPass } from '../../src/render/forward-pass';
import { BackwardPass } from '../../src/render/backward-pass';
import { GaussianBuffers } from '../../src/render/gaussian-buffers';
import { createBufferWithData, readBuffer, readF32 } from '../../src/gpu/buffers';
import { type SplatScene, shCoeffCount } from '../../src/io/scene';
import type { Camera } from '../../src/io/camera';
import { getTestDevice } from '../helpers/gpu';
import { EVERY_BRANCH, posed, randomScene, type RandomSceneOptions, testCamera } from '../helpers/scenes';
import { nearThresholdPixels } from '../helpers/thresholds';
import { gradientError, rng } from '../helpers/compare';
import type { Dropout } from '../../src/kernels/camera-uniform';

interface GpuGrads {
  v_means: Float32Array;
  v_logScales: Float32Array;
  v_quats: Float32Array;
  v_opacityLogits: Float32Array;
  v_sh: Float32Array;
  densify: Float32Array;
  raw: ArrayBuffer[];
}

async function gpuBackward(scene: SplatScene, cam: Camera, vImage4: Float32Array, shDegree: number, bg: [number, number, number], antialias = false, filter2d?: number, dropout?: Dropout): Promise<GpuGrads> {
  const device = await getTestDevice();
  const gaussians = GaussianBuffers.upload(device, scene);
  const fwd = new ForwardPass(device);
  const bwd = new BackwardPass(device);
  const vImage = createBufferWithData(device, 'test.vImage', vImage4);
  try {
    const opts = { shDegree, splatScale: 1, background: bg, antialias, filter2d, dropout } as const;
    await fwd.renderExact(gaussians, cam, opts);
    const enc = device.createCommandEncoder();
    fwd.encode(enc, gaussians, cam, opts);
    bwd.encode(enc, fwd, gaussians, vImage);
    device.queue.submit([enc.finish()]);
    const g = bwd.gradients;
    const n = scene.count;
    const K = shCoeffCount(scene.shDegree);
    const raw = await Promise.all([
      readBuffer(device, g.vMeans, n * 12),
      readBuffer(device, g.vLogScales, n * 12),
      readBuffer(device, g.vQuats, n * 16),
      readBuffer(device, g.vOpacityLogits, n * 4),
      readBuffer(device, g.vSh, n * K * 12),
      readBuffer(device, g.densify, n * 16),
    ]);
    const [m, s, q, o, sh, d] = raw.map((b) => new Float32Array(b));
    return { v_means: m, v_logScales: s, v_quats: q, v_opacityLogits: o, v_sh: sh, densify: d, raw };
  } finally {
    gaussians.destroy();
    fwd.destroy();
    bwd.destroy();
    vImage.destroy();
  }
}

/**
 * A random cotangent image, zero at pixels where f32 may decide a blend differently from float64
 * (test/helpers/thresholds.ts): a flip there moves a gradient by a jump, not by rounding, and a
 * zero cotangent makes the pixel add nothing on either side.
 */
function cotangent(w: number, h: number, seed: number, near?: Uint8Array): { v4: Float32Array; v3: Float64Array } {
  const r = rng(seed);
  const v4 = new Float32Array(w * h * 4);
  const v3 = new Float64Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) {
      const v = near?.[p] ? 0 : r() * 2 - 1;
      v4[p * 4 + c] = v;
      v3[p * 3 + c] = Math.fround(v);
    }
  }
  return { v4, v3 };
}

type Grad = 'v_means' | 'v_logScales' | 'v_quats' | 'v_opacityLogits' | 'v_sh';
const GRADS: Grad[] = ['v_means', 'v_logScales', 'v_quats', 'v_opacityLogits', 'v_sh'];

describe('GPU backward vs float64 reference backward', () => {
  // `measured` on a correct build (SwiftShader): [relative norm error, worst element / largest]
  // per gradient, f32 against float64 through the rasterizer, SH and projection backward. The
  // bounds are 10x. Noisier cases have their own figures: one tile of six splats (few terms, so
  // one splat's f32 conic error shows in the log-scales), and the posed camera (the splat just
  // beyond the near plane: its view direction mean - centre has |.| ~ 0.016, and the f32 camera
  // centre alone moves it by ~4e-6).
  const cases: { name: string; w: number; h: number; n: number; deg: number; extra: Partial<RandomSceneOptions>; bg: [number, number, number]; pose?: boolean; antialias?: boolean; filter2d?: number; dropout?: Dropout; measured: Record<Grad | 'densify', [number, number]> }[] = [
    {
      name: 'SH 0, one tile',
      w: 16, h: 16, n: 6, deg: 0, extra: {}, bg: [0, 0, 0],
      measured: { v_means: [5.7e-7, 4.6e-7], v_logScales: [2e-5, 3.4e-5], v_quats: [6.8e-6, 5.3e-6], v_opacityLogits: [1.2e-5, 1.2e-5], v_sh: [3.3e-6, 2.7e-6], densify: [4e-7, 3.7e-7] },
    },
    {
      name: 'SH 1, odd image, WG+1 splats, every branch, posed camera',
      w: 37, h: 29, n: 257, deg: 1, extra: { behind: 0.1, opaque: 0.05, branches: true }, bg: [0.3, 0.2, 0.1], pose: true,
      measured: { v_means: [1.1e-5, 1.7e-5], v_logScales: [1.1e-6, 1.1e-6], v_quats: [1.6e-6, 9.7e-7], v_opacityLogits: [2.1e-6, 2.3e-6], v_sh: [7.2e-7, 5e-7], densify: [1.3e-6, 9.4e-7] },
    },
    {
      name: 'SH 3, huge splats and clamped colours, every branch, white background',
      w: 48, h: 40, n: 120, deg: 3, extra: { huge: 0.1, shScale: 3, branches: true }, bg: [1, 1, 1],
      measured: { v_means: [7.2e-7, 4.5e-7], v_logScales: [7e-7, 5.6e-7], v_quats: [8.4e-7, 5.6e-7], v_opacityLogits: [7.7e-7, 4.2e-7], v_sh: [5.7e-7, 3.4e-7], densify: [2.3e-6, 2.1e-6] },
    },
    {
      name: 'SH 2, many tiles, every branch',
      w: 70, h: 45, n: 300, deg: 2, extra: { huge: 0.03, behind: 0.05, opaque: 0.1, branches: true }, bg: [0, 0, 0],
      measured: { v_means: [1.7e-6, 2.1e-6], v_logScales: [9.3e-7, 4.3e-7], v_quats: [2.5e-6, 2.1e-6], v_opacityLogits: [1.1e-6, 6.4e-7], v_sh: [4.9e-7, 5e-7], densify: [1.6e-6, 1.9e-6] },
    },
    {
      name: 'anti-aliased (2D filter with opacity compensation), SH 1, every branch',
      w: 48, h: 40, n: 200, deg: 1, extra: { behind: 0.05, opaque: 0.1, branches: true }, bg: [0.2, 0.2, 0.4], antialias: true,
      measured: { v_means: [4.2e-7, 4.3e-7], v_logScales: [6.1e-7, 5.7e-7], v_quats: [1.3e-6, 1.2e-6], v_opacityLogits: [3.7e-7, 1.9e-7], v_sh: [1.7e-7, 9.1e-8], densify: [1.1e-6, 8.9e-7] },
    },
    {
      name: "anti-aliased with Mip-Splatting's 0.1 px^2 filter, SH 1, every branch",
      w: 48, h: 40, n: 200, deg: 1, extra: { behind: 0.05, opaque: 0.1, branches: true }, bg: [0.1, 0.3, 0.2], antialias: true, filter2d: 0.1,
      measured: { v_means: [2.7e-7, 3.3e-7], v_logScales: [6.9e-7, 7.5e-7], v_quats: [2.6e-6, 2.7e-6], v_opacityLogits: [3.4e-7, 1.5e-7], v_sh: [2.4e-7, 1.6e-7], densify: [1.6e-6, 1.5e-6] },
    },
    {
      // A third of the splats left out: their gradients are zero on both sides, the kept ones'
      // opacity is 1.5x (DropGaussian; src/reference/dropout.ts).
      name: 'dropout 1/3, SH 1, every branch',
      w: 48, h: 40, n: 200, deg: 1, extra: { behind: 0.05, opaque: 0.1, branches: true }, bg: [0.2, 0.1, 0.3], dropout: { rate: 1 / 3, seed: 3, iteration: 41 },
      measured: { v_means: [1.5e-6, 8.5e-7], v_logScales: [7.3e-7, 8.9e-7], v_quats: [1.6e-6, 1.0e-6], v_opacityLogits: [2.0e-6, 1.6e-6], v_sh: [2.3e-7, 1.5e-7], densify: [1.5e-6, 1.4e-6] },
    },
    {
      name: 'dropout 0.2 with the anti-aliasing filter, SH 1, every branch',
      w: 48, h: 40, n: 200, deg: 1, extra: { behind: 0.05, opaque: 0.1, branches: true }, bg: [0.3, 0.3, 0.1], antialias: true, filter2d: 0.1, dropout: { rate: 0.2, seed: 9, iteration: 800 },
      measured: { v_means: [1.9e-7, 1.7e-7], v_logScales: [6.1e-7, 5.5e-7], v_quats: [2.8e-6, 3.7e-6], v_opacityLogits: [2.8e-7, 1.3e-7], v_sh: [2.0e-7, 1.1e-7], densify: [1.6e-6, 1.1e-6] },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const base = testCamera(c.w, c.h);
      const random = randomScene(base, { count: c.n, shDegree: c.deg, seed: 1000 + c.n, ...c.extra });
      const { scene, cam } = c.pose ? posed(random, base, c.n) : { scene: random, cam: base };
      const opts = { shDegree: c.deg, background: c.bg, antialias: c.antialias, filter2d: c.filter2d, dropout: c.dropout };
      if (c.extra.branches) {
        const counts = referenceBranchCounts(scene, cam, opts);
        for (const k of EVERY_BRANCH) expect(counts[k], `the scene no longer reaches ${k}`).toBeGreaterThan(0);
      }
      const { v4, v3 } = cotangent(c.w, c.h, c.n, nearThresholdPixels(referenceProject(scene, cam, opts), c.w, c.h));
      const gpu = await gpuBackward(scene, cam, v4, c.deg, c.bg, c.antialias, c.filter2d, c.dropout);
      const ref = referenceBackward(scene, cam, v3, opts);
      const report: Record<string, string> = {};
      const check = (name: Grad | 'densify', a: ArrayLike<number>, b: ArrayLike<number>) => {
        const e = gradientError(a, b);
        report[name] = `${e.rel.toExponential(2)} ${e.elem.toExponential(2)}`;
        expect(e.nonzero, `${name} must not be all zero`).toBe(true);
        expect(e.rel, `${name} relative norm error`).toBeLessThan(10 * c.measured[name][0]);
        expect(e.elem, `${name}: ${e.worst}`).toBeLessThan(10 * c.measured[name][1]);
      };
      for (const name of GRADS) check(name, gpu[name], ref[name]);
      // Densification statistics: NDC gradient norm and visibility.
      check('densify', Array.from({ length: scene.count }, (_, i) => gpu.densify[i * 4]), ref.densify.gradNormNdc);
      for (let i = 0; i < scene.count; i++) expect(gpu.densify[i * 4 + 1], `visible count of splat ${i}`).toBe(ref.densify.visible[i]);
      console.log(`[backward ${c.name}] rel, elem:`, JSON.stringify(report));
    });
  }

  it('an overflowed frame (more intersections than capacity) adds nothing to the densification statistics', async () => {
    const device = await getTestDevice();
    const cam = testCamera(96, 64);
    const scene = randomScene(cam, { count: 400, shDegree: 0, seed: 11, huge: 0.5 });
    const { v4 } = cotangent(96, 64, 3);
    const gaussians = GaussianBuffers.upload(device, scene);
    const fwd = new ForwardPass(device);
    const bwd = new BackwardPass(device);
    const vImage = createBufferWithData(device, 'test.vImage', v4);
    const opts = { shDegree: 0, splatScale: 1, background: [0, 0, 0] } as const;
    const run = async () => {
      const enc = device.createCommandEncoder();
      fwd.encode(enc, gaussians, cam, opts);
      bwd.encode(enc, fwd, gaussians, vImage);
      device.queue.submit([enc.finish()]);
      return fwd.checkCapacity();
    };
    const capacity = fwd.capacity;
    expect(await run(), 'the first frame must overflow the initial capacity').toBe(false);
    expect(fwd.stats.intersections).toBeGreaterThan(capacity);
    const afterOverflow = await readF32(device, bwd.gradients.densify, 400 * 4);
    expect(afterOverflow.every((v) => v === 0)).toBe(true);
    expect(await run()).toBe(true); // grown: complete, counted once
    const once = await readF32(device, bwd.gradients.densify, 400 * 4);
    let visible = 0;
    for (let i = 0; i < 400; i++) visible += once[i * 4 + 1];
    expect(visible).toBeGreaterThan(100);
    expect(Math.max(...Array.from({ length: 400 }, (_, i) => once[i * 4 + 1]))).toBe(1);
    gaussians.destroy();
    fwd.destroy();
    bwd.destroy();
    vImage.destroy();
  });

  it('is deterministic: two runs give bit-identical gradients', async () => {
    const cam = testCamera(64, 48);
    const scene = randomScene(cam, { count: 600, shDegree: 3, seed: 77, huge: 0.05 });
    const { v4 } = cotangent(64, 48, 5);
    const a = await gpuBackward(scene, cam, v4, 3, [0, 0, 0]);
    const b = await gpuBackward(scene, cam, v4, 3, [0, 0, 0]);
    for (let k = 0; k < a.raw.length; k++) {
      expect(Buffer.from(a.raw[k]).equals(Buffer.from(b.raw[k]))).toBe(true);
    }
  });
});
