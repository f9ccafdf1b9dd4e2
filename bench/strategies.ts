/**
 * Densification strategies and selective Adam on buddha13: each run trains from the SfM points
 * for `--steps` iterations at 1/`--resolution` with every 8th image held out, and prints one
 * JSON line (held-out PSNR/SSIM, splats, seconds, iterations/s). Runs are named TrainConfig
 * overrides, `name='{json}'`:
 *
 *   node scripts/run-ts.mjs bench/strategies.ts --steps 1000 \
 *     adc='{}' mcmc='{"strategy":"mcmc","mcmc":{"splats":60000}}' sel='{"selectiveAdam":true}'
 *
 * For the tables in bench/README.md, run the same overrides through bench/quality.ts
 * (`--variant name='{json}'`), which also records the held-out curve.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { initFromPoints } from '../src/train/init';
import { Trainer } from '../src/train/trainer';
import type { TrainConfig } from '../src/train/config';

export async function main(argv: string[]): Promise<number> {
  let steps = 1000;
  let resolution = 2;
  const runs: [string, Partial<TrainConfig>][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--steps') steps = Number(argv[++i]);
    else if (a === '--resolution') resolution = Number(argv[++i]);
    else if (a.includes('=')) runs.push([a.slice(0, a.indexOf('=')), JSON.parse(a.slice(a.indexOf('=') + 1))]);
    else throw new Error(`strategies: unknown argument ${a}`);
  }
  if (runs.length === 0) runs.push(['adc', {}]);
  const dataset = await loadColmapDataset(nodeDirectorySource(resolve(dirname(fileURLToPath(import.meta.url)), '../scenes/buddha13')), { resolution, evalSplit: true });
  const gpu = await requestNodeDevice();
  for (const [name, overrides] of runs) {
    const trainer = new Trainer(gpu.device, dataset, initFromPoints(dataset.points), { seed: 0, ...overrides, iterations: steps });
    const t0 = performance.now();
    while (!trainer.done) await trainer.step();
    const seconds = (performance.now() - t0) / 1000;
    const e = await trainer.evaluate();
    const line = { name, steps, resolution, psnr: +e.psnr.toFixed(3), ssim: +e.ssim.toFixed(4), splats: trainer.state.count, seconds: +seconds.toFixed(1), itPerS: +(steps / seconds).toFixed(3) };
    console.log(JSON.stringify(line));
    trainer.destroy();
  }
  gpu.device.destroy();
  return 0;
}
