/**
 * Dropout (DropGaussian) in the tile path's projection against the float64 reference
 * (src/reference/dropout.ts): the same splats left out, the kept ones' opacity scaled by
 * 1 / (1 - rate), and the draw a pure function of (seed, iteration, splat). The gradients with
 * dropout are checked in test/render/backward.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { referenceRender } from '../../src/reference';
import { dropoutFactor } from '../../src/reference/dropout';
import { ForwardPass } from '../../src/render/forward-pass';
import { GaussianBuffers } from '../../src/render/gaussian-buffers';
import { readBuffer, readF32 } from '../../src/gpu/buffers';
import { PROJECTED_SPLAT } from '../../src/kernels/layouts';
import type { Dropout } from '../../src/kernels/camera-uniform';
import type { SplatScene } from '../../src/io/scene';
import type { Camera } from '../../src/io/camera';
import { getTestDevice } from '../helpers/gpu';
import { randomScene, testCamera } from '../helpers/scenes';
import { nearThresholdPixels } from '../helpers/thresholds';

const BG: [number, number, number] = [0.1, 0.2, 0.3];

/** The GPU image and which splats the projection kept (tiles > 0). */
async function gpuFrame(scene: SplatScene, cam: Camera, dropout?: Dropout): Promise<{ image: Float32Array; kept: boolean[] }> {
  const device = await getTestDevice();
  const gaussians = GaussianBuffers.upload(device, scene);
  const fwd = new ForwardPass(device);
  try {
    await fwd.renderExact(gaussians, cam, { shDegree: scene.shDegree, splatScale: 1, background: BG, dropout });
    const image = await readF32(device, fwd.image.buffer, cam.width * cam.height * 4);
    const words = new Uint32Array(await readBuffer(device, fwd.projected.buffer, scene.count * PROJECTED_SPLAT.bytes));
    const kept = Array.from({ length: scene.count }, (_, i) => words[i * PROJECTED_SPLAT.floats + PROJECTED_SPLAT.tiles] > 0);
    return { image, kept };
  } finally {
    gaussians.destroy();
    fwd.destroy();
  }
}

describe('dropout in the forward pass', () => {
  const cam = testCamera(48, 40);
  const scene = randomScene(cam, { count: 300, shDegree: 1, seed: 4242, opaque: 0.1 });
  const dropout: Dropout = { rate: 0.3, seed: 7, iteration: 123 };

  it("leaves out the reference's splats and scales the kept ones' opacity", async () => {
    const ref = referenceRender(scene, cam, { shDegree: 1, background: BG, dropout });
    const all = referenceRender(scene, cam, { shDegree: 1, background: BG });
    const gpu = await gpuFrame(scene, cam, dropout);
    const visible = all.projected.filter((p) => p.visible).length;
    const dropped = all.projected.filter((p, i) => p.visible && !ref.projected[i].visible).length;
    // About 30% of the visible splats; the bounds are 5 standard deviations of a binomial draw.
    expect(visible).toBeGreaterThan(200);
    expect(Math.abs(dropped - 0.3 * visible)).toBeLessThan(5 * Math.sqrt(0.21 * visible));
    for (let i = 0; i < scene.count; i++) expect(gpu.kept[i], `splat ${i} kept`).toBe(ref.projected[i].visible);
    const kept = ref.projected.find((p) => p.visible);
    expect(kept?.dropScale).toBeCloseTo(1 / 0.7, 9);

    // Pixels away from f32-vs-float64 thresholds agree to rounding: 2.8e-6 measured (bound 10x).
    const near = nearThresholdPixels(ref.projected, cam.width, cam.height);
    let maxErr = 0;
    let moved = 0;
    for (let p = 0; p < near.length; p++) {
      for (let c = 0; c < 3; c++) {
        moved = Math.max(moved, Math.abs(ref.image[p * 3 + c] - all.image[p * 3 + c]));
        if (near[p] === 0) maxErr = Math.max(maxErr, Math.abs(gpu.image[p * 4 + c] - ref.image[p * 3 + c]));
      }
    }
    console.log(`[dropout forward] max error ${maxErr.toExponential(2)}, largest change from dropping ${moved.toFixed(3)}`);
    expect(maxErr).toBeLessThan(2.8e-5);
    // Dropping changes the image: the comparison above is not the undropped image's.
    expect(moved).toBeGreaterThan(0.1);
  });

  it('draws the same splats for one (seed, iteration) and others for the next iteration or seed', async () => {
    const a = await gpuFrame(scene, cam, dropout);
    const b = await gpuFrame(scene, cam, dropout);
    const c = await gpuFrame(scene, cam, { ...dropout, iteration: dropout.iteration + 1 });
    const d = await gpuFrame(scene, cam, { ...dropout, seed: dropout.seed + 1 });
    expect(Buffer.from(a.image.buffer).equals(Buffer.from(b.image.buffer))).toBe(true);
    const differ = (x: boolean[], y: boolean[]) => x.filter((k, i) => k !== y[i]).length;
    expect(differ(a.kept, c.kept)).toBeGreaterThan(30);
    expect(differ(a.kept, d.kept)).toBeGreaterThan(30);
    // The reference's draw for the next iteration is the GPU's.
    for (let i = 0; i < scene.count; i++) if (c.kept[i]) expect(dropoutFactor({ ...dropout, iteration: dropout.iteration + 1 }, i)).toBeGreaterThan(1);
  });

  it('rate 0 is the frame without dropout, bit for bit', async () => {
    const none = await gpuFrame(scene, cam);
    const zero = await gpuFrame(scene, cam, { rate: 0, seed: 7, iteration: 5 });
    expect(Buffer.from(none.image.buffer).equals(Buffer.from(zero.image.buffer))).toBe(true);
  });
});
