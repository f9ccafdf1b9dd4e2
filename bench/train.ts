/** Training benchmark: iterations per second and held-out PSNR on the embedded buddha13. */
import { resolve } from 'node:path';
import { loadColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import { initFromPoints } from '../src/train/init';
import { Trainer } from '../src/train/trainer';
import { round } from './timing';

export interface TrainBench {
  scene: string;
  resolution: number;
  width: number;
  height: number;
  iterations: number;
  seconds: number;
  iterationsPerSecond: number;
  splats: number;
  initialPsnr: number;
  heldOutPsnr: number;
  heldOutSsim: number;
}

export async function benchTraining(device: GPUDevice, iterations: number, resolution = 2): Promise<TrainBench> {
  const dataset = await loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution, evalSplit: true });
  const trainer = new Trainer(device, dataset, initFromPoints(dataset.points), { iterations, seed: 0 });
  const before = await trainer.evaluate();
  await trainer.step(); // warm-up: pipeline compilation
  const t0 = performance.now();
  while (!trainer.done) await trainer.step();
  const seconds = (performance.now() - t0) / 1000;
  const after = await trainer.evaluate();
  const result: TrainBench = {
    scene: 'buddha13',
    resolution,
    width: dataset.train[0].camera.width,
    height: dataset.train[0].camera.height,
    iterations,
    seconds: round(seconds, 2),
    iterationsPerSecond: round((iterations - 1) / seconds, 3),
    splats: trainer.state.count,
    initialPsnr: round(before.psnr, 3),
    heldOutPsnr: round(after.psnr, 3),
    heldOutSsim: round(after.ssim, 4),
  };
  trainer.destroy();
  return result;
}
