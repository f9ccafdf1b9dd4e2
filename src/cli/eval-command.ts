/** `splat eval <scene> <colmap-dir>`: held-out PSNR / SSIM / L1 of a trained scene. */
import { Trainer } from '../train/trainer';
import { requestNodeDevice } from '../gpu/node-gpu';
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
    const trainer = new Trainer(gpu.device, dataset, loaded.scene, { iterations: 1, shDegree: loaded.scene.shDegree, shIncreaseEvery: 1 });
    trainer.iteration = 1; // evaluate with every SH degree the file has
    const m = await trainer.evaluate(dataset.test);
    console.log(JSON.stringify({ scene: file, views: m.views, psnr: round(m.psnr, 3), ssim: round(m.ssim, 4), l1: round(m.l1, 5) }, null, 2));
    trainer.destroy();
    gpu.device.destroy();
    return 0;
  },
};
