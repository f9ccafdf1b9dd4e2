/**
 * A run's splat counts against what the device holds (render/splat-capacity.ts). ADC stops
 * growing at the device's capacity as it stops at maxSplats (the candidates past it are
 * refused), so its cap is the lower of the two; an MCMC budget or peak past the capacity could
 * never be reached and is an error before the first step, naming both numbers.
 */
import { type BufferLimits, capacityText, splatCapacity } from '../render/splat-capacity';
import { resolveDensityConfig } from './density-control';
import { resolveMcmcConfig } from './mcmc-config';
import type { SchedulePlan } from './schedule';

export function fitPlanToDevice(plan: SchedulePlan, strategy: 'adc' | 'mcmc', limits: BufferLimits, shDegree: number): SchedulePlan {
  const capacity = splatCapacity(limits, shDegree);
  if (strategy === 'mcmc') {
    const m = resolveMcmcConfig(plan.mcmc);
    const asked: [string, number][] = [['budget (--splats)', m.splats], ['peak (--mcmc-peak)', m.peak]];
    for (const [what, n] of asked) {
      if (n > capacity) throw new RangeError(`the MCMC ${what} of ${n.toLocaleString('en-US')} splats does not fit: ${capacityText(limits, shDegree)}`);
    }
  }
  const maxSplats = Math.min(resolveDensityConfig(plan.density).maxSplats, capacity);
  return { ...plan, density: { ...plan.density, maxSplats } };
}
