/**
 * The training page's automation hook, `window.__train`: what a test (or a curious user in the
 * console) can read about the run without parsing the panel.
 */

export type TrainState = 'idle' | 'loading' | 'training' | 'paused' | 'stopped' | 'done' | 'error';

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
  /** Step of the last checkpoint this page saved of the current run; -1 before the first. */
  savedIteration: number;
  /** Milliseconds the last checkpoint took (GPU readback, encoding, writing); NaN before the first. */
  saveMs: number;
  /** Bytes of the last checkpoint; 0 before the first. */
  checkpointBytes: number;
  /** Step the current run was resumed from (a checkpoint); -1 for a run started afresh. */
  resumedFrom: number;
  /** GPU device losses the page recovered from. */
  recoveries: number;
}

declare global {
  interface Window {
    __train?: TrainStatus;
  }
}

export function initialStatus(): TrainStatus {
  return {
    state: 'idle',
    iteration: 0,
    iterations: 0,
    psnr: NaN,
    firstPsnr: NaN,
    heldOutPsnr: NaN,
    firstHeldOutPsnr: NaN,
    splats: 0,
    dataset: '',
    error: '',
    savedIteration: -1,
    saveMs: NaN,
    checkpointBytes: 0,
    resumedFrom: -1,
    recoveries: 0,
  };
}
