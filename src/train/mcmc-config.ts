/**
 * Configuration and schedule of MCMC densification (3DGS-MCMC, Kheradmand et al. 2024; defaults
 * from gsplat's MCMCStrategy and its simple_trainer "mcmc" preset), pure and GPU-free so the
 * CLI, the browser and checkpoint checks share it. src/train/mcmc-strategy.ts runs it.
 *
 * A budget, not a heuristic: the count grows from the initial splats to `splats` by drawing
 * copies of splats by opacity, and dead splats are moved rather than pruned. Growth is at least
 * `growthRate` per refinement (gsplat's 5%), and faster when that would not reach the budget by
 * the last refinement of the run, so a short run still ends at the requested count.
 */
import type { SplatScene } from '../io/scene';
import { Mulberry32 } from './random';

export interface McmcConfig {
  /** The splat budget: the count grows to exactly this; a larger initial set is subsampled to it. Default 1,000,000 (gsplat cap_max). */
  splats: number;
  /** Relocate and grow at iterations it > refineFrom (with it % refineEvery == 0). Default 500. */
  refineFrom: number;
  /** ... and it < min(refineUntil, iterations), so the last copies still train. Default 25,000. */
  refineUntil: number;
  /** Default 100. */
  refineEvery: number;
  /** Least growth per refinement, as a fraction of the count. Default 0.05. */
  growthRate: number;
  /** Splats with opacity <= this are dead (relocated); copies never go below it. Default 0.005. */
  minOpacity: number;
  /** Position noise: means learning rate times this scales Sigma z (in a scene of extent MCMC_UNIT_EXTENT; see there). Default 5e5. */
  noiseLr: number;
  /** The noise gate sigmoid(-k (o - o0)): k. Default 100. */
  noiseSharpness: number;
  /** ... and o0. Default 0.005. */
  noiseGateOpacity: number;
  /** Loss term lambda_o mean(opacity). Default 0.01. */
  opacityReg: number;
  /** Loss term lambda_s mean(exp(log-scale)), lengths in units of extent / MCMC_UNIT_EXTENT. Default 0.01. */
  scaleReg: number;
  /** A fresh run starts every splat at this opacity (gsplat's MCMC preset). Default 0.5. */
  initOpacity: number;
  /** ... and multiplies the initial scales by this. Default 0.1. */
  initScale: number;
  /**
   * Draw weights: 0 draws by opacity (gsplat); g0 > 0 multiplies each splat's opacity by
   * clamp(g / g0, 0.1, 10) / 10, g its mean view-space gradient norm since the last refinement
   * (ADC's densification statistic), so copies go where the image still pulls. Default 0.
   */
  gradientWeight: number;
  /**
   * Each copy a round makes moves off its source by spread R diag(scale') z, z ~ N(0, I) hashed
   * from (seed, iteration, round, draw), scale' its new scale; 0 stacks it on the source, as
   * gsplat does. Default 0 (the scaled schedule: ScaledSchedule.mcmcSpread).
   */
  spread: number;
  /**
   * Grow past the budget to this count, then keep the `splats` of highest opacity times blend
   * weight (mcmc-prune.ts) after the step of `pruneAt`; 0, or anything up to `splats`, grows
   * straight to the budget. A budget at or below the SfM point count cannot grow, so its splats
   * never specialise: at a third of ADC's count on buddha13 (1/2, 1,000 steps) growing to the
   * automatic budget and pruning at 60% gave 21.31 dB held out against 19.59 without, and ADC's
   * 20.33 with three times the splats (bench/README.md). Default 0 (`splat train --schedule
   * scaled` and the Train panel: the automatic budget).
   */
  peak: number;
  /** With a peak: prune after the optimizer step of this iteration (the run's last if it ends first). Default 25,000. */
  pruneAt: number;
}

/**
 * The scene extent (dataset.extent: 1.1 x the largest distance of a training camera from their
 * mean) at which the regularisers and the position noise take their configured strength.
 * Both are in world units (lambda_s exp(s), a length; the noise's Sigma z times the means'
 * learning rate, a length cubed), so unscaled they would train a capture in millimetres
 * differently from the same capture in metres: McmcStrategy divides the scale term by
 * extent / MCMC_UNIT_EXTENT and the noise by its square, which makes MCMC, like the rest of
 * the trainer, independent of the capture's units. 1.1 is the extent of gsplat's normalised
 * world (cameras about 1 from the centre), where its defaults (and ours) come from.
 */
export const MCMC_UNIT_EXTENT = 1.1;

/** The run's length unit against MCMC_UNIT_EXTENT (see there); 1 when the extent is not usable. */
export function mcmcLengthUnit(extent: number): number {
  return extent > 0 && Number.isFinite(extent) ? extent / MCMC_UNIT_EXTENT : 1;
}

/**
 * Largest copy spread the CLI accepts, in standard deviations: a copy's centre 4 SD off its
 * source lies outside the source's visible footprint (alpha there is e^-8 of the peak, under the
 * 1/255 renderers skip), so it no longer refines what its source drew (bench/README.md measured 0-3).
 */
export const MAX_SPREAD = 4;

export const DEFAULT_MCMC: McmcConfig = Object.freeze({
  splats: 1_000_000,
  refineFrom: 500,
  refineUntil: 25_000,
  refineEvery: 100,
  growthRate: 0.05,
  minOpacity: 0.005,
  noiseLr: 5e5,
  noiseSharpness: 100,
  noiseGateOpacity: 0.005,
  opacityReg: 0.01,
  scaleReg: 0.01,
  initOpacity: 0.5,
  initScale: 0.1,
  gradientWeight: 0,
  spread: 0,
  peak: 0,
  pruneAt: 25_000,
});

/**
 * The automatic budget (the browser's "MCMC splats 0 = auto", `splat train --splats auto`):
 * AUTO_SPLATS_FACTOR times the run's initial splats (the SfM points), at least AUTO_SPLATS_MIN,
 * at most `maxSplats`. 3x is what ADC (the scaled schedule) grew to on both bench captures in
 * the quick preview's shape: buddha13 at 1/4, 2,000 steps, 21,402 -> 67,470 (3.15x); the
 * rendered ring at 1/2, 1,000 steps, 10,000 -> 32,088 (3.2x). The floor is for SfM models of a
 * few thousand points, which ADC would still grow from.
 */
export const AUTO_SPLATS_FACTOR = 3;
export const AUTO_SPLATS_MIN = 10_000;

export function autoMcmcSplats(initialCount: number, maxSplats: number): number {
  return Math.max(1, Math.min(maxSplats, Math.max(AUTO_SPLATS_MIN, Math.round(AUTO_SPLATS_FACTOR * initialCount))));
}

/**
 * The automatic peak (McmcConfig.peak; `--mcmc-peak auto`, the panel's "MCMC peak 0 = auto",
 * with the scaled schedule): AUTO_PEAK_FACTOR times the budget, at least the automatic budget
 * and at most AUTO_PEAK_FACTOR times it, never past `maxSplats`; a result at or below the
 * budget means no peak. Growing to twice the count and keeping the half that draws most beat
 * growing straight to it at every budget measured (buddha13 1/2, 1,000 steps, held out): at the
 * automatic budget 22.27 / 22.05 dB (seeds 0 / 1) against 21.75 / 21.53, at ADC's count 21.65
 * against 21.50, at a third of it 21.31 against 19.59 (bench/README.md). The upper bound keeps
 * the cost of a large explicit budget where it was: a budget of twice the automatic one or more
 * grows straight to itself.
 */
export const AUTO_PEAK_FACTOR = 2;

export function autoMcmcPeak(budget: number, initialCount: number, maxSplats: number): number {
  const auto = autoMcmcSplats(initialCount, maxSplats);
  const peak = Math.min(maxSplats, Math.max(auto, Math.min(AUTO_PEAK_FACTOR * auto, AUTO_PEAK_FACTOR * budget)));
  return peak > budget ? peak : 0;
}

/** Fills defaults and checks every field; never mutates the caller's object. */
export function resolveMcmcConfig(c: Partial<McmcConfig> = {}): McmcConfig {
  const out: McmcConfig = { ...DEFAULT_MCMC };
  for (const [k, v] of Object.entries(c) as [keyof McmcConfig, number | undefined][]) {
    if (!(k in DEFAULT_MCMC)) throw new RangeError(`mcmc config: unknown option '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  const bad = (k: keyof McmcConfig, need: string): never => {
    throw new RangeError(`mcmc config: ${k} must be ${need}, got ${String(out[k])}`);
  };
  if (!Number.isInteger(out.splats) || out.splats < 1 || out.splats >= 2 ** 31) bad('splats', 'an integer in 1..2^31 - 1');
  if (!Number.isInteger(out.peak) || out.peak < 0 || out.peak >= 2 ** 31) bad('peak', 'an integer in 0..2^31 - 1');
  if (!Number.isInteger(out.pruneAt) || out.pruneAt < 1) bad('pruneAt', 'a positive integer');
  for (const k of ['refineFrom', 'refineUntil'] as const) if (!Number.isInteger(out[k]) || out[k] < 0) bad(k, 'a non-negative integer');
  if (!Number.isInteger(out.refineEvery) || out.refineEvery < 1) bad('refineEvery', 'a positive integer');
  for (const k of ['growthRate', 'noiseLr', 'noiseSharpness', 'opacityReg', 'scaleReg', 'gradientWeight', 'spread'] as const) if (!(out[k] >= 0 && Number.isFinite(out[k]))) bad(k, 'finite and >= 0');
  for (const k of ['minOpacity', 'noiseGateOpacity'] as const) if (!(out[k] >= 0 && out[k] < 1)) bad(k, 'in [0, 1)');
  if (!(out.initOpacity > 0 && out.initOpacity < 1)) bad('initOpacity', 'in (0, 1)');
  if (!(out.initScale > 0 && Number.isFinite(out.initScale))) bad('initScale', 'finite and > 0');
  return out;
}

/** Whether iteration `it` (1-based) of a run of `iterations` relocates and grows. */
export function mcmcRefineDue(it: number, c: McmcConfig, iterations: number): boolean {
  return it > c.refineFrom && it < Math.min(c.refineUntil, iterations) && it % c.refineEvery === 0;
}

/** The most splats the run holds: the peak when it prunes, else the budget. */
export function mcmcGrowthCap(c: McmcConfig): number {
  return Math.max(c.splats, c.peak);
}

/** The iteration after whose step a run with a peak prunes to the budget; undefined without one. */
export function mcmcPruneIteration(c: McmcConfig, iterations: number): number | undefined {
  return c.peak > c.splats ? Math.max(1, Math.min(c.pruneAt, iterations)) : undefined;
}

/** Refinements at iterations >= it (it included when due) before the prune (if any) in a run of `iterations`. */
export function mcmcRefinesLeft(it: number, c: McmcConfig, iterations: number): number {
  const last = Math.min(c.refineUntil, iterations, mcmcPruneIteration(c, iterations) ?? Infinity) - 1;
  const first = Math.max(it, c.refineFrom + 1);
  if (last < first) return 0;
  return Math.floor(last / c.refineEvery) - Math.floor((first - 1) / c.refineEvery);
}

/**
 * The count after the refinement at `it` of a state holding `n`: at least n (1 + growthRate),
 * and on the geometric path that ends at the cap (the peak before the prune, else the budget)
 * with the last refinement before the prune; never above it.
 */
export function mcmcGrowthTarget(n: number, it: number, c: McmcConfig, iterations: number): number {
  const prune = mcmcPruneIteration(c, iterations);
  const cap = prune !== undefined && it < prune ? mcmcGrowthCap(c) : c.splats;
  if (n >= cap) return n;
  const left = mcmcRefinesLeft(it, c, iterations);
  if (left <= 1) return cap;
  const onPath = Math.ceil(n * Math.pow(cap / n, 1 / left));
  return Math.min(cap, Math.max(Math.floor(n * (1 + c.growthRate)), onPath));
}

/**
 * The scene a fresh MCMC run starts from: at most mcmcGrowthCap rows (a seeded uniform choice,
 * kept in their order), every opacity set to initOpacity and every scale multiplied by
 * initScale. A resumed run starts from its checkpoint instead (which holds at most the cap).
 */
export function mcmcInitialScene(scene: SplatScene, c: McmcConfig, seed: number): SplatScene {
  let rows = Array.from({ length: scene.count }, (_, i) => i);
  const cap = mcmcGrowthCap(c);
  if (scene.count > cap) {
    // Partial Fisher-Yates: the first `cap` entries are a uniform choice.
    const r = new Mulberry32((seed ^ 0x6d636d69) >>> 0);
    for (let i = 0; i < cap; i++) {
      const j = i + Math.floor(r.next() * (scene.count - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    rows = rows.slice(0, cap).sort((a, b) => a - b);
  }
  const n = rows.length;
  const pick = (a: Float32Array, w: number) => {
    const out = new Float32Array(n * w);
    rows.forEach((src, i) => out.set(a.subarray(src * w, (src + 1) * w), i * w));
    return out;
  };
  const logScales = pick(scene.logScales, 3);
  const shift = Math.log(c.initScale);
  for (let i = 0; i < logScales.length; i++) logScales[i] += shift;
  return {
    ...scene,
    count: n,
    means: pick(scene.means, 3),
    logScales,
    quats: pick(scene.quats, 4),
    opacityLogits: new Float32Array(n).fill(Math.log(c.initOpacity / (1 - c.initOpacity))),
    sh: pick(scene.sh, scene.sh.length / Math.max(scene.count, 1)),
  };
}
