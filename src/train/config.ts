/**
 * Training configuration. Every default follows ../shared/docs/decisions.md (the INRIA 2024
 * release schedule); each field says where its value comes from.
 */
import type { DensityConfig } from './density-control';
import type { McmcConfig } from './mcmc-config';
import { type ScaledSchedule, type ScheduleName, schedulePlan } from './schedule';
import { MAX_FILTER2D, isFilter2d } from '../io/scene';
import { MAX_DROPOUT, isDropoutRate } from '../kernels/camera-uniform';

export { MAX_DROPOUT, isDropoutRate };

export type BackgroundMode = 'black' | 'white' | 'random';

export interface LearningRates {
  /** Means: log-linear from meansInit * E to meansFinal * E over the run (E = scene extent). */
  meansInit: number; // 1.6e-4
  meansFinal: number; // 1.6e-6
  /** SH DC coefficients. */
  shDc: number; // 2.5e-3
  /** SH coefficients of degree >= 1 (shDc / 20). */
  shRest: number; // 1.25e-4
  opacity: number; // 0.025 (2024 release; 0.05 in 2023)
  scale: number; // 5e-3
  rotation: number; // 1e-3
}

export interface TrainConfig {
  /** Iterations to run. Default 30,000 (reference). */
  iterations: number;
  /** Highest SH degree trained. Default 3. */
  shDegree: number;
  /** The active SH degree rises by one every this many iterations. Default 1000. */
  shIncreaseEvery: number;
  /** Background composited under the splats while training. Default black. */
  background: BackgroundMode;
  /** Weight of (1 - SSIM) in the loss: (1 - w) L1 + w (1 - SSIM). Default 0.2. */
  ssimWeight: number;
  lr: LearningRates;
  /** Density control overrides (src/train/density-control.ts has the defaults). */
  density: Partial<DensityConfig>;
  /**
   * Densification strategy (src/train/density-strategy.ts): 'adc', the reference's adaptive
   * density control (`density`), or 'mcmc', 3DGS-MCMC growing to a splat budget (`mcmc`).
   * Default 'adc'.
   */
  strategy: 'adc' | 'mcmc';
  /** MCMC overrides (src/train/mcmc-config.ts has the defaults, `splats` the budget). */
  mcmc: Partial<McmcConfig>;
  /** Selective Adam: splats the step's view does not see (no tiles) keep parameters and moments. Default off. */
  selectiveAdam: boolean;
  /**
   * Anti-aliasing (Mip-Splatting): the 3D smoothing filter from the training cameras' sampling
   * rates and the 2D filter with opacity compensation; exports are marked `antialiased` with the
   * 3D filter baked in. Default off (the reference renders without it).
   */
  antialias: boolean;
  /**
   * With `antialias`, the 2D filter's variance in px^2 (exports carry it where the format has a
   * place: SplatScene.filter2d). Default 0.1, Mip-Splatting's own: on the rendered ring at 1,000
   * steps 0.1 ends 0.56 dB above 0.3, the size gsplat and the web viewers assume for antialiased
   * files (bench/README.md). Without `antialias` the reference's 0.3 dilation always applies.
   */
  filter2d: number;
  /**
   * DropGaussian's largest rate: each step leaves every splat out of its render with probability
   * dropout * step / iterations and multiplies the kept ones' opacity by 1 / (1 - rate), so fewer
   * splats must explain each view (against overfitting few views). Evaluation, exports and
   * the live view draw every splat. Default 0 (none).
   */
  dropout: number;
  /** Seeds the view order (a fresh permutation every epoch), random backgrounds and splits. */
  seed: number;
  /** The schedule length the means' learning rate decays over. Default: `iterations`. */
  lrDecayIterations?: number;
  /**
   * 'reference': the INRIA schedule in absolute steps (densify 500-15,000, reset every 3,000,
   * SH +1 every `shIncreaseEvery`), for any run length. 'scaled': every event at a fraction of
   * `iterations` and coarse-to-fine images (src/train/schedule.ts; it sets the SH steps itself,
   * and `density` overrides still apply). Default 'reference' (the browser and the CLI choose).
   */
  schedule: ScheduleName;
  /** Overrides of the scaled schedule's shape (schedule.ts DEFAULT_SCALED_SCHEDULE). */
  scaledSchedule?: Partial<ScaledSchedule>;
}

export const DEFAULT_LR: LearningRates = {
  meansInit: 1.6e-4,
  meansFinal: 1.6e-6,
  shDc: 2.5e-3,
  shRest: 1.25e-4,
  opacity: 0.025,
  scale: 5e-3,
  rotation: 1e-3,
};

export const DEFAULT_TRAIN: TrainConfig = {
  iterations: 30_000,
  shDegree: 3,
  shIncreaseEvery: 1000,
  background: 'black',
  ssimWeight: 0.2,
  lr: DEFAULT_LR,
  density: {},
  strategy: 'adc',
  mcmc: {},
  selectiveAdam: false,
  antialias: false,
  filter2d: 0.1,
  dropout: 0,
  seed: 0,
  schedule: 'reference',
};

/** The anti-aliasing filter of runs configured before `filter2d` existed, px^2. */
export const LEGACY_FILTER2D = 0.3;

/** Fills defaults without mutating the caller's object. */
export function resolveTrainConfig(c: Partial<TrainConfig> = {}): TrainConfig {
  const out: TrainConfig = { ...DEFAULT_TRAIN, ...c, lr: { ...DEFAULT_LR, ...(c.lr ?? {}) }, density: { ...(c.density ?? {}) }, mcmc: { ...(c.mcmc ?? {}) } };
  out.strategy = c.strategy ?? DEFAULT_TRAIN.strategy;
  out.selectiveAdam = c.selectiveAdam ?? DEFAULT_TRAIN.selectiveAdam;
  out.antialias = c.antialias ?? DEFAULT_TRAIN.antialias;
  out.filter2d = c.filter2d ?? DEFAULT_TRAIN.filter2d;
  out.dropout = c.dropout ?? DEFAULT_TRAIN.dropout;
  if (!isDropoutRate(out.dropout)) throw new Error(`dropout must be a number in [0, ${MAX_DROPOUT}], got ${c.dropout}`);
  if (!isFilter2d(out.filter2d)) throw new Error(`filter2d must be a number in [0, ${MAX_FILTER2D}] px^2, got ${c.filter2d}`);
  if (out.strategy !== 'adc' && out.strategy !== 'mcmc') throw new Error(`strategy must be adc or mcmc, got ${c.strategy}`);
  if (!Number.isInteger(out.iterations) || out.iterations < 1) throw new Error(`iterations must be a positive integer, got ${c.iterations}`);
  if (!Number.isInteger(out.shDegree) || out.shDegree < 0 || out.shDegree > 3) throw new Error(`shDegree must be 0..3, got ${c.shDegree}`);
  if (!['black', 'white', 'random'].includes(out.background)) throw new Error(`background must be black, white or random, got ${c.background}`);
  out.schedule = c.schedule ?? DEFAULT_TRAIN.schedule;
  if (c.scaledSchedule) out.scaledSchedule = { ...c.scaledSchedule };
  schedulePlan(out); // throws on an unknown schedule or a bad scaled-schedule field
  return out;
}

/** The dropout rate of step `it` (1-based): linear from 0 to `dropout` over the run (DropGaussian's ramp). */
export function dropoutRateAt(c: Pick<TrainConfig, 'dropout' | 'iterations'>, it: number): number {
  return c.dropout * Math.min(Math.max(it / c.iterations, 0), 1);
}

/** Position learning rate at `step` (1-based): exp((1 - tau) ln a + tau ln b), tau = step / total. */
export function meansLearningRate(step: number, total: number, extent: number, lr: LearningRates): number {
  const tau = Math.min(Math.max(step / Math.max(total, 1), 0), 1);
  return Math.exp((1 - tau) * Math.log(lr.meansInit * extent) + tau * Math.log(lr.meansFinal * extent));
}

/** Active SH degree at iteration `it` (1-based): +1 at every multiple of `every`, up to `max`. */
export function activeShDegree(it: number, every: number, max: number): number {
  return Math.min(max, Math.floor(it / every));
}
