/**
 * `splat train <colmap-dir> --out scene.ply [flags]`: trains on the GPU with a progress bar on
 * stderr and a JSON summary on stdout. Work is never lost silently: --out is checked before
 * any image is read, --export-every rewrites it with the scene so far, --checkpoint-every saves
 * the full training state (resume with --resume to the same bytes as an unbroken run), and
 * Ctrl-C stops after the step in flight, saving both.
 */
import { basename, dirname, resolve } from 'node:path';
import { writePly } from '../io/ply-writer';
import { initFromPoints } from '../train/init';
import { Trainer, type EvalResult } from '../train/trainer';
import type { BackgroundMode, TrainConfig } from '../train/config';
import { type DensityConfig, resolveDensityConfig } from '../train/density-control';
import { type Checkpoint, checkpointScene } from '../train/checkpoint';
import { checkResumable, checkSettings, datasetIdentity } from '../train/checkpoint-resume';
import { DEFAULT_TRAIN, MAX_DROPOUT, isDropoutRate, resolveTrainConfig } from '../train/config';
import { MAX_FILTER2D, isFilter2d } from '../io/scene';
import { SCHEDULE_NAMES, type ScheduleName } from '../train/schedule';
import { MAX_SPREAD, type McmcConfig, autoMcmcPeak, autoMcmcSplats, mcmcPruneIteration, mcmcRefinesLeft, resolveMcmcConfig } from '../train/mcmc-config';
import { requestNodeDevice } from '../gpu/node-gpu';
import { capacityNotice, splatCapacity } from '../render/splat-capacity';
import { type ParsedArgs, UsageError, flagInt, flagNumber, flagString, positionals } from './args';
import { CheckpointWriter, type SavedCheckpoint, readCheckpointFile } from './checkpoint-files';
import { checkWritable, ensureFolder, writeOutput } from './files';
import { loadDataset, round } from './load-dataset';
import { ProgressBar } from './progress';
import type { Command } from './command';

const BACKGROUNDS: BackgroundMode[] = ['black', 'white', 'random'];
/** The CLI's schedule (see README: chosen from bench/quality.ts measurements). */
const CLI_SCHEDULE: ScheduleName = 'reference';
/** Density flags and the config field each sets. */
const DENSITY_FLAGS: [string, keyof DensityConfig][] = [
  ['densify-from', 'densifyFrom'],
  ['densify-until', 'densifyUntil'],
  ['densify-every', 'densifyEvery'],
  ['max-splats', 'maxSplats'],
];

interface TrainOptions {
  dir: string;
  out: string;
  config: Partial<TrainConfig>;
  resolution: number | undefined;
  evalOn: boolean;
  /** Held-out evaluation at these iterations (and always at the end) with --eval. */
  evalAt: Set<number>;
  exportEvery: number;
  checkpointEvery: number;
  checkpointDir: string;
  keepCheckpoints: number;
  resume: string | undefined;
  /** --splats auto: the MCMC budget from the initial points (autoMcmcSplats), or the resumed run's. */
  autoSplats: boolean;
  /** --mcmc-peak auto (the default with --strategy mcmc): the automatic budget, or the resumed run's peak. */
  autoPeak: boolean;
}

function trainOptions(p: ParsedArgs): TrainOptions {
  const [dir] = positionals(p, ['<colmap-dir>']);
  const out = flagString(p, 'out');
  if (!out) throw new UsageError('missing --out FILE');
  if (!out.toLowerCase().endsWith('.ply')) throw new UsageError(`${out}: train writes an INRIA .ply; name the output *.ply (convert it afterwards)`);
  const background = (flagString(p, 'background') ?? 'black') as BackgroundMode;
  if (!BACKGROUNDS.includes(background)) throw new UsageError(`--background must be ${BACKGROUNDS.join(', ')}, got "${background}"`);
  const shDegree = flagInt(p, 'sh-degree', 3, 0);
  if (shDegree > 3) throw new UsageError(`--sh-degree must be 0..3, got ${shDegree}`);
  const density: Partial<DensityConfig> = {};
  for (const [flag, field] of DENSITY_FLAGS) if (p.flags.has(flag)) density[field] = flagInt(p, flag, 0, field === 'densifyEvery' || field === 'maxSplats' ? 1 : 0);
  const strategy = flagString(p, 'strategy') ?? 'adc';
  if (strategy !== 'adc' && strategy !== 'mcmc') throw new UsageError(`--strategy must be adc or mcmc, got "${strategy}"`);
  if (p.flags.has('splats') && strategy !== 'mcmc') throw new UsageError('--splats sets the MCMC budget: add --strategy mcmc');
  // `auto` is resolved once the initial points are known (run below).
  const autoSplats = flagString(p, 'splats') === 'auto';
  const mcmc: Partial<McmcConfig> = p.flags.has('splats') && !autoSplats ? { splats: flagInt(p, 'splats', 1) } : {};
  if (p.flags.has('mcmc-spread')) {
    if (strategy !== 'mcmc') throw new UsageError('--mcmc-spread places MCMC copies: add --strategy mcmc');
    const spread = flagNumber(p, 'mcmc-spread', 0);
    if (!(spread >= 0 && spread <= MAX_SPREAD)) throw new UsageError(`--mcmc-spread must be standard deviations in [0, ${MAX_SPREAD}], got ${flagString(p, 'mcmc-spread')}`);
    mcmc.spread = spread;
  }
  const peak = flagString(p, 'mcmc-peak');
  if (peak !== undefined && strategy !== 'mcmc') throw new UsageError('--mcmc-peak sets how far MCMC grows before pruning to --splats: add --strategy mcmc');
  const autoPeak = strategy === 'mcmc' && (peak === undefined || peak === 'auto');
  if (peak !== undefined && peak !== 'auto') {
    if (!/^\d+$/.test(peak) || Number(peak) >= 2 ** 31) throw new UsageError(`--mcmc-peak must be a splat count, auto or 0, got ${peak}`);
    mcmc.peak = Number(peak);
  }
  const schedule = (flagString(p, 'schedule') ?? CLI_SCHEDULE) as ScheduleName;
  if (!SCHEDULE_NAMES.includes(schedule)) throw new UsageError(`--schedule must be ${SCHEDULE_NAMES.join(' or ')}, got "${schedule}"`);
  if (p.flags.has('filter2d') && !p.flags.has('antialias')) throw new UsageError('--filter2d sizes the anti-aliasing filter: add --antialias');
  const filter2d = flagNumber(p, 'filter2d', DEFAULT_TRAIN.filter2d);
  if (!isFilter2d(filter2d)) throw new UsageError(`--filter2d must be a variance in [0, ${MAX_FILTER2D}] px^2, got ${flagString(p, 'filter2d')}`);
  const dropout = flagNumber(p, 'dropout', DEFAULT_TRAIN.dropout);
  if (!isDropoutRate(dropout)) throw new UsageError(`--dropout must be a rate in [0, ${MAX_DROPOUT}], got ${flagString(p, 'dropout')}`);
  const evalAt = (flagString(p, 'eval-at') ?? '').split(',').filter(Boolean);
  if (evalAt.some((v) => !/^\d+$/.test(v) || Number(v) < 1)) throw new UsageError(`--eval-at must be positive integers separated by commas, got "${flagString(p, 'eval-at')}"`);
  return {
    dir,
    out,
    config: {
      iterations: flagInt(p, 'iters', 30_000),
      seed: Math.trunc(flagNumber(p, 'seed', 0)),
      shDegree,
      background,
      density,
      strategy,
      mcmc,
      selectiveAdam: p.flags.has('selective-adam'),
      antialias: p.flags.has('antialias'),
      ...(p.flags.has('filter2d') ? { filter2d } : {}),
      ...(p.flags.has('dropout') ? { dropout } : {}),
      schedule,
    },
    resolution: flagString(p, 'resolution') === undefined ? undefined : flagInt(p, 'resolution', 1),
    evalOn: p.flags.has('eval'),
    evalAt: new Set(evalAt.map(Number)),
    exportEvery: flagInt(p, 'export-every', 0, 0),
    checkpointEvery: flagInt(p, 'checkpoint-every', 0, 0),
    checkpointDir: flagString(p, 'checkpoint-dir') ?? dirname(out),
    keepCheckpoints: flagInt(p, 'keep-checkpoints', 3, 0),
    resume: flagString(p, 'resume'),
    autoSplats,
    autoPeak,
  };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a splat scene from a COLMAP export (images/ + sparse/0/) into a .ply',
  synopsis: '<colmap-dir> --out scene.ply [flags]',
  details: [
    'Defaults follow the reference: 30,000 iterations, densification 500-15,000 every 100, SH degree +1 every 1,000, images at most 1600 px.',
    'Checkpoints hold the full training state; --resume with the same flags gives the same bytes as an unbroken run.',
    'Ctrl-C stops after the step in flight, writes --out and a checkpoint, and prints how to resume.',
  ].join('\n'),
  flags: [
    { name: 'out', value: 'FILE', help: 'output .ply (required; checked for writing before training starts)' },
    { name: 'iters', value: 'N', help: 'iterations (default 30000)' },
    { name: 'resolution', value: 'K', help: 'divide both image sides by K (default: longer side at most 1600 px)' },
    { name: 'eval', help: 'hold out every 8th image and report PSNR/SSIM/L1 on them at the end' },
    { name: 'eval-at', value: 'I,J,...', help: 'with --eval, also evaluate at these iterations' },
    { name: 'seed', value: 'S', help: 'seed of view order, backgrounds and splits (default 0)' },
    { name: 'sh-degree', value: 'D', help: 'highest SH degree trained, 0..3 (default 3)' },
    { name: 'background', value: 'MODE', help: 'black, white or random (default black)' },
    { name: 'schedule', value: 'S', help: `reference (the INRIA schedule in absolute steps) or scaled (events at fractions of --iters, coarse-to-fine images) (default ${CLI_SCHEDULE})` },
    { name: 'densify-from', value: 'N', help: 'densify after iteration N (default 500)' },
    { name: 'densify-until', value: 'N', help: 'densify and reset opacity before iteration N (default 15000)' },
    { name: 'densify-every', value: 'N', help: 'densify every N iterations (default 100)' },
    { name: 'max-splats', value: 'M', help: 'stop growing at M splats (default 3000000)' },
    { name: 'strategy', value: 'S', help: 'densification: adc (the reference, default) or mcmc (3DGS-MCMC: relocation, noise, a splat budget)' },
    { name: 'splats', value: 'N', help: 'with --strategy mcmc: the splat count to end with, or auto: 3x the SfM points, at least 10000, at most --max-splats (default 1000000)' },
    { name: 'mcmc-peak', value: 'N', help: 'with --strategy mcmc and a smaller --splats: grow to N splats first and keep the --splats that draw most at 60% of the run (--schedule scaled; reference: step 25000); auto (default, --schedule scaled): twice --splats, at least the automatic budget and at most twice it; none with reference; 0: grow straight to --splats' },
    { name: 'mcmc-spread', value: 'S', help: "with --strategy mcmc: each copy starts S standard deviations off its source along a random direction (default 1 with --schedule scaled; 0, gsplat's stacked copies, with reference)" },
    { name: 'selective-adam', help: "update only splats the step's view sees (faster steps; parameters of unseen splats rest)" },
    { name: 'antialias', help: 'Mip-Splatting 3D and 2D filters: no aliasing when zoomed out, no dilation when zoomed in; the .ply is marked antialiased' },
    { name: 'filter2d', value: 'S', help: "with --antialias: the 2D filter's variance in px^2, stored in the .ply (default 0.1, Mip-Splatting's; 0.3 is what viewers assume for files that name none)" },
    { name: 'dropout', value: 'R', help: 'leave each splat out of a step with probability rising to R by the last step, the rest more opaque to match (DropGaussian: less overfitting of few photos; default 0)' },
    { name: 'export-every', value: 'N', help: 'rewrite --out with the scene so far every N iterations (default: only at the end)' },
    { name: 'checkpoint-every', value: 'N', help: 'save the training state every N iterations (default: never)' },
    { name: 'checkpoint-dir', value: 'DIR', help: 'folder of the checkpoints, <out name>.step-NNNNNN.ckpt (default: beside --out)' },
    { name: 'keep-checkpoints', value: 'K', help: 'keep the newest K checkpoints of this run, 0 keeps all (default 3)' },
    { name: 'resume', value: 'FILE', help: 'continue from a checkpoint (same dataset and flags; --iters may grow)' },
  ],
  async run(p) {
    const o = trainOptions(p);
    // Every output is checked before the first image is read: a bad path must not cost a run.
    await checkWritable(o.out);
    await ensureFolder(o.checkpointDir);
    const config = resolveTrainConfig(o.config);
    const writer = new CheckpointWriter(o.checkpointDir, o.out, o.keepCheckpoints);
    await checkWritable(writer.pathFor(config.iterations));
    const resumed: Checkpoint | undefined = o.resume ? await readCheckpointFile(o.resume) : undefined;
    // A resumed run keeps the budget it started with: its checkpoint is not the points it came from.
    if (o.autoSplats && resumed) config.mcmc = { ...config.mcmc, splats: resumed.config.mcmc.splats };
    if (o.autoPeak && resumed) config.mcmc = { ...config.mcmc, peak: resolveMcmcConfig(resumed.config.mcmc).peak };
    if (resumed) checkSettings(resumed, config, o.resume!); // before the images load
    const dataset = await loadDataset(o.dir, o.resolution, o.evalOn);
    const identity = datasetIdentity(basename(resolve(o.dir)), dataset);
    if (resumed) for (const n of checkResumable(resumed, config, identity, o.resume!)) console.error(`notice: ${o.resume}: ${n}`);

    const initial = resumed ? checkpointScene(resumed) : initFromPoints(dataset.points, { shDegree: config.shDegree });
    const gpu = await requestNodeDevice();
    // Automatic counts stay within what this device holds as well as --max-splats (ADC stops there too).
    const capacity = splatCapacity(gpu.device.limits, initial.shDegree);
    const configured = resolveDensityConfig(config.density).maxSplats;
    const maxSplats = Math.min(configured, capacity);
    if (capacity < configured && (config.strategy === 'adc' || o.autoSplats || o.autoPeak)) console.error(`notice: ${capacityNotice(gpu.device.limits, initial.shDegree, configured, config.strategy)}`);
    if (o.autoSplats && !resumed) config.mcmc = { ...config.mcmc, splats: autoMcmcSplats(initial.count, maxSplats) };
    // With the scaled schedule the run grows past its budget first and prunes to it (McmcConfig.peak,
    // autoMcmcPeak); the reference schedule keeps gsplat's behaviour.
    if (o.autoPeak && !resumed && config.schedule === 'scaled') config.mcmc = { ...config.mcmc, peak: autoMcmcPeak(resolveMcmcConfig(config.mcmc).splats, initial.count, maxSplats) };
    const trainer = new Trainer(gpu.device, dataset, initial, config);
    if (resumed) trainer.restoreState(resumed.state);
    // The MCMC settings the run follows (`--splats auto` resolved), for the notice and the summary.
    const mcmc = config.strategy === 'mcmc' ? resolveMcmcConfig(trainer.plan.mcmc) : undefined;
    if (mcmc && trainer.state.count < mcmc.splats && mcmcRefinesLeft(trainer.iteration + 1, mcmc, config.iterations) === 0) {
      console.error(`notice: no MCMC refinement falls in this run (every ${mcmc.refineEvery} iterations after ${mcmc.refineFrom}); it ends with ${trainer.state.count} splats, not ${mcmc.splats}`);
    }
    const start = trainer.iteration;

    let interrupted: string | undefined;
    const onSignal = (signal: string) => {
      if (interrupted) process.exit(130); // a second Ctrl-C does not wait
      interrupted = signal;
      process.stderr.write(`\n${signal}: stopping after the step in flight, then saving --out and a checkpoint (Ctrl-C again to quit without saving)\n`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const bar = new ProgressBar('training');
    const t0 = performance.now();
    let last = { loss: NaN, psnr: NaN };
    let error: string | undefined;
    let exports = 0;
    const evaluations: EvalResult[] = [];
    const checkpoints: SavedCheckpoint[] = [];
    try {
      while (!trainer.done && !interrupted) {
        const info = await trainer.step();
        last = info;
        const it = info.iteration;
        if (o.evalOn && o.evalAt.has(it) && it < config.iterations) evaluations.push(await trainer.evaluate());
        if (o.exportEvery > 0 && it % o.exportEvery === 0 && it < config.iterations) {
          await writeOutput(o.out, writePly(await trainer.exportScene()));
          exports++;
        }
        if (o.checkpointEvery > 0 && it % o.checkpointEvery === 0) checkpoints.push(await writer.save(trainer, identity));
        const elapsed = (performance.now() - t0) / 1000;
        const rate = (it - start) / elapsed;
        const eta = (config.iterations - it) / rate;
        bar.update(it / config.iterations, `it ${it}/${config.iterations} ${rate.toFixed(2)} it/s ETA ${formatSeconds(eta)} loss ${info.loss.toFixed(4)} psnr ${info.psnr.toFixed(2)} splats ${info.splats}`);
      }
    } catch (e) {
      error = (e as Error).message;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    if (interrupted && !error) checkpoints.push(await writer.save(trainer, identity));
    let metrics: EvalResult | undefined;
    if (o.evalOn && !error && !interrupted) {
      metrics = await trainer.evaluate();
      evaluations.push(metrics);
    }
    const scene = await trainer.exportScene();
    await writeOutput(o.out, writePly(scene));
    const resumeWith = interrupted && !error ? checkpoints[checkpoints.length - 1].file : undefined;
    const summary = {
      out: o.out,
      adapter: gpu.adapterName,
      iterations: trainer.iteration,
      schedule: config.schedule,
      mcmc: mcmc && { splats: mcmc.splats, spread: mcmc.spread, ...(mcmc.peak > mcmc.splats ? { peak: mcmc.peak, pruneAt: mcmcPruneIteration(mcmc, config.iterations) } : {}) },
      resumedFrom: resumed ? { file: o.resume, iteration: start } : undefined,
      seconds: round(seconds, 2),
      iterationsPerSecond: round((trainer.iteration - start) / seconds, 3),
      splats: scene.count,
      images: { train: dataset.train.length, test: dataset.test.length, width: dataset.train[0].camera.width, height: dataset.train[0].camera.height },
      lastTrainLoss: round(last.loss, 5),
      lastTrainPsnr: round(last.psnr, 3),
      eval: metrics ? { views: metrics.views, psnr: round(metrics.psnr, 3), ssim: round(metrics.ssim, 4), l1: round(metrics.l1, 5) } : undefined,
      evalHistory: evaluations.length > 1 ? evaluations.map((m) => ({ iteration: m.iteration, psnr: round(m.psnr, 3), ssim: round(m.ssim, 4), l1: round(m.l1, 5) })) : undefined,
      exports: exports || undefined,
      checkpoints: checkpoints.length > 0 ? checkpoints.map((c) => ({ ...c, seconds: round(c.seconds, 3) })) : undefined,
      interrupted,
      resume: resumeWith ? `add --resume ${resumeWith} to the same command` : undefined,
      error,
    };
    console.log(JSON.stringify(summary, null, 2));
    trainer.destroy();
    gpu.device.destroy();
    return error ? 1 : interrupted ? 130 : 0;
  },
};

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
