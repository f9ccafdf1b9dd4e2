/**
 * Training presets and their time estimates. A preset fixes the length of a run and the image
 * size; the estimate comes from the step cost measured on this machine (seconds per megapixel
 * of training image per step, remembered across visits), so "full" on a slow adapter says
 * hours before the user commits to it. Pure apart from the localStorage helpers at the end.
 */
import { formatDuration, type TrainProgress } from './progress';

export type PresetName = 'quick' | 'balanced' | 'full';

export interface TrainPreset {
  /** What the buttons and the list say. */
  label: string;
  iterations: number;
  /** Image divisor as in TrainSettings.resolution: 0 = automatic (longer side <= 1600 px). */
  resolution: number;
  /** Last densification iteration: densification stops before the end, as in the reference. */
  densifyUntil: number;
  /**
   * Densification the preset picks (the user may change it afterwards). The quick preview uses
   * MCMC at the automatic budget (autoMcmcSplats): at 2,000 steps it ended 1.2 dB higher held
   * out than ADC on the rendered ring (30,000 splats against ADC's 40,623, in two thirds of its
   * CPU time) and 0.6 dB higher on buddha13 at 1/4 size (64,206 splats against 67,470; 1.3
   * before MCMC's noise and scale regulariser were sized by the scene's extent); with the
   * automatic peak (autoMcmcPeak: grown to twice the budget, pruned back at 60%) 1.7 and 1.1 dB
   * higher, and
   * MCMC was ahead in every 1,000-step comparison on both bench captures (bench/README.md,
   * "Reading the quality tables"). Longer presets keep ADC: of MCMC's longer runs only one is
   * measured here (buddha13 at 1/4, 5,000 steps: 21.26 dB held out against ADC's 20.97).
   */
  strategy: 'adc' | 'mcmc';
}

export const PRESETS: Record<PresetName, TrainPreset> = {
  quick: { label: 'quick preview', iterations: 2_000, resolution: 4, densifyUntil: 1_500, strategy: 'mcmc' },
  balanced: { label: 'balanced', iterations: 7_000, resolution: 2, densifyUntil: 5_000, strategy: 'adc' },
  // The reference schedule (30,000 iterations, densification until 15,000, automatic size).
  full: { label: 'full', iterations: 30_000, resolution: 0, densifyUntil: 15_000, strategy: 'adc' },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** The preset whose fields `s` holds, or 'custom'. */
export function presetOf(s: { iterations: number; resolution: number; densifyUntil: number }): PresetName | 'custom' {
  for (const name of PRESET_NAMES) {
    const p = PRESETS[name];
    if (p.iterations === s.iterations && p.resolution === s.resolution && p.densifyUntil === s.densifyUntil) return name;
  }
  return 'custom';
}

/** Longer side of automatically sized images (io/colmap DEFAULT_MAX_SIDE). */
const AUTO_MAX_SIDE = 1600;

/** Training image pixels per step for photos of `photo` size at image divisor `resolution`. */
export function stepPixels(photo: { width: number; height: number }, resolution: number): number {
  let { width, height } = photo;
  if (resolution > 0) return Math.round(width / resolution) * Math.round(height / resolution);
  const longer = Math.max(width, height);
  if (longer > AUTO_MAX_SIDE) {
    width = Math.round((width * AUTO_MAX_SIDE) / longer);
    height = Math.round((height * AUTO_MAX_SIDE) / longer);
  }
  return width * height;
}

/**
 * Seconds per megapixel-step from a measured rate (steps per second) at `pixels` per step.
 * The rasterizer's work grows with the pixels; the per-splat work (projection, sort) is folded
 * in, which is why an estimate is "about".
 */
export function stepCost(rate: number, pixels: number): number {
  return 1 / (rate * (pixels / 1e6));
}

/** Estimated seconds for `iterations` steps at `pixels` per step; NaN without a measured cost. */
export function estimateSeconds(iterations: number, pixels: number, secondsPerMegapixel: number | undefined): number {
  if (secondsPerMegapixel === undefined || !(secondsPerMegapixel > 0)) return NaN;
  return iterations * (pixels / 1e6) * secondsPerMegapixel;
}

/** "about 3m20s", "about 2h05m"; before any measurement, when the time will be known. */
export function estimateText(seconds: number): string {
  return Number.isFinite(seconds) ? `about ${formatDuration(seconds)}` : 'time not measured yet';
}

/** Steps of a run before its rate is trusted as this machine's step cost (the first ones warm up). */
const COST_AFTER_STEPS = 20;

/** This machine's step cost: measured in runs, remembered across visits, turned into estimates. */
export class StepCostMeter {
  private cost = loadStepCost();

  /** Estimated time of `s` (iterations, resolution) on photos of `photo` size. */
  estimate(s: { iterations: number; resolution: number }, photo: { width: number; height: number }): string {
    return estimateText(estimateSeconds(s.iterations, stepPixels(photo, s.resolution), this.cost));
  }

  /**
   * Takes the rate of a run with `pixels` per step once it is past its first steps; returns
   * true when the remembered cost changed (about once per second of steps: localStorage writes
   * are synchronous).
   */
  measure(progress: TrainProgress, pixels: number): boolean {
    const first = progress.samples[0]?.iteration ?? progress.iteration;
    const rate = progress.rate();
    if (progress.iteration - first < COST_AFTER_STEPS || !(rate > 0)) return false;
    this.cost = stepCost(rate, pixels);
    if (progress.iteration % Math.max(1, Math.round(rate)) !== 0) return false;
    saveStepCost(this.cost);
    return true;
  }
}

const COST_KEY = 'splat-viewer.train-step-cost';

/** The step cost measured on this machine in an earlier run, if any. */
export function loadStepCost(): number | undefined {
  try {
    const v = Number(localStorage.getItem(COST_KEY));
    return v > 0 && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export function saveStepCost(secondsPerMegapixel: number): void {
  if (!(secondsPerMegapixel > 0 && Number.isFinite(secondsPerMegapixel))) return;
  try {
    localStorage.setItem(COST_KEY, String(secondsPerMegapixel));
  } catch {
    /* not remembered: estimates wait for the next run's first steps */
  }
}
