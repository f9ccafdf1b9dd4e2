/**
 * The densification strategy a Trainer runs, picked by TrainConfig.strategy:
 *   - 'adc': adaptive density control, the reference's clone/split/prune/reset
 *     (src/train/density-control.ts);
 *   - 'mcmc': 3DGS-MCMC with a splat budget (src/train/mcmc-strategy.ts).
 * Both act on the trainer's SplatState between steps and keep no state a checkpoint would need
 * beyond what the trainer already saves (ADC's statistics buffer; MCMC hashes seed and step).
 */
import type { GaussianGradients } from '../render/backward-pass';
import { DensityControl, type DensityConfig, type DensityStepResult } from './density-control';
import type { McmcConfig } from './mcmc-config';
import { McmcStrategy, type PruneScores } from './mcmc-strategy';
import type { SplatState } from './splat-state';

export type StrategyName = 'adc' | 'mcmc';
export const STRATEGY_NAMES: readonly StrategyName[] = ['adc', 'mcmc'];

export interface DensityStepInfo extends DensityStepResult {
  /** MCMC: dead splats moved onto live ones, and splats added. */
  relocated?: number;
  added?: number;
}

export interface DensityStrategy {
  /** Gradient terms of the strategy's own loss (MCMC's regularisers), recorded before Adam. */
  encodeGradientTerms?(pass: GPUComputePassEncoder, state: SplatState, grads: GaussianGradients): void;
  /** After the optimizer step of iteration `it`; `meansLr` is this step's position learning rate. */
  afterStep(it: number, state: SplatState, stats: GPUBuffer, extent: number, meansLr: number): Promise<DensityStepInfo>;
  destroy(): void;
}

export interface StrategyOptions {
  strategy: StrategyName;
  density: Partial<DensityConfig>;
  mcmc: Partial<McmcConfig>;
  seed: number;
  iterations: number;
  /** The scene's extent (dataset.extent): MCMC sizes its world-unit terms by it. */
  extent: number;
  /** MCMC with a peak: each splat's score at the prune of iteration `it` (the run's blend weights; contributions.ts). */
  pruneScores?: PruneScores;
}

export function createDensityStrategy(device: GPUDevice, o: StrategyOptions): DensityStrategy {
  if (o.strategy === 'mcmc') return new McmcStrategy(device, o.mcmc, o.seed, o.iterations, o.extent, o.pruneScores);
  return new DensityControl(device, { seed: o.seed, ...o.density });
}
