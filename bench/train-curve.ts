/** Development aid: held-out PSNR of buddha13 every K iterations (`node scripts/run-ts.mjs bench/train-curve.ts ITERS RES EVERY`). */
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { loadColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import { initFromPoints } from '../src/train/init';
import { Trainer } from '../src/train/trainer';

export async function main(argv: string[]): Promise<number> {
  const iters = Number(argv[0] ?? 100);
  const res = Number(argv[1] ?? 8);
  const every = Number(argv[2] ?? 25);
  const { device, adapterName } = await requestNodeDevice();
  const ds = await loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution: res, evalSplit: true });
  const trainer = new Trainer(device, ds, initFromPoints(ds.points), { iterations: iters, seed: 0 });
  console.log(adapterName, JSON.stringify(await trainer.evaluate()));
  const t0 = performance.now();
  while (!trainer.done) {
    const info = await trainer.step();
    if (info.iteration % every === 0) console.log(JSON.stringify({ ...(await trainer.evaluate()), s: ((performance.now() - t0) / 1000).toFixed(1), trainLoss: info.loss.toFixed(4), splats: info.splats }));
  }
  return 0;
}
