/** `splat eval <scene> <colmap-dir>`: held-out PSNR / SSIM / L1 of a trained scene, per view too. */
import { join } from 'node:path';
import { readF32 } from '../gpu/buffers';
import { requestNodeDevice } from '../gpu/node-gpu';
import type { View } from '../io/colmap/dataset';
import { sceneFilter2d } from '../io/scene';
import { GaussianBuffers } from '../render/gaussian-buffers';
import { DifferentiableRenderer } from '../train/differentiable-renderer';
import { evaluateViews } from '../train/evaluate';
import { flagInt, flagString, positionals } from './args';
import { ensureFolder, writeOutput } from './files';
import { loadDataset, round } from './load-dataset';
import { encodeImage, imageToRgb8 } from './render-commands';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'held-out PSNR, SSIM and L1 of a scene against a COLMAP export, as JSON',
  synopsis: '<scene> <colmap-dir> [--resolution K] [--renders DIR]',
  details:
    'The held-out views are every 8th image by sorted name, as `train --eval` holds them out. The JSON holds the means and each view\'s scores; --renders writes each view as drawn (DIR/renders) beside its photo at the same size (DIR/gt), PNGs named after the photo, as the reference\'s render.py lays them out.',
  flags: [
    { name: 'resolution', value: 'K', help: 'divide both image sides by K (default: longer side at most 1600 px)' },
    { name: 'renders', value: 'DIR', help: 'write each held-out view as drawn and its photo as PNGs under DIR' },
  ],
  async run(p) {
    const [file, dir] = positionals(p, ['<scene>', '<colmap-dir>']);
    const resolution = flagString(p, 'resolution') === undefined ? undefined : flagInt(p, 'resolution', 1);
    const rendersDir = flagString(p, 'renders');
    const loaded = await readSceneFile(file);
    const dataset = await loadDataset(dir, resolution, true);
    if (rendersDir !== undefined) {
      await ensureFolder(join(rendersDir, 'renders'));
      await ensureFolder(join(rendersDir, 'gt'));
    }
    const gpu = await requestNodeDevice();
    const set = GaussianBuffers.upload(gpu.device, loaded.scene);
    const diff = new DifferentiableRenderer(gpu.device);
    // Drawn as the viewer draws the file: every SH degree it has, and an antialiased scene with
    // its 2D filter (its 3D filter is already baked into the file).
    const { scene } = loaded;
    const save =
      rendersDir === undefined
        ? undefined
        : async (v: View, image: GPUBuffer): Promise<void> => {
            const { width, height } = v.camera;
            const drawn = await readF32(gpu.device, image, width * height * 4);
            const png = pngName(v.name);
            await writeOutput(join(rendersDir, 'renders', png), encodeImage(imageToRgb8(drawn, width, height), width, height, 'png', 100));
            await writeOutput(join(rendersDir, 'gt', png), encodeImage(imageToRgb8(v.image, width, height), width, height, 'png', 100));
          };
    const m = await evaluateViews(gpu.device, diff, set, dataset.test, { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0], ...sceneFilter2d(scene) }, save);
    const perView = m.perView.map((v) => ({ name: v.name, psnr: round(v.psnr, 3), ssim: round(v.ssim, 4), l1: round(v.l1, 5) }));
    console.log(JSON.stringify({ scene: file, views: m.views, psnr: round(m.psnr, 3), ssim: round(m.ssim, 4), l1: round(m.l1, 5), perView }, null, 2));
    diff.destroy();
    set.destroy();
    gpu.device.destroy();
    return 0;
  },
};

/** A photo's COLMAP name (it may hold folders) as one PNG file name: `cam0/0001.jpg` -> `cam0_0001.png`. */
function pngName(name: string): string {
  return `${name.replace(/\.[^./\\]*$/, '').replace(/[/\\]/g, '_')}.png`;
}
