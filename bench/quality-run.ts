/**
 * One quality run for bench/quality.ts: trains a COLMAP dataset with a config and records the
 * held-out PSNR/SSIM curve against the training clock (evaluation time is not counted), the
 * final splat count and the seconds the steps took.
 */
import type { ColmapDataset } from '../src/io/colmap/dataset';
import { initFromPoints } from '../src/train/init';
import type { TrainConfig } from '../src/train/config';
import { Trainer } from '../src/train/trainer';
import { round } from './timing';

export interface CurvePoint {
  iteration: number;
  /** Training seconds up to this iteration (evaluations excluded). */
  seconds: number;
  /** Process CPU seconds (user + system, all threads) in the same steps: steadier on a shared machine. */
  cpuSeconds: number;
  psnr: number;
  ssim: number;
  splats: number;
  /** PSNR of each held-out view (the mean is `psnr`), by image name: which views hold the mean down. */
  views?: Record<string, number>;
}

export interface QualityRun {
  scene: string;
  /** What the run is called in the tables ('reference', 'scaled', an ablation's name). */
  label: string;
  iterations: number;
  config: Partial<TrainConfig>;
  width: number;
  height: number;
  seconds: number;
  cpuSeconds: number;
  splats: number;
  psnr: number;
  ssim: number;
  /**
   * PSNR on the training views at the end: the gap to `psnr` is what the run fitted that does not
   * carry over to unseen views (absent in runs recorded before it was measured).
   */
  trainPsnr?: number;
  /** Held-out metrics every `evalEvery` iterations and at the end. */
  curve: CurvePoint[];
  date: string;
}

export async function qualityRun(
  device: GPUDevice,
  scene: string,
  dataset: ColmapDataset,
  label: string,
  config: Partial<TrainConfig>,
  evalEvery: number,
  log: (line: string) => void = () => {},
): Promise<QualityRun> {
  const trainer = new Trainer(device, dataset, initFromPoints(dataset.points, { shDegree: config.shDegree ?? 3 }), config);
  const curve: CurvePoint[] = [];
  let seconds = 0;
  let cpu = 0;
  let trainPsnr = 0;
  try {
    while (!trainer.done) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const info = await trainer.step();
      const c = process.cpuUsage(c0);
      seconds += (performance.now() - t0) / 1000;
      cpu += (c.user + c.system) / 1e6;
      if (info.iteration % evalEvery === 0 || trainer.done) {
        // One render per held-out view; the means are Trainer.evaluate's (per-view PSNR and SSIM averaged).
        const held = dataset.test.length > 0 ? dataset.test : dataset.train;
        const views: Record<string, number> = {};
        const e = { psnr: 0, ssim: 0 };
        for (const v of held) {
          const one = await trainer.evaluate([v]);
          views[v.name] = round(one.psnr, 3);
          e.psnr += one.psnr;
          e.ssim += one.ssim;
        }
        e.psnr /= held.length;
        e.ssim /= held.length;
        curve.push({ iteration: info.iteration, seconds: round(seconds, 2), cpuSeconds: round(cpu, 2), psnr: round(e.psnr, 3), ssim: round(e.ssim, 4), splats: info.splats, views });
        const each = Object.entries(views).map(([k, p]) => `${k} ${p.toFixed(2)}`).join(', ');
        log(`${scene} ${label} it ${info.iteration}/${trainer.config.iterations} ${seconds.toFixed(0)}s held-out ${e.psnr.toFixed(2)} dB SSIM ${e.ssim.toFixed(3)} splats ${info.splats} (${each})`);
      }
    }
    trainPsnr = round((await trainer.evaluate(dataset.train)).psnr, 3);
    log(`${scene} ${label} training views ${trainPsnr.toFixed(2)} dB`);
  } finally {
    trainer.destroy();
  }
  const last = curve[curve.length - 1];
  const cam = dataset.train[0].camera;
  return {
    scene,
    label,
    iterations: last.iteration,
    config,
    width: cam.width,
    height: cam.height,
    seconds: last.seconds,
    cpuSeconds: last.cpuSeconds,
    splats: last.splats,
    psnr: last.psnr,
    ssim: last.ssim,
    trainPsnr,
    curve,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** Training seconds at which `run` first reached `psnr` held out (undefined if it never did). */
export function secondsToReach(run: QualityRun, psnr: number): number | undefined {
  return run.curve.find((p) => p.psnr >= psnr)?.seconds;
}
