/**
 * Time estimates that know the schedule: the scaled schedule trains its first steps on
 * downscaled images (src/train/schedule.ts), which cost their share of the pixels, so a run is
 * estimated as that many full-size steps at the step cost measured on this machine.
 */
import { targetSize } from '../../io/colmap/dataset';
import { resolveTrainConfig } from '../../train/config';
import { pixelFraction, schedulePlan } from '../../train/schedule';
import type { StepCostMeter } from './presets';
import { trainConfigOf, type TrainSettings } from './train-panel';

/** Full-size steps equal in pixels to a run of `s` on photos of `photo` size. */
export function fullSizeSteps(s: TrainSettings, photo: { width: number; height: number }): number {
  const size = targetSize(photo.width, photo.height, s.resolution > 0 ? { resolution: s.resolution } : {});
  const plan = schedulePlan(resolveTrainConfig(trainConfigOf(s)));
  return s.iterations * pixelFraction(plan, s.iterations, size.width, size.height);
}

/** The panel's estimate of a run of `s`. */
export function runEstimate(cost: StepCostMeter, s: TrainSettings, photo: { width: number; height: number }): string {
  return cost.estimate({ resolution: s.resolution, iterations: fullSizeSteps(s, photo) }, photo);
}

/**
 * Whether the step rate at `iteration` is a full-size one: coarse steps are faster, and the
 * rate window (a few seconds) still holds some of them for a while after the switch.
 */
export function fullSizeRate(plan: { fullSizeFrom: number }, iteration: number): boolean {
  return plan.fullSizeFrom <= 1 || iteration >= plan.fullSizeFrom + 50;
}
