/**
 * One training run driven from the page: steps the trainer until it is done, paused or
 * stopped, evaluates the held-out views every N iterations and at the end, and yields to the
 * browser after every step so input and the render loop keep running (each step already awaits
 * a GPU readback; the extra yield lets queued tasks such as animation frames and pointer events
 * in). No DOM of its own: the page passes callbacks, the clock and the yield.
 */
import type { EvalResult, StepInfo } from '../../train/trainer';

/** What the run needs of a trainer (src/train/trainer.ts Trainer has it; tests pass a fake). */
export interface RunTrainer {
  readonly iteration: number;
  readonly done: boolean;
  step(): Promise<StepInfo>;
  evaluate(): Promise<EvalResult>;
}

/** 'stopped': ended by the user before its last iteration; 'done': all iterations ran. */
export type RunState = 'training' | 'paused' | 'stopped' | 'done' | 'error';

/** When the loop offers to save: after a step, on entering a pause, at the end of a run. */
export type SavePoint = 'step' | 'pause' | 'end';

export interface RunOptions {
  /** Evaluate the held-out views every this many iterations, and before the first step and after the last; 0 turns evaluation off. */
  evalEvery: number;
}

export interface RunCallbacks {
  onStep(info: StepInfo): void;
  onEval(result: EvalResult): void;
  /** Every state change; `message` explains an 'error'. */
  onState(state: RunState, message?: string): void;
  /** Lets the browser run pending tasks between steps. */
  yieldToPage(): Promise<void>;
  /**
   * Saves a checkpoint if one is due. The loop waits for it with no step in flight (a capture
   * reads the whole GPU state, which a step would change under it). Must not throw. Not called
   * for a run replaced by another (stop(false)).
   */
  save?(point: SavePoint): Promise<void>;
}

export class TrainingRun {
  private current: RunState = 'training';
  private stopRequested = false;
  private skipFinalEval = false;
  private wake: (() => void) | undefined;
  private lastEval = -1;
  private loopPromise: Promise<void> | undefined;
  private pauseRequested = false;

  constructor(
    private readonly trainer: RunTrainer,
    private readonly opts: RunOptions,
    private readonly callbacks: RunCallbacks,
  ) {
    if (!(Number.isInteger(opts.evalEvery) && opts.evalEvery >= 0)) throw new Error(`evalEvery must be a non-negative integer, got ${opts.evalEvery}`);
  }

  get state(): RunState {
    return this.current;
  }

  /** Starts the loop; the promise settles when the run is done, stopped or failed (never rejects). */
  run(): Promise<void> {
    this.loopPromise ??= this.loop();
    return this.loopPromise;
  }

  /**
   * Pauses after the step in flight: the state turns 'paused' only once no step is running, so a
   * paused run's iteration never moves (the step already on the GPU is not abandoned).
   */
  pause(): void {
    if (this.current === 'training') this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    if (this.current !== 'paused') return;
    this.setState('training');
    this.wakeUp();
  }

  /**
   * Ends the run after the step in flight (a paused run ends at once), with its final
   * evaluation unless `finalEval` is false (a run replaced by a new one).
   */
  stop(finalEval = true): void {
    this.stopRequested = true;
    if (!finalEval) this.skipFinalEval = true;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private setState(s: RunState, message?: string): void {
    this.current = s;
    this.callbacks.onState(s, message);
  }

  private async loop(): Promise<void> {
    try {
      if (this.opts.evalEvery > 0) await this.evaluate();
      while (!this.stopRequested && !this.trainer.done) {
        if (this.pauseRequested) {
          this.pauseRequested = false;
          this.setState('paused');
          await this.callbacks.save?.('pause');
        }
        if (this.current === 'paused') {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        const info = await this.trainer.step();
        this.callbacks.onStep(info);
        if (this.opts.evalEvery > 0 && info.iteration % this.opts.evalEvery === 0 && !this.trainer.done) await this.evaluate();
        if (!this.trainer.done && !this.stopRequested) await this.callbacks.save?.('step');
        await this.callbacks.yieldToPage();
      }
      if (this.opts.evalEvery > 0 && !this.skipFinalEval && this.lastEval !== this.trainer.iteration) await this.evaluate();
      if (!this.skipFinalEval) await this.callbacks.save?.('end');
      this.setState(this.trainer.done ? 'done' : 'stopped');
    } catch (e) {
      this.setState('error', e instanceof Error ? e.message : String(e));
    }
  }

  private async evaluate(): Promise<void> {
    const r = await this.trainer.evaluate();
    this.lastEval = this.trainer.iteration;
    this.callbacks.onEval(r);
  }
}

/**
 * A macrotask yield without setTimeout's 4 ms clamp on nested timers: a MessageChannel message
 * queues behind input and rendering tasks already waiting.
 */
export function yieldToBrowser(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
