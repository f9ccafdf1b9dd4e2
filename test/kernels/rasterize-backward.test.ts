/**
 * The rasterizer backward kernel and the per-splat reduction of its partials, each on its own,
 * fed the float64 reference's intermediates (projected records rounded to f32, the reference's
 * final T and entry counts, its image): so neither the projection nor the forward rasterizer can
 * hide or cause an error here. Compared per (splat, tile) slot against the reference backward
 * restricted to that tile.
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { shCoeffCount } from '../../src/io/scene';
import { type PartialSum, RasterizeBackwardKernel } from '../../src/kernels/rasterize-backward';
import { ReduceIsectGradsKernel } from '../../src/kernels/project-backward';
import { referenceBranchCounts, referenceProject, rasterize, rasterizeBackward, TILE_SIZE } from '../../src/reference';
import { getTestDevice } from '../helpers/gpu';
import { GRAD_ROW, cameraUniform, isectLayout, nanBuffer, packGrads, packProjected, packTileRecords, rowError, roundProjected, unpackGrads } from '../helpers/kernel-inputs';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { ISECT_COUNT, PROJECTED_GRAD } from '../../src/kernels/layouts';
import { packStruct } from '../../src/gpu/struct-layout';
import { rng } from '../helpers/compare';
import { randomScene, testCamera } from '../helpers/scenes';
import { nearThresholdPixels } from '../helpers/thresholds';

const STRIDE = GRAD_ROW; // compared rows: v_xy (2), v_conic (3), v_opacity, v_rgb (3)
const BG: [number, number, number] = [0.3, 0.6, 0.9];

/** One scene with every raster branch, its reference forward, cotangent and per-slot partials. */
function setup() {
  const cam = testCamera(48, 40);
  const scene = randomScene(cam, { count: 120, shDegree: 1, seed: 5, huge: 0.05, opaque: 0.1, behind: 0.05, branches: true });
  const { width: W, height: H } = cam;
  const projected = roundProjected(referenceProject(scene, cam));
  const fwd = rasterize(projected, W, H, BG);
  // Zero cotangent where f32 may decide a blend the other way, a jump rather than rounding
  // (test/helpers/thresholds.ts): those pixels then add nothing to either side.
  const near = nearThresholdPixels(projected, W, H);
  const r = rng(17);
  const v3 = new Float64Array(W * H * 3);
  for (let p = 0; p < W * H; p++) for (let c = 0; c < 3; c++) v3[p * 3 + c] = near[p] ? 0 : Math.fround(r() * 2 - 1);
  const layout = isectLayout(projected, W, H);
  // Reference partial of each slot: the backward with the cotangent restricted to the slot's tile.
  const partials = new Float64Array(layout.count * STRIDE);
  const gridX = Math.ceil(W / TILE_SIZE);
  for (let t = 0; t < layout.tiles; t++) {
    const vt = new Float64Array(v3.length);
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < W; i++) {
        if (Math.floor(j / TILE_SIZE) * gridX + Math.floor(i / TILE_SIZE) === t) for (let c = 0; c < 3; c++) vt[(j * W + i) * 3 + c] = v3[(j * W + i) * 3 + c];
      }
    }
    const g = rasterizeBackward(projected, W, H, BG, vt);
    for (let slot = 0; slot < layout.count; slot++) {
      if (layout.tileOfSlot[slot] !== t) continue;
      const s = layout.splatOfSlot[slot];
      partials.set([g.v_mean2d[2 * s], g.v_mean2d[2 * s + 1], ...g.v_conic.subarray(3 * s, 3 * s + 3), g.v_opacity[s], ...g.v_color.subarray(3 * s, 3 * s + 3)], slot * STRIDE);
    }
  }
  return { cam, scene, projected, fwd, v3, layout, partials, total: rasterizeBackward(projected, W, H, BG, v3) };
}

/** An IsectCount record (the backward reads only the totals). */
function isectCount(total: number, kept: number): Uint8Array {
  const out = new ArrayBuffer(ISECT_COUNT.bytes);
  packStruct(ISECT_COUNT, { total, kept, grid_x: 0, grid_y: 0, grid_z: 0 }, out);
  return new Uint8Array(out);
}

describe('rasterize backward kernel vs the reference, fed the reference forward', () => {
  // Both shapes (src/gpu/kernel-shapes.ts) run on any adapter; each sums in its own fixed order.
  // Measured on a correct build (SwiftShader, 2026-12-04), max error / scale per kind:
  // - GPU shape: v_xy 7.10e-7, v_conic 1.26e-7, v_rgb 1.95e-7 (f32 sums over <= 256 pixels of 32
  //   threads' partials), v_opacity 1.83e-6, noisier because dL/dalpha divides the colour behind
  //   by 1 - alpha, down to 0.01 at the cap;
  // - CPU shape, a copy per invocation (4 invocations per tile, one pass over 16 row segments,
  //   the colour behind carried as one running dot product): v_xy 8.56e-7, v_conic 2.92e-7,
  //   v_rgb 1.57e-7, v_opacity 4.25e-6;
  // - CPU shape with the 4 parts summed by subgroupAdd (one copy): v_xy 8.56e-7, v_conic 2.88e-7,
  //   v_rgb 1.95e-7, v_opacity 4.26e-6.
  // Tolerances at most 10x those.
  const shapes: { shapes: KernelShapes; sum: PartialSum; tol: Record<'v_xy' | 'v_conic' | 'v_opacity' | 'v_rgb', number> }[] = [
    { shapes: GPU_SHAPES, sum: 'copies', tol: { v_xy: 7.1e-6, v_conic: 1.2e-6, v_opacity: 1.8e-5, v_rgb: 1.9e-6 } },
    { shapes: CPU_SHAPES, sum: 'copies', tol: { v_xy: 8.5e-6, v_conic: 2.9e-6, v_opacity: 4.2e-5, v_rgb: 1.5e-6 } },
    { shapes: CPU_SHAPES, sum: 'subgroup', tol: { v_xy: 8.5e-6, v_conic: 2.8e-6, v_opacity: 4.2e-5, v_rgb: 1.9e-6 } },
  ];
  for (const { shapes: sh, sum, tol } of shapes) {
    const name = sh.kind === 'cpu' ? `${sh.kind} shape, ${sum === 'subgroup' ? 'subgroup sum' : 'a copy per invocation'}` : `${sh.kind} shape`;
    it(`gives every (splat, tile) partial of the reference, per component (${name})`, async () => {
      const device = await getTestDevice();
      if (sum === 'subgroup') {
        // SwiftShader exposes subgroups of 4; an adapter without them cannot run this form.
        expect(device.features.has('subgroups'), 'the test adapter lacks the optional subgroups feature').toBe(true);
      }
      const { cam, scene, projected, fwd, v3, layout, partials } = setup();
      const { width: W, height: H } = cam;
      // The scene reaches the branches the kernel has: the alpha cap, the T stop, the 1/255 skip.
      const counts = referenceBranchCounts(scene, cam);
      for (const k of ['alphaCapped', 'tStopped', 'alphaSkipped'] as const) expect(counts[k], k).toBeGreaterThan(0);

      const image = new Float32Array(W * H * 4);
      const vImage = new Float32Array(W * H * 4);
      const state = new Uint32Array(W * H * 2);
      for (let p = 0; p < W * H; p++) {
        for (let c = 0; c < 3; c++) {
          image[p * 4 + c] = fwd.image[p * 3 + c];
          vImage[p * 4 + c] = v3[p * 3 + c];
        }
        state[p * 2] = new Uint32Array(Float32Array.of(fwd.finalT[p]).buffer)[0];
        state[p * 2 + 1] = fwd.nContrib[p];
      }
      const uniform = cameraUniform(device, cam, { count: scene.count, shDegree: 1, shCoeffs: shCoeffCount(1), background: BG });
      const kernel = new RasterizeBackwardKernel(device, sh, sum);
      expect(kernel.copies).toBe(sh.kind === 'cpu' && sum === 'copies' ? 4 : 1);
      const buffers = {
        ranges: createBufferWithData(device, 'test.ranges', layout.ranges),
        records: createBufferWithData(device, 'test.records', new Uint8Array(packTileRecords(projected, layout))),
        image: createBufferWithData(device, 'test.image', image),
        pixelState: createBufferWithData(device, 'test.pixelState', state),
        vImage: createBufferWithData(device, 'test.vImage', vImage),
        vIsect: nanBuffer(device, 'test.vIsect', layout.count * kernel.copies * PROJECTED_GRAD.floats),
      };
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      kernel.dispatchTiles(pass, kernel.bindCamera(uniform.buffer), kernel.bindAll(buffers), Math.ceil(W / TILE_SIZE), Math.ceil(H / TILE_SIZE));
      pass.end();
      device.queue.submit([enc.finish()]);
      const copies = unpackGrads(await readF32(device, buffers.vIsect, layout.count * kernel.copies * PROJECTED_GRAD.floats), layout.count * kernel.copies);
      expect(copies.paddingNonZero, 'padding of the partials must be written as zero').toBe(0);
      // A slot's partial is the sum of its copies (one per CPU-shape lane), as the reduction adds them.
      const got = new Float64Array(layout.count * STRIDE);
      for (let e = 0; e < layout.count * kernel.copies; e++) {
        const slot = Math.floor(e / kernel.copies);
        for (let k = 0; k < STRIDE; k++) got[slot * STRIDE + k] += copies.rows[e * STRIDE + k];
      }

      // Per component kind, the worst slot relative to the largest reference value of that kind
      // (a slot whose partial is near zero is judged against the kind's scale, not its own).
      const kinds: [keyof typeof tol, number, number][] = [['v_xy', 0, 2], ['v_conic', 2, 3], ['v_opacity', 5, 1], ['v_rgb', 6, 3]];
      const report: Record<string, string> = {};
      for (const [name, from, width] of kinds) {
        let scale = 0;
        for (let s = 0; s < layout.count; s++) for (let k = from; k < from + width; k++) scale = Math.max(scale, Math.abs(partials[s * STRIDE + k]));
        let worst = 0;
        let where = '';
        for (let s = 0; s < layout.count; s++) {
          for (let k = from; k < from + width; k++) {
            const e = Math.abs(got[s * STRIDE + k] - partials[s * STRIDE + k]) / scale;
            if (!(e <= worst)) {
              worst = Number.isNaN(e) ? Infinity : e;
              where = `slot ${s} (splat ${layout.splatOfSlot[s]}, tile ${layout.tileOfSlot[s]}) component ${k}: gpu ${got[s * STRIDE + k]}, reference ${partials[s * STRIDE + k]}`;
            }
          }
        }
        report[name] = worst.toExponential(2);
        expect(scale, `${name} partials are all zero`).toBeGreaterThan(0);
        expect(worst, `${name}: ${where}`).toBeLessThan(tol[name]);
      }
      console.log(`[rasterize backward kernel, ${name}] max error / scale:`, JSON.stringify(report));
      uniform.destroy();
      for (const b of Object.values(buffers)) b.destroy();
    });
  }
});

describe('per-splat reduction kernel (project_backward_reduce) vs the reference', () => {
  const run = async (overflowed: boolean) => {
    const device = await getTestDevice();
    const { cam, scene, projected, layout, partials, total } = setup();
    const n = scene.count;
    const priorStats = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) priorStats.set([0.25, 2, 0, 0], i * 4);
    const uniform = cameraUniform(device, cam, { count: n, shDegree: 1, shCoeffs: shCoeffCount(1) });
    const kernel = new ReduceIsectGradsKernel(device);
    const buffers = {
      depthOrder: createBufferWithData(device, 'test.depthOrder', layout.order),
      offsets: createBufferWithData(device, 'test.offsets', layout.offsets),
      vIsect: createBufferWithData(device, 'test.vIsect', packGrads(partials, layout.count)),
      projected: createBufferWithData(device, 'test.projected', new Uint8Array(packProjected(projected))),
      vProjected: nanBuffer(device, 'test.vProjected', n * PROJECTED_GRAD.floats),
      vOpacityLogits: nanBuffer(device, 'test.vOpacityLogits', n),
      densify: createBufferWithData(device, 'test.densify', priorStats),
      isectCount: createBufferWithData(device, 'test.isectCount', isectCount(layout.count + (overflowed ? 5 : 0), layout.count)),
    };
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    kernel.dispatchItems(pass, kernel.bindCamera(uniform.buffer), kernel.bindAll(buffers), n);
    pass.end();
    device.queue.submit([enc.finish()]);
    const out = {
      vProjected: unpackGrads(await readF32(device, buffers.vProjected, n * PROJECTED_GRAD.floats), n).rows,
      vOpacityLogits: await readF32(device, buffers.vOpacityLogits, n),
      densify: await readF32(device, buffers.densify, n * 4),
    };
    uniform.destroy();
    for (const b of Object.values(buffers)) b.destroy();
    return { cam, projected, total, priorStats, out, n };
  };

  it('sums each splat\'s slots into its totals, the opacity logit gradient and the NDC statistics', async () => {
    const { cam, projected, total, priorStats, out, n } = await run(false);
    const want = new Float64Array(n * STRIDE);
    const wantLogit = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      want.set([total.v_mean2d[2 * i], total.v_mean2d[2 * i + 1], ...total.v_conic.subarray(3 * i, 3 * i + 3), total.v_opacity[i], ...total.v_color.subarray(3 * i, 3 * i + 3)], i * STRIDE);
      wantLogit[i] = projected[i].opacity * (1 - projected[i].opacity) * total.v_opacity[i];
    }
    const visible = projected.map((p, i) => (p.visible ? i : -1)).filter((i) => i >= 0);
    expect(visible.length).toBeGreaterThan(100);
    const e = rowError(out.vProjected, want, STRIDE, projected.keys(), 1e-6);
    // measured 1.5e-7 relative to the largest; 10x.
    const scale = Math.max(...wantLogit.map(Math.abs));
    let logitErr = 0;
    let normErr = 0;
    for (let i = 0; i < n; i++) {
      logitErr = Math.max(logitErr, Math.abs(out.vOpacityLogits[i] - wantLogit[i]) / scale);
      const visibleNow = projected[i].visible ? 1 : 0;
      const sum = priorStats[i * 4] + visibleNow * Math.hypot(total.v_mean2d[2 * i] * (cam.width / 2), total.v_mean2d[2 * i + 1] * (cam.height / 2));
      normErr = Math.max(normErr, Math.abs(out.densify[i * 4] - sum) / sum);
      expect(out.densify[i * 4 + 1], `splat ${i} visible count`).toBe(priorStats[i * 4 + 1] + visibleNow);
    }
    console.log(`[reduce kernel] v_projected ${e.max.toExponential(2)}, v_opacity_logits ${logitErr.toExponential(2)}, NDC norm sum ${normErr.toExponential(2)}`);
    // measured on a correct build: 2.0e-7 (f32 sums of a few partials per splat, each row
    // against its own norm); 10x.
    expect(e.max, `splat ${e.row}`).toBeLessThan(2e-6);
    // measured 8.4e-8 relative to the largest; 10x.
    expect(logitErr).toBeLessThan(8.4e-7);
    // measured 1.6e-7 relative (f32 norm of the summed partials, plus the prior sum); 10x.
    expect(normErr).toBeLessThan(1.6e-6);
  });

  it('adds nothing to the statistics of a frame whose intersections overflowed', async () => {
    const { priorStats, out } = await run(true);
    expect(Array.from(out.densify)).toEqual(Array.from(priorStats));
  });
});
