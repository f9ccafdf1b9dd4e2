/**
 * What the page shows of the current training run, all from one place so that every view
 * agrees and belongs to that run: the panel's numbers, `window.__train`, the HUD (only while
 * the viewer shows this run's live splats), the scene line, the tab title (the step, so a
 * background tab tells how far it got) and the notice when the run completes.
 */
import type { Overlay } from '../overlay';
import { formatDuration, type TrainProgress } from './progress';
import type { TrainHud } from './train-hud';
import type { TrainReadout } from './train-panel';
import type { TrainState, TrainStatus } from './train-status';

export interface ShownRun {
  name: string;
  progress: TrainProgress;
  /** Live splat count when no step has reported one yet. */
  splats: number;
  /** MCMC's budget (the count the run ends with); undefined with ADC. */
  budget?: number;
  /** MCMC's peak when above the budget (grown to first, then pruned to the budget after step `pruneAt`). */
  peak?: { splats: number; pruneAt: number };
}

/**
 * The panel's splat count: with MCMC, against the budget it ends with ("21,402 of 64,206 (MCMC)"),
 * and with a peak, against the peak until the prune ("30,000 of 64,206, then 10,552 (MCMC)";
 * `pruned`: the run is past its prune step).
 */
export function splatsReadout(count: number, budget: number | undefined, peak?: number, pruned = false): string {
  const f = (v: number) => v.toLocaleString('en-US');
  if (budget === undefined) return f(count);
  if (peak !== undefined && peak > budget && !pruned) return `${f(count)} of ${f(peak)}, then ${f(budget)} (MCMC)`;
  return `${f(count)} of ${f(budget)} (MCMC)`;
}

interface DatasetLike {
  name: string;
  data: { train: unknown[]; test: unknown[] };
}

/**
 * The panel's dataset line: the run's dataset while it trains, with a newly loaded one as what
 * Start would train next (it must not look as if the run had switched datasets).
 */
export function datasetReadout(running: DatasetLike | undefined, loaded: DatasetLike | undefined, active: boolean): string {
  const describe = (d: DatasetLike): string => `${d.name} (${d.data.train.length} train, ${d.data.test.length} test)`;
  if (active && running) return loaded && loaded !== running ? `${describe(running)}; next: ${loaded.name}` : describe(running);
  return loaded ? describe(loaded) : '-';
}

/** "training, step 120 of 2,000", "stopped at step 120 of 2,000", "trained, 2,000 steps". */
export function runStateText(state: TrainState, iteration: number, total: number): string {
  const at = `${iteration.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
  switch (state) {
    case 'training':
      return `training, step ${at}`;
    case 'paused':
      return `paused at step ${at}`;
    case 'stopped':
      return `stopped at step ${at}`;
    case 'done':
      return `trained, ${total.toLocaleString('en-US')} steps`;
    case 'error':
      return `training failed at step ${at}`;
    default:
      return state;
  }
}

/** The tab title while a run exists: its step first, as tabs are narrow. */
export function runTitle(name: string, state: TrainState, iteration: number, total: number, base: string): string {
  const step = `${iteration.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`;
  const head =
    state === 'done' ? `✓ ${name} trained` : state === 'training' ? `${step} ${name} training` : state === 'error' ? `✗ ${name} failed at ${step}` : `${step} ${name} ${state}`;
  return `${head} — ${base}`;
}

export class RunView {
  private liveShown = false;
  private readonly baseTitle = document.title;
  private run: ShownRun | undefined;
  private state: TrainState = 'idle';

  constructor(
    private readonly hud: TrainHud,
    private readonly overlay: Overlay,
    private readonly readout: TrainReadout,
    private readonly status: TrainStatus,
    /** What "Download .ply" in the completion notice does. */
    private readonly download: () => void,
  ) {}

  /** Whether the viewer shows the current run's live splats (the HUD and scene line follow). */
  setLiveShown(shown: boolean): void {
    this.liveShown = shown;
    this.hud.show(shown && this.run !== undefined);
    if (shown) this.showSceneLine();
  }

  /** A new run (or none): the title and HUD start from it. */
  setRun(run: ShownRun | undefined): void {
    this.run = run;
    if (!run) {
      document.title = this.baseTitle;
      this.hud.show(false);
    }
  }

  /** Every step, evaluation and state change of the current run. */
  update(state: TrainState): void {
    const run = this.run;
    if (!run) return;
    const becameDone = state === 'done' && this.state !== 'done';
    this.state = state;
    const p = run.progress;
    const last = p.samples[p.samples.length - 1];
    const held = p.heldOut[p.heldOut.length - 1];
    const st = this.status;
    st.iteration = p.iteration;
    st.splats = last?.splats ?? run.splats;
    st.psnr = last?.psnr ?? NaN;
    st.heldOutPsnr = held?.psnr ?? NaN;
    const rate = p.rate();
    const active = state === 'training' || state === 'paused';
    const r = this.readout;
    r.iteration = `${p.iteration.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`;
    r.speed = active && Number.isFinite(rate) ? `${rate.toFixed(2)} it/s, ETA ${formatDuration(p.eta())}` : '-';
    r.splats = splatsReadout(st.splats, run.budget, run.peak?.splats, run.peak !== undefined && p.iteration >= run.peak.pruneAt);
    r.loss = last ? last.loss.toFixed(4) : '-';
    r.psnr = last ? `${last.psnr.toFixed(2)} dB` : '-';
    r.heldOut = held ? `${held.psnr.toFixed(2)} dB (SSIM ${held.ssim.toFixed(3)})` : '-';
    this.hud.update(p, state);
    document.title = runTitle(run.name, state, p.iteration, p.total, this.baseTitle);
    if (this.liveShown) this.showSceneLine();
    if (becameDone) this.announce(run);
  }

  private showSceneLine(): void {
    const run = this.run;
    if (!run) return;
    this.overlay.setSceneInfo(`${run.name} · ${runStateText(this.state, run.progress.iteration, run.progress.total)}`);
  }

  private announce(run: ShownRun): void {
    const p = run.progress;
    const held = p.heldOut[p.heldOut.length - 1];
    const took = formatDuration(p.activeMs(performance.now()) / 1000);
    const quality = held ? `, held-out PSNR ${held.psnr.toFixed(2)} dB` : '';
    this.overlay.offer(`${run.name} is trained: ${p.total.toLocaleString('en-US')} steps in ${took}${quality}.`, [{ label: 'Download .ply', run: this.download }]);
  }
}
