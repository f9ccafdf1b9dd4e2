/**
 * The viewer's sorted-quad path (src/render/sorted-splat-pass.ts) against the float64 reference
 * render that the tile path matches to 1e-5 (forward.test.ts). The quads blend in the hardware,
 * so the differences are blending precision (8-bit targets round at every blend and clamp
 * partial sums to [0, 1]; half floats carry 11 bits), the fragment's polynomial falloff
 * (relative error 8.9e-5), the tile path's early
 * stop at T < 1e-4 (the quads keep blending), and the quads' EXTENT_SIGMA cap along each axis
 * where the tiles blend a pixel of a touched tile beyond it. Images are compared after the clamp to [0, 1]
 * that the canvas applies.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { referenceRender } from '../../src/reference';
import { SplatRenderer } from '../../src/render/splat-renderer';
import { GaussianBuffers } from '../../src/render/gaussian-buffers';
import { depthKeyBits, depthKeyRange } from '../../src/render/sorted-splat-pass';
import { readPly } from '../../src/io/ply';
import { lookAtCamera, type Camera } from '../../src/io/camera';
import { type SplatScene, sceneBounds } from '../../src/io/scene';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { getTestDevice } from '../helpers/gpu';
import { randomScene, testCamera } from '../helpers/scenes';

const DATA = resolve(__dirname, '../../../shared/data');

interface Stats {
  mean: number;
  p99: number;
  max: number;
}

function compare(quads: Float32Array, ref: Float64Array, pixels: number): Stats {
  const errs = new Float64Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const want = Math.min(1, Math.max(0, ref[p * 3 + c]));
      const got = Math.min(1, Math.max(0, quads[p * 4 + c]));
      errs[p * 3 + c] = Number.isNaN(got) ? Infinity : Math.abs(got - want);
    }
  }
  const sorted = errs.slice().sort();
  const mean = errs.reduce((s, v) => s + v, 0) / errs.length;
  return { mean, p99: sorted[Math.floor(0.99 * (sorted.length - 1))], max: sorted[sorted.length - 1] };
}

/** Both primitive shapes: the polygon table's triangles (CPU adapters) and a quad per splat (GPUs). */
const SHAPES = { triangle: CPU_SHAPES, quad: GPU_SHAPES } as const;

async function renderQuads(scene: SplatScene, cam: Camera, format: 'rgba8unorm' | 'rgba16float', background: [number, number, number] = [0, 0, 0], shapes: KernelShapes = CPU_SHAPES) {
  const device = await getTestDevice();
  const renderer = new SplatRenderer(device, { shapes });
  try {
    renderer.setScene(scene);
    return await renderer.renderSortedToImage(cam, { shDegree: scene.shDegree, splatScale: 1, background }, format);
  } finally {
    renderer.destroy();
  }
}

function realCamera(scene: SplatScene, w: number, h: number): Camera {
  const b = sceneBounds(scene);
  const centre = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2);
  const size = Math.max(...[0, 1, 2].map((a) => b.max[a] - b.min[a]));
  const eye = [centre[0] + size * 0.3, centre[1] - size * 0.2, centre[2] - size * 0.9];
  return lookAtCamera(eye, centre, [0, -1, 0], w, h, 50);
}

/**
 * Three round splats of about 2.5 px on a 60x20 image, 20 px apart, each centred on a pixel
 * centre at depth `z`, with these opacities and RGB colours (SH degree 0).
 */
function threeSplatsInARow(opacities: number[], colours: number[]): { cam: Camera; scene: SplatScene; centres: number[]; z: number } {
  const cam = testCamera(60, 20);
  const centres = [10.5, 30.5, 50.5];
  const z = 4;
  const scene: SplatScene = {
    count: 3,
    shDegree: 0,
    means: new Float32Array(centres.flatMap((px) => [((px - cam.cx) * z) / cam.fx, ((9.5 - cam.cy) * z) / cam.fy, z])),
    logScales: new Float32Array(9).fill(Math.log(0.18)), // about 2.5 px
    quats: new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]),
    opacityLogits: new Float32Array(opacities.map((o) => Math.log(o / (1 - o)))),
    sh: new Float32Array(colours.map((c) => (c - 0.5) / 0.28209479177387814)),
  };
  return { cam, scene, centres, z };
}

/** Measured on a correct build (SwiftShader) per case and target format; bounds are 10x. */
type Measured = Record<'rgba16float' | 'rgba8unorm', { mean: number; p99: number }>;

function expectWithin(name: string, s: Stats, m: { mean: number; p99: number }): void {
  console.log(`[sorted ${name}] mean ${s.mean.toExponential(2)} p99 ${s.p99.toExponential(2)} max ${s.max.toExponential(2)}`);
  expect(s.mean).toBeLessThan(10 * m.mean);
  expect(s.p99).toBeLessThan(10 * m.p99);
}

/** The rgba8 texture's bytes, rows `bytesPerRow` apart, through a MAP_READ buffer. */
async function readTexture(device: GPUDevice, target: GPUTexture, read: GPUBuffer, bytesPerRow: number): Promise<Uint8Array> {
  const enc = device.createCommandEncoder();
  enc.copyTextureToBuffer({ texture: target }, { buffer: read, bytesPerRow }, [target.width, target.height]);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(0x1); // MAP_READ
  const bytes = new Uint8Array(read.getMappedRange().slice(0));
  read.unmap();
  return bytes;
}

describe('sorted quads vs float64 reference', () => {
  const cam = testCamera(80, 60);
  const random = randomScene(cam, { count: 600, shDegree: 2, seed: 5, behind: 0.05, huge: 0.02, opaque: 0.1 });
  /** measured: the larger of triangle's and quad's errors; shapeDiff: measured mean |triangle - quad| (rgba16float). */
  const cases: { name: string; scene: () => Promise<{ scene: SplatScene; cam: Camera }>; measured: Measured; shapeDiff: number }[] = [
    {
      name: 'random 600 splats, SH 2, behind/huge/opaque',
      scene: async () => ({ scene: random, cam }),
      measured: { rgba16float: { mean: 4.7e-4, p99: 4.7e-3 }, rgba8unorm: { mean: 2.0e-3, p99: 7.0e-3 } },
      shapeDiff: 4.0e-4,
    },
    {
      name: 'ply/playbot-1873.ply',
      scene: () => realScene('ply/playbot-1873.ply'),
      measured: { rgba16float: { mean: 3.7e-4, p99: 5.6e-3 }, rgba8unorm: { mean: 1.4e-3, p99: 8.9e-3 } },
      shapeDiff: 2.74e-4,
    },
    {
      name: 'ply/donut-45624-sh0-nonormals.ply',
      scene: () => realScene('ply/donut-45624-sh0-nonormals.ply'),
      measured: { rgba16float: { mean: 4.7e-4, p99: 5.4e-3 }, rgba8unorm: { mean: 1.9e-3, p99: 1.0e-2 } },
      shapeDiff: 1.88e-4,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { scene, cam } = await c.scene();
      const ref = referenceRender(scene, cam, { shDegree: scene.shDegree });
      const pixels = cam.width * cam.height;
      // The scene must cover the image, or the comparison proves nothing.
      let covered = 0;
      for (const a of ref.alpha) if (a > 0.1) covered++;
      expect(covered).toBeGreaterThan(0.2 * pixels);
      const images: Record<string, Float32Array> = {};
      for (const [shape, shapes] of Object.entries(SHAPES)) {
        for (const format of ['rgba16float', 'rgba8unorm'] as const) {
          images[`${shape} ${format}`] = await renderQuads(scene, cam, format, [0, 0, 0], shapes);
          expectWithin(`${c.name} ${shape} ${format}`, compare(images[`${shape} ${format}`], ref.image, pixels), c.measured[format]);
        }
      }
      // The polygon table's pieces (a triangle, or a rectangle or hexagon for large splats) and
      // the quad all hold the k-ellipse and shade each pixel alike; they differ where alpha is
      // still above 1/255 beyond the EXTENT_SIGMA cap (the quad's rectangle cuts it, a larger
      // triangle keeps more of it, like the tile path): a small mean difference.
      let shapeDiff = 0;
      const [t, q] = [images['triangle rgba16float'], images['quad rgba16float']];
      for (let i = 0; i < t.length; i++) shapeDiff += Math.abs(t[i] - q[i]) / t.length;
      console.log(`[sorted ${c.name}] triangle vs quad mean ${shapeDiff.toExponential(2)}`);
      // 3x: deterministic on one adapter, and a triangle that clips the ellipse at 0.75 k
      // moves it 10-12x (and fails the reference comparison above).
      expect(shapeDiff).toBeLessThan(3 * c.shapeDiff);
    });
  }

  it('composites over a background, and draws exactly the splats the reference keeps', async () => {
    const bg: [number, number, number] = [0.2, 0.5, 0.9];
    const ref = referenceRender(random, cam, { shDegree: 2, background: bg });
    const device = await getTestDevice();
    for (const shapes of Object.values(SHAPES)) {
      const renderer = new SplatRenderer(device, { shapes });
      try {
        renderer.setScene(random);
        const image = await renderer.renderSortedToImage(cam, { shDegree: 2, splatScale: 1, background: bg }, 'rgba16float');
        // measured mean 4.4e-4, p99 3.4e-3 (the larger of triangle and quad; as without background)
        expectWithin('random over a background', compare(image, ref.image, 80 * 60), { mean: 4.4e-4, p99: 3.4e-3 });
        const visible = ref.projected.filter((p) => p.radius > 0).length;
        expect(visible).toBeGreaterThan(100);
        expect(visible).toBeLessThan(random.count);
        expect(await renderer.sortedDrawCount()).toBe(visible);
      } finally {
        renderer.destroy();
      }
    }
  });

  it("caps alpha at 0.99 and skips it below 1/255 as the reference does, splat by splat", async () => {
    // Three white splats apart on black, opacities 0.999 (capped at its centre), 0.3 and 0.03
    // (most of its ellipse is near the 1/255 skip); each centred on a pixel centre.
    const opacities = [0.999, 0.3, 0.03];
    const { cam, scene, centres, z } = threeSplatsInARow(opacities, new Array(9).fill(1));
    const ref = referenceRender(scene, cam, { shDegree: 0 });
    const sigma = Math.sqrt(((cam.fx * 0.18) / z) ** 2 + 0.3);
    for (const shapes of Object.values(SHAPES)) {
      const image = await renderQuads(scene, cam, 'rgba16float', [0, 0, 0], shapes);
      const worst = opacities.map(() => 0);
      for (let y = 0; y < 20; y++) {
        for (let x = 0; x < 60; x++) {
          const s = x < 20 ? 0 : x < 40 ? 1 : 2;
          // The opaque splat's ellipse at 1/255 reaches past EXTENT_SIGMA, where the quads stop
          // and the reference does not: only its inner 2.5 sigma is compared.
          if (s === 0 && Math.hypot(x + 0.5 - centres[0], y + 0.5 - 9.5) > 2.5 * sigma) continue;
          const p = y * 60 + x;
          worst[s] = Math.max(worst[s], Math.abs(image[p * 4 + 3] - ref.alpha[p]), Math.abs(image[p * 4] - ref.image[p * 3]));
        }
      }
      console.log(`[sorted cap and skip] max |alpha or red - reference| per splat: ${worst.map((e) => e.toExponential(2)).join(', ')}`);
      // measured 2.3e-4, 8.2e-5, 6.9e-6 (half-float rounding and the falloff's fit); without
      // the cap the first is 9e-3 off, and a skip below 4/255 leaves the last up to 1.6e-2 off.
      expect(worst[0]).toBeLessThan(2.3e-3);
      expect(worst[1]).toBeLessThan(8.2e-4);
      expect(worst[2]).toBeLessThan(6.9e-5);
      expect(ref.alpha[9 * 60 + 10]).toBeCloseTo(0.99, 12);
    }
  });

  it('carries colours above 1 through the blend: premultiplied in the shader, clamped only after', async () => {
    // SH colours may exceed 1; only the composited pixel is clamped. Three translucent splats
    // apart on black with channels up to 4 whose colour times alpha stays below 1. A blend that
    // multiplies by alpha itself (src factor src-alpha) gets the colour clamped to [0, 1] first
    // on unorm targets (Vulkan's rule), which halves these pixels: the page's rgba8unorm
    // frames are the ones that must hold.
    // Opacities at most 0.35, so each ellipse at 1/255 lies inside the EXTENT_SIGMA cap.
    const { cam, scene } = threeSplatsInARow([0.35, 0.3, 0.2], [2.6, 0.8, 1.6, 2.5, 1.2, 0.4, 4.0, 3.0, 0.9]);
    const ref = referenceRender(scene, cam, { shDegree: 0 });
    let brightest = 0;
    for (const v of ref.image) brightest = Math.max(brightest, v);
    expect(brightest).toBeGreaterThan(0.79); // 2.6 x 0.35 at the first splat's centre
    expect(brightest).toBeLessThan(1);
    for (const [shape, shapes] of Object.entries(SHAPES)) {
      for (const format of ['rgba8unorm', 'rgba16float'] as const) {
        const s = compare(await renderQuads(scene, cam, format, [0, 0, 0], shapes), ref.image, cam.width * cam.height);
        console.log(`[sorted colours above 1 ${shape} ${format}] mean ${s.mean.toExponential(2)} max ${s.max.toExponential(2)}`);
        // measured max 1.96e-3 (rgba8unorm: half the 8-bit step) and 2.6e-4 (rgba16float);
        // clamping the colour before alpha leaves the centres 0.2-0.5 off.
        expect(s.max).toBeLessThan(format === 'rgba8unorm' ? 1.96e-2 : 2.6e-3);
      }
    }
  });

  it('draws large splats with tighter polygons from the polygon table on CPU adapters, as the reference', async () => {
    // Splats of 1, 7 and 14 px standard deviation along their major axis and 0.7 of it along
    // the other (k = 3): triangles of about 33, 1,600 and 6,400 px, so 1, 2 (a rectangle, above
    // 930) and 4 (a hexagon, above 4,150) triangles (common/quad.wgsl).
    const cam = testCamera(180, 90);
    const sigmas = [1, 7, 14];
    const centres = [25.5, 75.5, 130.5];
    const depths = [4, 4.5, 5];
    const scene: SplatScene = {
      count: 3,
      shDegree: 0,
      means: new Float32Array(centres.flatMap((px, i) => [((px - cam.cx) * depths[i]) / cam.fx, ((45.5 - cam.cy) * depths[i]) / cam.fy, depths[i]])),
      logScales: new Float32Array(sigmas.flatMap((s, i) => [Math.log((s * depths[i]) / cam.fx), Math.log((s * depths[i]) / cam.fx * 0.7), Math.log(0.01)])),
      quats: new Float32Array([1, 0, 0, 0, 0.92, 0, 0, 0.38, 0.7, 0, 0, -0.7]),
      opacityLogits: new Float32Array(3).fill(0), // 0.5: k = 3, the EXTENT_SIGMA cap
      sh: new Float32Array([0.4, 0.9, -0.3, 1.2, -0.2, 0.5, -0.6, 0.3, 1.5]),
    };
    const ref = referenceRender(scene, cam, { shDegree: 0 });
    const device = await getTestDevice();
    for (const [shape, shapes] of Object.entries(SHAPES)) {
      const renderer = new SplatRenderer(device, { shapes });
      try {
        renderer.setScene(scene);
        const image = await renderer.renderSortedToImage(cam, { shDegree: 0, splatScale: 1, background: [0, 0, 0] }, 'rgba16float');
        expect(await renderer.sortedDrawStats()).toEqual({ visible: 3, triangles: shape === 'triangle' ? 7 : 6 });
        // measured max 5.1e-3 (the table's pieces) and 4.5e-3 (quads): half-float rounding and
        // the k = 3 cap, where the pieces and the quad stop and the reference does not. A
        // missing or misplaced piece leaves a wedge undrawn (a hexagon's ear: 0.1 and more).
        const s = compare(image, ref.image, cam.width * cam.height);
        console.log(`[sorted polygons ${shape}] mean ${s.mean.toExponential(2)} max ${s.max.toExponential(2)}`);
        expect(s.max).toBeLessThan(5.1e-2);
      } finally {
        renderer.destroy();
      }
    }
  });

  it('sorts by f32 depth bits when the centres are not known on the CPU, with the same image', async () => {
    const device = await getTestDevice();
    const renderer = new SplatRenderer(device);
    const owned = new SplatRenderer(device);
    try {
      owned.setScene(random);
      const set = owned.gaussianSet!;
      // The same buffers without a CPU box, as a training run's live state.
      renderer.setGaussians({ ...set, count: set.count, shDegree: set.shDegree, shCoeffs: set.shCoeffs, bounds: undefined });
      const opts = { shDegree: 2, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
      const exactKeys = await renderer.renderSortedToImage(cam, opts, 'rgba16float');
      const quantised = await owned.renderSortedToImage(cam, opts, 'rgba16float');
      // 16-bit keys over this scene's depth range (steps of 6/65534) only reorder splats whose
      // depths differ by less than 1e-4: the images match to half-float rounding (measured 0).
      let max = 0;
      for (let i = 0; i < exactKeys.length; i++) max = Math.max(max, Math.abs(exactKeys[i] - quantised[i]));
      expect(max).toBeLessThan(1e-3);
    } finally {
      renderer.destroy();
      owned.destroy();
    }
  });
});

describe('render resolution', () => {
  it('draws at a lower resolution and scales it onto the target', async () => {
    const device = await getTestDevice();
    const renderer = new SplatRenderer(device);
    const small = testCamera(40, 30);
    const scene = randomScene(small, { count: 300, shDegree: 1, seed: 9 });
    const target = device.createTexture({ size: [80, 60], format: 'rgba8unorm', usage: 0x10 | 0x1 }); // RENDER_ATTACHMENT | COPY_SRC
    const read = device.createBuffer({ size: 512 * 60, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    try {
      renderer.setScene(scene);
      const opts = { shDegree: 1, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
      const want = await renderer.renderSortedToImage(small, opts, 'rgba8unorm');
      renderer.drawToTexture(small, opts, target);
      const big = await readTexture(device, target, read, 512);
      // Bilinear sampling of the small image at the target's pixel centres (clamped at the edges).
      const src = (x: number, y: number, c: number) => want[(Math.min(29, Math.max(0, y)) * 40 + Math.min(39, Math.max(0, x))) * 4 + c];
      let max = 0;
      for (let Y = 0; Y < 60; Y++) {
        for (let X = 0; X < 80; X++) {
          const u = (X + 0.5) / 2 - 0.5;
          const v = (Y + 0.5) / 2 - 0.5;
          const x0 = Math.floor(u);
          const y0 = Math.floor(v);
          const fx = u - x0;
          const fy = v - y0;
          for (let c = 0; c < 3; c++) {
            const top = src(x0, y0, c) * (1 - fx) + src(x0 + 1, y0, c) * fx;
            const bottom = src(x0, y0 + 1, c) * (1 - fx) + src(x0 + 1, y0 + 1, c) * fx;
            const e = Math.abs(big[Y * 512 + X * 4 + c] / 255 - (top * (1 - fy) + bottom * fy));
            max = Math.max(max, e);
          }
        }
      }
      // measured 2.0e-3 (8-bit rounding of the filtered value and of its source); 10x is still
      // below half a grey level of a misplaced or mis-scaled image.
      console.log(`[sorted scaled] max ${max.toExponential(2)}`);
      expect(max).toBeLessThan(2e-2);
    } finally {
      renderer.destroy();
      target.destroy();
      read.destroy();
    }
  });
});

describe('frames of an unchanged scene', () => {
  it('reuse the last projection and order only for the same scene, camera and options', async () => {
    const device = await getTestDevice();
    const renderer = new SplatRenderer(device);
    const camA = testCamera(64, 48);
    const camB = lookAtCamera([0.6, -0.2, -3], [0, 0, 0], [0, -1, 0], 64, 48, 50);
    const scene = randomScene(camA, { count: 400, shDegree: 1, seed: 13 });
    const other = randomScene(camA, { count: 400, shDegree: 1, seed: 14 });
    const target = device.createTexture({ size: [64, 48], format: 'rgba8unorm', usage: 0x10 | 0x1 }); // RENDER_ATTACHMENT | COPY_SRC
    const read = device.createBuffer({ size: 256 * 48, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    const opts = { shDegree: 1, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
    const frame = async (cam: Camera, o = opts): Promise<Uint8Array> => {
      renderer.drawToTexture(cam, o, target);
      return readTexture(device, target, read, 256);
    };
    const differs = (a: Uint8Array, b: Uint8Array) => a.some((v, i) => v !== b[i]);
    try {
      // Before any scene (one loading), a frame is the background alone.
      const empty = await frame(camA, { ...opts, background: [0.2, 0.6, 1] });
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) expect([...empty.subarray(y * 256 + x * 4, y * 256 + x * 4 + 4)]).toEqual([51, 153, 255, 255]);
      }
      renderer.setScene(scene);
      const a = await frame(camA);
      const b = await frame(camB);
      expect(differs(a, b), 'another camera draws another image').toBe(true);
      expect(differs(await frame(camA), a), 'back to the first camera').toBe(false);
      expect(differs(await frame(camA), a), 'the same frame again (reused)').toBe(false);
      expect(differs(await frame(camA, { ...opts, splatScale: 0.5 }), a), 'another splat scale').toBe(true);
      expect(differs(await frame(camA), a)).toBe(false);
      renderer.setScene(other);
      const c = await frame(camA);
      expect(differs(c, a), 'another scene at the same camera').toBe(true);
      // A live set (as a training run shows) is redrawn from its current contents every frame.
      const live = GaussianBuffers.upload(device, scene);
      renderer.setGaussians(live);
      expect(differs(await frame(camA), a)).toBe(false);
      device.queue.writeBuffer(live.opacityLogits, 0, new Float32Array(scene.count).fill(-20));
      const faded = await frame(camA);
      expect(differs(faded, a), 'the live set changed in place').toBe(true);
      live.destroy();
    } finally {
      renderer.destroy();
      target.destroy();
      read.destroy();
    }
  });

  it("draws the panel's exact frames with the tile rasterizer: its image, clamped and rounded to 8 bits", async () => {
    const device = await getTestDevice();
    const renderer = new SplatRenderer(device);
    const cam = testCamera(64, 48);
    const scene = randomScene(cam, { count: 400, shDegree: 1, seed: 13 });
    const target = device.createTexture({ size: [64, 48], format: 'rgba8unorm', usage: 0x10 | 0x1 }); // RENDER_ATTACHMENT | COPY_SRC
    const read = device.createBuffer({ size: 256 * 48, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    const opts = { shDegree: 1, splatScale: 1, background: [0.1, 0.2, 0.3] as [number, number, number] };
    try {
      renderer.setScene(scene);
      const image = await renderer.renderToImage(cam, opts); // the tile rasterizer's f32 image
      renderer.drawToTexture(cam, { ...opts, exact: true }, target);
      const frame = await readTexture(device, target, read, 256);
      let worst = 0;
      let lit = 0;
      for (let p = 0; p < 64 * 48; p++) {
        const o = Math.floor(p / 64) * 256 + (p % 64) * 4;
        for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(frame[o + c] - 255 * Math.min(1, Math.max(0, image[p * 4 + c]))));
        if (image[p * 4 + 3] > 0.5) lit++;
        expect(frame[o + 3]).toBe(255); // opaque: the background is composited
      }
      console.log(`[exact frame] max |frame - 255 image| ${worst.toFixed(3)} levels, ${lit} pixels lit`);
      expect(lit).toBeGreaterThan(200); // the splats cover part of the frame
      // measured 0.500 (round to nearest); Vulkan lets a float-to-unorm conversion be off by up
      // to 0.6 of a level. The sorted quads' frame of the same scene is 1.94 levels off.
      expect(worst).toBeLessThan(0.6);
    } finally {
      renderer.destroy();
      target.destroy();
      read.destroy();
    }
  });
});

describe('depth keys', () => {
  const cam = testCamera(64, 48);
  it('maps the box depth range onto [0, 2^bits - 2] and refuses unusable boxes', () => {
    const k = depthKeyRange(cam, { min: [-1, -1, 2], max: [1, 1, 10] }, 16)!;
    expect(k.max).toBe(65534);
    expect(k.offset).toBeCloseTo(2, 12);
    expect((10 - k.offset) * k.scale).toBeCloseTo(65534, 6);
    // The near plane bounds the range from below.
    expect(depthKeyRange(cam, { min: [-1, -1, -5], max: [1, 1, 10] }, 16)!.offset).toBeCloseTo(0.01, 12);
    expect(depthKeyRange(cam, { min: [-1, -1, -5], max: [1, 1, -1] }, 16)).toBeUndefined();
    expect(depthKeyRange(cam, { min: [-1, -1, 2], max: [1, 1, Infinity] }, 16)).toBeUndefined();
    expect(depthKeyRange(cam, undefined, 16)).toBeUndefined();
    expect([depthKeyBits(1), depthKeyBits(65536), depthKeyBits(65537)]).toEqual([16, 16, 24]);
  });
});

async function realScene(file: string): Promise<{ scene: SplatScene; cam: Camera }> {
  const scene = (await readPly(new Uint8Array(readFileSync(resolve(DATA, file))), file)).scene;
  return { scene, cam: realCamera(scene, 96, 72) };
}
