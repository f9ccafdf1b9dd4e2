/**
 * The training page's automation hook, `window.__train`: what a test (or a curious user in the
 * console) can read about the run without parsing the panel.
 */

export type TrainState = 'idle' | 'loading' | 'training' | 'paused' | 'done' | 'error';

export interface TrainStatus {
  state: TrainState;
  /** Iterations finished in the current run. */
  iteration: number;
  /** Iterations the current run was started with. */
  iterations: number;
  /** Train-view PSNR of the last step, dB; NaN before the first. */
  psnr: number;
  /** Train-view PSNR of the run's first step, dB; NaN before it. */
  firstPsnr: number;
  /** Held-out PSNR of the last evaluation, dB; NaN without one. */
  heldOutPsnr: number;
  /** Held-out PSNR of the run's first evaluation (before the first step), dB; NaN without one. */
  firstHeldOutPsnr: number;
  splats: number;
  /** Name of the loaded dataset, '' when none. */
  dataset: string;
  /** Last error shown, '' when none. */
  error: string;
}

declare global {
  interface Window {
    __train?: TrainStatus;
  }
}

export function initialStatus(): TrainStatus {
  return { state: 'idle', iteration: 0, iterations: 0, psnr: NaN, firstPsnr: NaN, heldOutPsnr: NaN, firstHeldOutPsnr: NaN, splats: 0, dataset: '', error: '' };
}
