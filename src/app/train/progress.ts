/**
 * Training progress bookkeeping, free of the DOM and the GPU: the per-step history the chart
 * plots, iterations per second over a recent window of active (unpaused) time, and the ETA.
 */
import type { EvalResult, StepInfo } from '../../train/trainer';

export interface ProgressSample {
  iteration: number;
  loss: number;
  /** Train-view PSNR of this step, dB. */
  psnr: number;
  splats: number;
}

export interface HeldOutSample {
  iteration: number;
  psnr: number;
  ssim: number;
  l1: number;
}

/**
 * The rate is measured over about this much recent active time (ms): long enough to average
 * the uneven cost of steps (densification, evaluation), short enough to follow a run that
 * slows down as the splat count grows.
 */
export const RATE_WINDOW_MS = 10_000;

export class TrainProgress {
  readonly samples: ProgressSample[] = [];
  readonly heldOut: HeldOutSample[] = [];
  /** (iteration, active ms) marks of recent steps for the rate. */
  private marks: { iteration: number; time: number }[] = [];
  /** Active time before the current stretch, ms. */
  private activeBefore = 0;
  /** Start of the current unpaused stretch (clock ms), or null while paused. */
  private stretchStart: number | null = null;

  /** `start`: the iteration a resumed run continues from (0 for a new run). */
  constructor(
    readonly total: number,
    private readonly start = 0,
  ) {
    if (!(Number.isInteger(total) && total >= 1)) throw new Error(`TrainProgress: total iterations must be a positive integer, got ${total}`);
  }

  /** Starts or resumes the clock at `now` (ms). The first step after it opens a new rate window. */
  resume(now: number, iteration: number): void {
    if (this.stretchStart !== null) return;
    this.stretchStart = now;
    // A pause must not read as slow progress: the window restarts from here.
    this.marks = [{ iteration, time: this.activeBefore }];
  }

  pause(now: number): void {
    if (this.stretchStart === null) return;
    this.activeBefore += now - this.stretchStart;
    this.stretchStart = null;
  }

  /** Active (unpaused) milliseconds at clock time `now`. */
  activeMs(now: number): number {
    return this.activeBefore + (this.stretchStart === null ? 0 : now - this.stretchStart);
  }

  record(info: StepInfo, now: number): void {
    this.samples.push({ iteration: info.iteration, loss: info.loss, psnr: info.psnr, splats: info.splats });
    const time = this.activeMs(now);
    this.marks.push({ iteration: info.iteration, time });
    // Keep one mark at or before the window start so the window always spans RATE_WINDOW_MS once it can.
    while (this.marks.length > 2 && this.marks[1].time <= time - RATE_WINDOW_MS) this.marks.shift();
  }

  recordEval(r: EvalResult): void {
    this.heldOut.push({ iteration: r.iteration, psnr: r.psnr, ssim: r.ssim, l1: r.l1 });
  }

  get iteration(): number {
    return this.samples.length > 0 ? this.samples[this.samples.length - 1].iteration : this.start;
  }

  /** Iterations per second over the recent window; NaN until two steps span some time. */
  rate(): number {
    if (this.marks.length < 2) return NaN;
    const a = this.marks[0];
    const b = this.marks[this.marks.length - 1];
    const dt = b.time - a.time;
    return dt > 0 ? ((b.iteration - a.iteration) * 1000) / dt : NaN;
  }

  /** Seconds left at the current rate; NaN while unknown, 0 when finished. */
  eta(): number {
    const left = this.total - this.iteration;
    if (left <= 0) return 0;
    const r = this.rate();
    return r > 0 ? left / r : NaN;
  }
}

/** "45s", "12m05s", "3h07m"; "?" for an unknown (NaN or infinite) duration. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
