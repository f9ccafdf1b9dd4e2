/** `splat eval <scene> <colmap-dir>`: held-out PSNR / SSIM / L1 of a trained scene. */
import { requestNodeDevice } from '../gpu/node-gpu';
import { sceneFilter2d } from '../io/scene';
import { GaussianBuffers } from '../render/gaussian-buffers';
import { DifferentiableRenderer } from '../train/differentiable-renderer';
import { evaluateViews } from '../train/evaluate';
import { flagInt, flagString, positionals } from './args';
import { loadDataset, round } from './load-dataset';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'held-out PSNR, SSIM and L1 of a scene against a COLMAP export, as JSON',
  synopsis: '<scene> <colmap-dir> [--resolution K]',
  details: 'The held-out views are every 8th image by sorted name, as `train --eval` holds them out.',
  flags: [{ name: 'resolution', value: 'K', help: 'divide both image sides by K (default: longer side at most 1600 px)' }],
  async run(p) {
    const [file, dir] = positionals(p, ['<scene>', '<colmap-dir>']);
    const resolution = flagString(p, 'resolution') === undefined ? undefined : flagInt(p, 'resolution', 1);
    const loaded = await readSceneFile(file);
    const dataset = await loadDataset(dir, resolution, true);
    const gpu = await requestNodeDevice();
    const set = GaussianBuffers.upload(gpu.device, loaded.scene);
    const diff = new DifferentiableRenderer(gpu.device);
    // Drawn as the viewer draws the file: every SH degree it has, and an antialiased scene with
    // its 2D filter (its 3D filter is already baked into the file).
    const { scene } = loaded;
    const m = await evaluateViews(gpu.device, diff, set, dataset.test, { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0], ...sceneFilter2d(scene) });
    console.log(JSON.stringify({ scene: file, views: m.views, psnr: round(m.psnr, 3), ssim: round(m.ssim, 4), l1: round(m.l1, 5) }, null, 2));
    diff.destroy();
    set.destroy();
    gpu.device.destroy();
    return 0;
  },
};
