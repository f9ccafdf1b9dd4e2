import { describe, expect, it } from 'vitest';
import { TrainingRun, type RunState, type RunTrainer } from '../../../src/app/train/train-run';
import type { EvalResult, StepInfo } from '../../../src/train/trainer';

/** Counts steps like the Trainer (done at `iterations`, optional failure at one step). */
class FakeTrainer implements RunTrainer {
  iteration = 0;
  evaluations: number[] = [];
  constructor(
    private readonly iterations: number,
    private readonly failAt = -1,
  ) {}
  get done(): boolean {
    return this.iteration >= this.iterations;
  }
  async step(): Promise<StepInfo> {
    await Promise.resolve();
    if (this.iteration + 1 === this.failAt) throw new Error(`loss became NaN at iteration ${this.failAt}`);
    this.iteration++;
    return { iteration: this.iteration, loss: 1 / this.iteration, psnr: 10 + this.iteration, splats: 100 };
  }
  async evaluate(): Promise<EvalResult> {
    this.evaluations.push(this.iteration);
    return { iteration: this.iteration, views: 1, psnr: 10 + this.iteration, ssim: 0.5, l1: 0.1 };
  }
}

function harness(trainer: FakeTrainer, evalEvery: number, onStep: (i: number, run: TrainingRun) => void = () => {}) {
  const steps: number[] = [];
  const states: [RunState, string | undefined][] = [];
  let yields = 0;
  const run: TrainingRun = new TrainingRun(trainer, { evalEvery }, {
    onStep: (info) => {
      steps.push(info.iteration);
      onStep(info.iteration, run);
    },
    onEval: () => {},
    onState: (s, m) => states.push([s, m]),
    yieldToPage: async () => {
      yields++;
    },
  });
  return { run, steps, states, yields: () => yields };
}

describe('TrainingRun', () => {
  it('runs to the end, yielding after every step, evaluating at 0, every N and at the end', async () => {
    const t = new FakeTrainer(12);
    const h = harness(t, 5);
    await h.run.run();
    expect(h.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(t.evaluations).toEqual([0, 5, 10, 12]);
    expect(h.yields()).toBe(12);
    expect(h.states).toEqual([['done', undefined]]);
  });

  it('does not evaluate twice when the last iteration is a multiple of N', async () => {
    const t = new FakeTrainer(10);
    await harness(t, 5).run.run();
    expect(t.evaluations).toEqual([0, 5, 10]);
  });

  it('never evaluates with evaluation off', async () => {
    const t = new FakeTrainer(4);
    await harness(t, 0).run.run();
    expect(t.evaluations).toEqual([]);
  });

  it('pauses after the step in flight, resumes where it stopped', async () => {
    const t = new FakeTrainer(8);
    const h = harness(t, 0, (i, run) => {
      if (i === 3) run.pause();
    });
    const finished = h.run.run();
    await new Promise((r) => setTimeout(r, 20));
    expect(h.run.state).toBe('paused');
    expect(t.iteration).toBe(3); // nothing ran while paused
    h.run.resume();
    await finished;
    expect(h.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(h.states.map((s) => s[0])).toEqual(['paused', 'training', 'done']);
  });

  it('a pause clicked while a step runs takes effect after it: a paused iteration never moves', async () => {
    const t = new FakeTrainer(8);
    let release: () => void = () => {};
    const slow = t.step.bind(t);
    // Step 2 stays "on the GPU" until released.
    t.step = async () => {
      if (t.iteration === 1) await new Promise<void>((r) => (release = r));
      return slow();
    };
    const h = harness(t, 0);
    const finished = h.run.run();
    await new Promise((r) => setTimeout(r, 10));
    expect(t.iteration).toBe(1);
    h.run.pause(); // while step 2 is in flight
    expect(h.run.state).toBe('training');
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(h.run.state).toBe('paused');
    expect(t.iteration).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.iteration).toBe(2);
    h.run.resume();
    await finished;
    expect(h.steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stops early with its final evaluation, also from a pause', async () => {
    const t = new FakeTrainer(100);
    const h = harness(t, 50, (i, run) => {
      if (i === 7) run.pause();
    });
    const finished = h.run.run();
    await new Promise((r) => setTimeout(r, 20));
    h.run.stop();
    await finished;
    expect(t.iteration).toBe(7);
    expect(t.evaluations).toEqual([0, 7]);
    expect(h.run.state).toBe('stopped');
    expect(h.states.map((x) => x[0])).toEqual(['paused', 'stopped']);
  });

  it('saves with no step in flight: after steps, on entering a pause, at the end, never for a replaced run', async () => {
    const t = new FakeTrainer(6);
    const saves: string[] = [];
    let inStep = false;
    const step = t.step.bind(t);
    t.step = async () => {
      inStep = true;
      const info = await step();
      inStep = false;
      return info;
    };
    const run = new TrainingRun(t, { evalEvery: 0 }, {
      onStep: (info) => {
        if (info.iteration === 2) run.pause();
      },
      onEval: () => {},
      onState: () => {},
      yieldToPage: async () => {},
      save: async (point) => {
        expect(inStep).toBe(false);
        await new Promise((r) => setTimeout(r, 1));
        saves.push(`${point}@${t.iteration}`);
      },
    });
    const finished = run.run();
    await new Promise((r) => setTimeout(r, 20));
    expect(run.state).toBe('paused');
    run.resume();
    await finished;
    // No 'step' save after the last step: the 'end' save covers it.
    expect(saves).toEqual(['step@1', 'step@2', 'pause@2', 'step@3', 'step@4', 'step@5', 'end@6']);
    expect(run.state).toBe('done');

    const replaced: string[] = [];
    const t2 = new FakeTrainer(100);
    const r2 = new TrainingRun(t2, { evalEvery: 0 }, {
      onStep: (info) => {
        if (info.iteration === 3) r2.stop(false);
      },
      onEval: () => {},
      onState: () => {},
      yieldToPage: async () => {},
      save: async (point) => {
        replaced.push(point);
      },
    });
    await r2.run();
    expect(replaced).toEqual(['step', 'step']); // none once the stop is asked for
  });

  it('skips the final evaluation when a new run replaces it', async () => {
    const t = new FakeTrainer(100);
    const h = harness(t, 50, (i, run) => {
      if (i === 3) run.stop(false);
    });
    await h.run.run();
    expect(t.evaluations).toEqual([0]);
  });

  it('ends in error with the trainer message (e.g. divergence)', async () => {
    const t = new FakeTrainer(10, 4);
    const h = harness(t, 0);
    await h.run.run();
    expect(h.steps).toEqual([1, 2, 3]);
    expect(h.states).toEqual([['error', 'loss became NaN at iteration 4']]);
  });

  it('rejects a bad evaluation period', () => {
    expect(() => new TrainingRun(new FakeTrainer(1), { evalEvery: -1 }, {} as never)).toThrow(/evalEvery/);
  });
});
