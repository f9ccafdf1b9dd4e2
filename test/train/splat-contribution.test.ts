/**
 * Per-splat blend weights (DifferentiableRenderer.addContributions, the MCMC prune's score)
 * against the float64 reference: the sum over each view's pixels of alpha T, from the reference
 * compositor's own blend history, totalled over views.
 */
import { describe, expect, it } from 'vitest';
import type { Camera } from '../../src/io/camera';
import type { SplatScene } from '../../src/io/scene';
import { readF32 } from '../../src/gpu/buffers';
import { GaussianBuffers } from '../../src/render/gaussian-buffers';
import { referenceProject } from '../../src/reference/project';
import { blendPixel, referenceTileLists } from '../../src/reference/rasterize';
import { TILE_SIZE } from '../../src/reference/constants';
import { resolveOptions } from '../../src/reference/types';
import { DifferentiableRenderer } from '../../src/train/differentiable-renderer';
import { getTestDevice } from '../helpers/gpu';
import { posed, randomScene, testCamera } from '../helpers/scenes';

/** Sum over views and pixels of alpha T per splat, in float64. */
function referenceContributions(scene: SplatScene, cams: Camera[]): Float64Array {
  const out = new Float64Array(scene.count);
  for (const cam of cams) {
    const projected = referenceProject(scene, cam, resolveOptions(scene, cam, {}, 'test'));
    const tiles = referenceTileLists(projected, cam.width, cam.height);
    for (let j = 0; j < cam.height; j++) {
      for (let i = 0; i < cam.width; i++) {
        const list = tiles.lists[Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE)];
        for (const s of blendPixel(projected, list, i, j).steps) out[s.splat] += s.alpha * s.transBefore;
      }
    }
  }
  return out;
}

describe('splat contributions', () => {
  it('sum alpha T over the pixels of every view, as the reference compositor blends', async () => {
    const device = await getTestDevice();
    const base = testCamera(56, 40);
    // Opaque and huge splats: pixels stop early (T < 1e-4) and lists span many tiles.
    const { scene, cam } = posed(randomScene(base, { count: 300, shDegree: 1, seed: 21, huge: 0.05, opaque: 0.2, behind: 0.1 }), base, 5);
    // A second view turned away from half the splats: a splat seen by one view gets only its share.
    const side: Camera = { ...cam, t: [cam.t[0] + 0.4, cam.t[1], cam.t[2] + 0.5] };
    const cams = [cam, side];
    const want = referenceContributions(scene, cams);
    const diff = new DifferentiableRenderer(device);
    const gaussians = GaussianBuffers.upload(device, scene);
    const total = device.createBuffer({ size: scene.count * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    // A training step first leaves gradients of another view behind: they must not leak in.
    await diff.step(gaussians, testCamera(24, 24), new Float32Array(24 * 24 * 4).fill(0.5), { shDegree: 1, splatScale: 1, background: [0, 0, 0] });
    for (const c of cams) await diff.addContributions(gaussians, c, { shDegree: 1, splatScale: 1, background: [0.3, 0.2, 0.1] }, total);
    const got = await readF32(device, total, scene.count);
    gaussians.destroy();
    total.destroy();
    diff.destroy();

    const scale = Math.max(...want);
    let worst = 0;
    for (let i = 0; i < scene.count; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    // Measured 6.6e-8 of the largest total (1,457 pixels' worth); 10x.
    expect(worst / scale).toBeLessThan(6.6e-7);
    const unseen = [...want.keys()].filter((i) => want[i] === 0);
    expect(unseen.length).toBeGreaterThan(10); // behind both cameras
    for (const i of unseen) expect(got[i]).toBe(0);
    expect(want.filter((v) => v > 1).length).toBeGreaterThan(50);
  });
});
