/**
 * Training schedules: when to densify, reset opacity, raise the SH degree and the image
 * resolution, and how long the position learning rate decays, for the run length chosen.
 *
 * 'reference' is the INRIA schedule, built for 30,000 steps and kept in absolute steps whatever
 * the run length (densify 500-15,000 every 100, reset every 3,000, SH +1 every 1,000; the
 * learning rate decays over the run). A run of a few thousand steps spends most of it before the
 * first reset and ends while the splats densified last are still settling.
 *
 * 'scaled' places every event at a fraction of `iterations` (ScaledSchedule), the way gsplat's
 * `steps_scaler` does, with floors in steps where a statistic needs time to accumulate, and
 * trains coarse to fine (DashGaussian, Chen et al. 2025): the images start downscaled by
 * `startDivisor` and reach full size at `fullResolutionAt` of the run, the divisor falling
 * geometrically, so early steps fit the low frequencies at a fraction of the cost.
 *
 * Pure: a plan is a function of the config, so a resumed run follows the same plan.
 */
import type { DensityConfig } from './density-control';
import type { McmcConfig } from './mcmc-config';

export type ScheduleName = 'reference' | 'scaled';
export const SCHEDULE_NAMES: readonly ScheduleName[] = ['reference', 'scaled'];

/** The shape of the 'scaled' schedule; fractions are of `iterations`. */
export interface ScaledSchedule {
  /** Densification starts after this fraction of the run. Default 0.1. */
  densifyFrom: number;
  /** ... and stops before this fraction. Default 0.5 (the reference's 15,000 of 30,000). */
  densifyUntil: number;
  /** Densify every this fraction of the run, at least every `minDensifyEvery` steps. Default 0.02. */
  densifyEvery: number;
  /** Floor of the densification interval in steps: statistics need a few views each. Default 50. */
  minDensifyEvery: number;
  /** Opacity reset every this fraction of the run inside the densification window; 0: none. Default 0. */
  opacityResetEvery: number;
  /**
   * Runs of at least this many steps (0: none) densify until `longDensifyUntil` and reset the
   * opacities once, at `longResetAt`, as the reference does at step 3,000: a long run fits the
   * training views ever closer after densification ends, and the reset clears the splats only
   * they support. Shorter runs have too few steps left to recover from a reset. Default 5,000
   * (bench/README.md, buddha13 at 5,000 steps: 20.97 dB held out with the long-run settings,
   * 20.01 densifying only to 70% without the world-size prune, 19.48 without the reset; the
   * reference 20.65).
   */
  longRunFrom: number;
  /** Densification window end of a long run. Default 0.9 (the reference densifies to the end of a 5,000-step run). */
  longDensifyUntil: number;
  /** The one opacity reset of a long run, inside its densification window. Default 0.6. */
  longResetAt: number;
  /**
   * A long run also prunes splats larger than 0.1 E after this fraction (1: never), as the
   * reference does after its first reset: in a long run they are floaters fitted to the
   * training views, not the background a short run still needs. Default 0.6.
   */
  longWorldScalePruneAfter: number;
  /**
   * Densification also prunes splats larger than 0.1 E after this fraction of the run (the
   * reference: after its first reset, 3,000 of 30,000); 1: never. Default 1: in a short run the
   * large splats are the background, and pruning them early opens holes. Long runs
   * (`longRunFrom`) use `longWorldScalePruneAfter` instead.
   */
  worldScalePruneAfter: number;
  /**
   * The SH degree reaches its maximum at this fraction, in equal steps (reference: 0.1 of 30,000).
   * Default 0.9: view-dependent colour fitted early overfits the training views of a sparse
   * capture (bench/README.md, 1,000 steps: buddha13 held out +0.7 dB against 0.1, the playbot ring
   * within 0.2 dB).
   */
  shFullAt: number;
  /** Coarse to fine: the image divisor of the first step; 1 trains at full size throughout. Default 4. */
  startDivisor: number;
  /** Full resolution from this fraction of the run on. Default 0.5. */
  fullResolutionAt: number;
  /** A downscaled image keeps at least this many pixels on its shorter side. Default 64. */
  minSide: number;
  /**
   * MCMC's initial scale factor (McmcConfig.initScale; gsplat's 30,000-step preset: 0.1). Short
   * runs cannot spend their first 400 steps growing splats back: at 1,000 steps on buddha13 (1/2)
   * 0.3 gave 20.04 dB held out against 19.33 for 0.1 (0.5: 19.95), and on the rendered ring
   * 32.20 / 30.87 against 32.26 / 30.92 at 32k / 11k splats (bench/README.md). Default 0.3.
   */
  mcmcInitScale: number;
  /**
   * MCMC's gradient-weighted draws (McmcConfig.gradientWeight; gsplat draws by opacity alone: 0).
   * Relocation and growth copy splats in proportion to opacity times their mean view-space
   * gradient against this reference (ADC's default threshold), so copies go where the image
   * still pulls. At 1,000 steps on buddha13 (1/2) at ADC's count it gave 20.52 dB held out
   * against 19.52 by opacity (training views 23.85 against 21.40), on the ring 32.29 against
   * 32.20 at 32k splats (bench/README.md). Default 2e-4.
   */
  mcmcGradientWeight: number;
  /**
   * MCMC's copies start this many standard deviations off their source along a normal draw
   * (McmcConfig.spread; gsplat stacks them on it: 0). A stacked copy gets nearly its source's
   * gradients and parts from it slowly, so in a short run most copies add little. At 1,000
   * steps on buddha13 (1/2) at ADC's count, 1 gave 21.24 dB held out against 20.52 stacked
   * (training views 25.74 against 23.85; bench/README.md). Default 1.
   */
  mcmcSpread: number;
  /**
   * With an MCMC peak (McmcConfig.peak), the prune to the budget comes after this fraction of
   * the run (McmcConfig.pruneAt), once the copies made until densifyUntil have trained, leaving
   * the rest of the run to fit the kept splats. Default 0.6.
   */
  mcmcPruneAt: number;
}

export const DEFAULT_SCALED_SCHEDULE: ScaledSchedule = Object.freeze({
  densifyFrom: 0.1,
  densifyUntil: 0.5,
  densifyEvery: 0.02,
  minDensifyEvery: 50,
  opacityResetEvery: 0,
  longRunFrom: 5000,
  longDensifyUntil: 0.9,
  longResetAt: 0.6,
  longWorldScalePruneAfter: 0.6,
  worldScalePruneAfter: 1,
  shFullAt: 0.9,
  startDivisor: 4,
  fullResolutionAt: 0.5,
  minSide: 64,
  mcmcInitScale: 0.3,
  mcmcGradientWeight: 2e-4,
  mcmcSpread: 1,
  mcmcPruneAt: 0.6,
});

/** Fills defaults and checks every field; never mutates the caller's object. */
export function resolveScaledSchedule(c: Partial<ScaledSchedule> = {}): ScaledSchedule {
  const out: ScaledSchedule = { ...DEFAULT_SCALED_SCHEDULE };
  for (const [k, v] of Object.entries(c) as [keyof ScaledSchedule, number | undefined][]) {
    if (!(k in DEFAULT_SCALED_SCHEDULE)) throw new RangeError(`scaled schedule: unknown option '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  const bad = (k: keyof ScaledSchedule, need: string): never => {
    throw new RangeError(`scaled schedule: ${k} must be ${need}, got ${String(out[k])}`);
  };
  for (const k of ['densifyFrom', 'densifyUntil', 'densifyEvery', 'opacityResetEvery', 'longDensifyUntil', 'longResetAt', 'longWorldScalePruneAfter', 'worldScalePruneAfter', 'shFullAt', 'fullResolutionAt', 'mcmcPruneAt'] as const) {
    if (!(out[k] >= 0 && out[k] <= 1)) bad(k, 'a fraction in [0, 1]');
  }
  if (!(Number.isInteger(out.longRunFrom) && out.longRunFrom >= 0)) bad('longRunFrom', 'a non-negative integer');
  if (out.longRunFrom > 0 && !(out.longResetAt < out.longDensifyUntil && 2 * out.longResetAt > out.longDensifyUntil)) {
    bad('longResetAt', `inside the long run's densification window and its only reset there (longDensifyUntil ${out.longDensifyUntil})`);
  }
  if (!(Number.isInteger(out.minDensifyEvery) && out.minDensifyEvery >= 1)) bad('minDensifyEvery', 'a positive integer');
  if (!(out.startDivisor >= 1 && Number.isFinite(out.startDivisor))) bad('startDivisor', 'finite and >= 1');
  if (!(Number.isInteger(out.minSide) && out.minSide >= 1)) bad('minSide', 'a positive integer');
  if (!(out.mcmcInitScale > 0 && Number.isFinite(out.mcmcInitScale))) bad('mcmcInitScale', 'finite and > 0');
  for (const k of ['mcmcGradientWeight', 'mcmcSpread'] as const) if (!(out[k] >= 0 && Number.isFinite(out[k]))) bad(k, 'finite and >= 0');
  return out;
}

/** What a run of `iterations` steps follows (the Trainer's view of a schedule). */
export interface SchedulePlan {
  /** Density control settings, the config's own overrides applied last. */
  density: Partial<DensityConfig>;
  /** MCMC settings (its refinement window scaled like densification), the config's own last. */
  mcmc: Partial<McmcConfig>;
  /** The active SH degree rises by one every this many iterations. */
  shIncreaseEvery: number;
  /** The position learning rate decays over this many iterations. */
  lrDecayIterations: number;
  /** Image divisor at iteration `it` (1-based): 1 is the full training size. */
  divisorAt(it: number): number;
  /** A downscaled image keeps at least this many pixels on its shorter side (coarseSize). */
  minSide: number;
  /** The first iteration trained at full size (1 without coarse-to-fine). */
  fullSizeFrom: number;
}

/** The fields of TrainConfig a plan depends on. */
export interface ScheduleInputs {
  iterations: number;
  schedule: ScheduleName;
  scaledSchedule?: Partial<ScaledSchedule>;
  shDegree: number;
  shIncreaseEvery: number;
  lrDecayIterations?: number;
  density: Partial<DensityConfig>;
  mcmc?: Partial<McmcConfig>;
}

export function schedulePlan(c: ScheduleInputs): SchedulePlan {
  const lrDecayIterations = c.lrDecayIterations ?? c.iterations;
  if (c.schedule === 'reference') return { density: { ...c.density }, mcmc: { ...c.mcmc }, shIncreaseEvery: c.shIncreaseEvery, lrDecayIterations, divisorAt: () => 1, minSide: 1, fullSizeFrom: 1 };
  if (c.schedule !== 'scaled') throw new RangeError(`schedule must be ${SCHEDULE_NAMES.join(' or ')}, got ${String(c.schedule)}`);
  const s = resolveScaledSchedule(c.scaledSchedule);
  const n = c.iterations;
  const at = (f: number) => Math.round(f * n);
  const densifyEvery = Math.max(s.minDensifyEvery, at(s.densifyEvery));
  const long = s.longRunFrom > 0 && n >= s.longRunFrom;
  const densifyUntil = at(long ? s.longDensifyUntil : s.densifyUntil);
  const pruneAfter = long ? s.longWorldScalePruneAfter : s.worldScalePruneAfter;
  // Periodic resets when asked for; else a long run's one reset (every longResetAt of the run
  // while densifying, which is once: checked in resolveScaledSchedule).
  const resetEvery = s.opacityResetEvery > 0 ? Math.max(densifyEvery, at(s.opacityResetEvery)) : long ? at(s.longResetAt) : 0;
  const density: Partial<DensityConfig> = {
    densifyFrom: at(s.densifyFrom),
    densifyUntil,
    densifyEvery,
    worldScalePruneAfter: pruneAfter >= 1 ? n : at(pruneAfter),
    opacityResetEvery: resetEvery,
    ...c.density,
  };
  // MCMC keeps the short window at every length (it has no reset; a longer window is untested).
  const mcmc: Partial<McmcConfig> = { refineFrom: at(s.densifyFrom), refineUntil: at(s.densifyUntil), refineEvery: densifyEvery, initScale: s.mcmcInitScale, gradientWeight: s.mcmcGradientWeight, spread: s.mcmcSpread, pruneAt: Math.max(1, at(s.mcmcPruneAt)), ...c.mcmc };
  const shIncreaseEvery = Math.max(1, Math.round((s.shFullAt * n) / Math.max(c.shDegree, 1)));
  const end = Math.max(1, s.fullResolutionAt * n);
  const divisorAt = (it: number): number => (s.startDivisor <= 1 || it >= end ? 1 : s.startDivisor ** (1 - Math.max(it - 1, 0) / end));
  return { density, mcmc, shIncreaseEvery, lrDecayIterations, divisorAt, minSide: s.minSide, fullSizeFrom: s.startDivisor <= 1 ? 1 : Math.ceil(end) };
}

/**
 * Pixels a run of `iterations` steps renders on width x height images, as a fraction of the
 * same run at full size throughout (time estimates: the rasterizer's work follows the pixels).
 */
export function pixelFraction(plan: SchedulePlan, iterations: number, width: number, height: number): number {
  let sum = 0;
  for (let it = 1; it < Math.min(plan.fullSizeFrom, iterations + 1); it++) {
    const s = coarseSize(width, height, plan.divisorAt(it), plan.minSide);
    sum += (s.width * s.height) / (width * height);
  }
  return (sum + Math.max(0, iterations - plan.fullSizeFrom + 1)) / iterations;
}

/**
 * Size of an image of width x height downscaled by `divisor`, the shorter side kept at least
 * `minSide` (or the full size, if smaller): the divisor used is the smaller of the two limits.
 */
export function coarseSize(width: number, height: number, divisor: number, minSide: number): { width: number; height: number } {
  const d = Math.min(divisor, Math.max(1, Math.min(width, height) / minSide));
  if (d <= 1) return { width, height };
  return { width: Math.max(1, Math.round(width / d)), height: Math.max(1, Math.round(height / d)) };
}
