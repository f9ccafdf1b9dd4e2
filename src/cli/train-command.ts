/**
 * `splat train <colmap-dir> --out scene.ply [--iters N] [--resolution K] [--eval] [--seed S]`
 * and `splat eval <scene.ply> <colmap-dir>`.
 */
import { writeFile } from 'node:fs/promises';
import { loadColmapDataset, type ColmapDataset } from '../io/colmap/dataset';
import { nodeDirectorySource } from '../io/colmap/node-source';
import { writePly } from '../io/ply-writer';
import { initFromPoints } from '../train/init';
import { Trainer, type EvalResult } from '../train/trainer';
import type { BackgroundMode } from '../train/config';
import { requestNodeDevice } from '../gpu/node-gpu';
import { flagNumber, flagString, parseArgs } from './args';
import { readSceneFile } from './scene-file';
import { ProgressBar } from './progress';
import type { Command } from './command';

async function loadDataset(dir: string, resolution: number | undefined, evalSplit: boolean): Promise<ColmapDataset> {
  const bar = new ProgressBar('loading images');
  const ds = await loadColmapDataset(nodeDirectorySource(dir), {
    resolution,
    evalSplit,
    onProgress: (done, total) => bar.update(done / total, `${done}/${total}`),
  });
  bar.done();
  return ds;
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, got ${v}`);
  return v;
}

export const trainCommand: Command = {
  usage:
    'train <colmap-dir> --out scene.ply [--iters N] [--resolution K] [--eval] [--eval-at I,J,...] [--seed S] [--sh-degree D] [--background black|white|random] [--max-splats M]',
  async run(args) {
    const p = parseArgs(args, ['eval']);
    const dir = p.positional[0];
    const out = flagString(p, 'out');
    if (!dir || !out) throw new Error(`usage: splat ${trainCommand.usage}`);
    const iterations = positiveInt(flagNumber(p, 'iters', 30_000), 'iters');
    const res = flagString(p, 'resolution');
    const resolution = res === undefined ? undefined : positiveInt(Number(res), 'resolution');
    const evalOn = p.flags.has('eval');
    const seed = flagNumber(p, 'seed', 0);
    const shDegree = flagNumber(p, 'sh-degree', 3);
    const background = (flagString(p, 'background') ?? 'black') as BackgroundMode;
    const maxSplats = p.flags.has('max-splats') ? positiveInt(flagNumber(p, 'max-splats', 0), 'max-splats') : undefined;
    // Held-out evaluation at these iterations (and always at the end) when --eval is on.
    const evalAt = new Set((flagString(p, 'eval-at') ?? '').split(',').filter(Boolean).map((v) => positiveInt(Number(v), 'eval-at')));

    const dataset = await loadDataset(dir, resolution, evalOn);
    const initial = initFromPoints(dataset.points, { shDegree });
    const gpu = await requestNodeDevice();
    const trainer = new Trainer(gpu.device, dataset, initial, {
      iterations,
      seed,
      shDegree,
      background,
      density: maxSplats ? { maxSplats } : {},
    });
    const bar = new ProgressBar('training');
    const t0 = performance.now();
    let last = { loss: NaN, psnr: NaN };
    let error: string | undefined;
    const evaluations: EvalResult[] = [];
    try {
      while (!trainer.done) {
        const info = await trainer.step();
        last = info;
        if (evalOn && evalAt.has(info.iteration) && info.iteration < iterations) evaluations.push(await trainer.evaluate());
        const elapsed = (performance.now() - t0) / 1000;
        const rate = info.iteration / elapsed;
        const eta = (iterations - info.iteration) / rate;
        bar.update(info.iteration / iterations, `it ${info.iteration}/${iterations} ${rate.toFixed(2)} it/s ETA ${formatSeconds(eta)} loss ${info.loss.toFixed(4)} psnr ${info.psnr.toFixed(2)} splats ${info.splats}`);
      }
    } catch (e) {
      error = (e as Error).message;
    }
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    let metrics: EvalResult | undefined;
    if (evalOn && !error) {
      metrics = await trainer.evaluate();
      evaluations.push(metrics);
    }
    const scene = await trainer.exportScene();
    await writeFile(out, writePly(scene));
    const summary = {
      out,
      adapter: gpu.adapterName,
      iterations: trainer.iteration,
      seconds: round(seconds, 2),
      iterationsPerSecond: round(trainer.iteration / seconds, 3),
      splats: scene.count,
      images: { train: dataset.train.length, test: dataset.test.length, width: dataset.train[0].camera.width, height: dataset.train[0].camera.height },
      lastTrainLoss: round(last.loss, 5),
      lastTrainPsnr: round(last.psnr, 3),
      eval: metrics ? { views: metrics.views, psnr: round(metrics.psnr, 3), ssim: round(metrics.ssim, 4), l1: round(metrics.l1, 5) } : undefined,
      evalHistory: evaluations.length > 1 ? evaluations.map((m) => ({ iteration: m.iteration, psnr: round(m.psnr, 3), ssim: round(m.ssim, 4), l1: round(m.l1, 5) })) : undefined,
      error,
    };
    console.log(JSON.stringify(summary, null, 2));
    trainer.destroy();
    gpu.device.destroy();
    return error ? 1 : 0;
  },
};

export const evalCommand: Command = {
  usage: 'eval <scene.ply> <colmap-dir> [--resolution K]   held-out PSNR/SSIM/L1 as JSON',
  async run(args) {
    const p = parseArgs(args);
    const [file, dir] = p.positional;
    if (!file || !dir) throw new Error(`usage: splat ${evalCommand.usage}`);
    const res = flagString(p, 'resolution');
    const loaded = await readSceneFile(file);
    const dataset = await loadDataset(dir, res === undefined ? undefined : positiveInt(Number(res), 'resolution'), true);
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

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
