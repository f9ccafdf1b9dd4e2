/**
 * Training runs survive a reload, a closed tab and a lost GPU device. The run's full state
 * (src/train/checkpoint.ts) goes to the origin private file system every `checkpointEvery`
 * steps (by default after every few minutes of training), when it pauses and when it ends;
 * the page warns before closing while steps are unsaved; on load it offers to resume the saved
 * run at its step, with the dataset from the build (the sample) or from its saved copy.
 */
import { datasetIdentity, checkResumable } from '../../train/checkpoint-resume';
import { checkpointScene, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type DatasetIdentity } from '../../train/checkpoint';
import { resolveTrainConfig } from '../../train/config';
import type { Overlay } from '../overlay';
import type { CheckpointStore, SavedRun } from './checkpoint-store';
import { formatDuration } from './progress';
import { sampleSource } from './sample';
import { failureToReport } from './run-failure';
import type { ActiveRun, LoadedDataset, TrainingApp } from './train-app';
import { trainConfigOf } from './train-panel';
import type { SavePoint } from './train-run';

/** Active training time between automatic checkpoints when no step count is set (ms). */
export const AUTO_CHECKPOINT_MS = 3 * 60_000;
/** Name of the checkpoint in messages. */
const CHECKPOINT_LABEL = 'the saved training checkpoint (browser storage)';

/** Whether `point` calls for a checkpoint. Pure. */
export function checkpointDue(point: SavePoint, s: { iteration: number; savedIteration: number; everySteps: number; activeMsSinceSave: number }): boolean {
  if (s.iteration <= s.savedIteration) return false;
  if (point !== 'step') return true;
  return s.everySteps > 0 ? s.iteration - s.savedIteration >= s.everySteps : s.activeMsSinceSave >= AUTO_CHECKPOINT_MS;
}

/** What the checkpointing knows of the run being saved. */
interface SavedRunState {
  run: ActiveRun;
  identity: DatasetIdentity;
  /** Active ms of the run at its last checkpoint. */
  savedAtActiveMs: number;
  /** Settles when the run's dataset copy (if any) is complete: checkpoints are written after it. */
  datasetStored: Promise<void>;
}

export class Checkpointing {
  private current: SavedRunState | undefined;
  /** Store operations in order (a new run's clearing before its first checkpoint). */
  private queue: Promise<unknown> = Promise.resolve();
  private warnedSaveFailure = false;

  constructor(
    private readonly app: TrainingApp,
    private readonly overlay: Overlay,
    private readonly store: CheckpointStore | null,
  ) {
    app.saveHook = (run, point) => this.maybeSave(run, point);
    app.onRunStart = (run, resumed) => this.begin(run, resumed);
    window.addEventListener('beforeunload', (e) => {
      if (!this.unsaved()) return;
      // Browsers show their own wording; preventDefault is what asks for the confirmation.
      e.preventDefault();
      e.returnValue = '';
    });
  }

  /** True while a run has steps no checkpoint holds (closing the tab would lose them). */
  unsaved(): boolean {
    const run = this.app.current;
    const state = run?.training.state;
    if (!run || (state !== 'training' && state !== 'paused')) return false;
    return run.trainer.iteration > this.app.status.savedIteration;
  }

  /** Offers to resume the saved run, if there is one that did not finish. */
  async offerResume(): Promise<void> {
    const saved = await this.store?.load();
    if (!saved || saved.state === 'done' || saved.iteration <= 0) return;
    const ago = formatDuration((Date.now() - saved.savedAt) / 1000);
    const at = `step ${saved.iteration.toLocaleString('en-US')} of ${saved.iterations.toLocaleString('en-US')}`;
    this.overlay.offer(`A training run of ${saved.dataset} was saved at ${at} (${ago} ago).`, [
      { label: `Resume ${saved.dataset} at step ${saved.iteration.toLocaleString('en-US')}`, run: () => void this.resume(saved) },
      { label: 'Discard it', run: () => void this.enqueue(() => this.store!.clear()) },
    ]);
  }

  /** Loads the saved run's dataset and checkpoint and continues training from its step. */
  async resume(saved: SavedRun): Promise<boolean> {
    const app = this.app;
    try {
      const source = saved.origin === 'sample' ? sampleSource() : await this.store!.storedDataset(saved.dataset);
      app.useSettings(saved.settings);
      const dataset = await app.load(source, saved.dataset, saved.origin === 'sample', saved.settings);
      const checkpoint = decodeCheckpoint(await this.store!.readCheckpoint(), CHECKPOINT_LABEL);
      return await this.continueFrom(dataset, saved, checkpoint);
    } catch (e) {
      app.fail(`Could not resume ${saved.dataset}: ${(e as Error).message}`);
      return false;
    } finally {
      this.overlay.hideProgress();
    }
  }

  /**
   * After a device loss, on the new device (the dataset is still in memory): an active run
   * continues from its last checkpoint, or starts again without one; an ended run's splats are
   * shown again from its last checkpoint. Returns the end of the sentence telling the user.
   */
  async recover(wasActive: boolean): Promise<string> {
    const run = this.app.current;
    if (!run) return '.';
    const name = run.dataset.name;
    let saved: SavedRun | null = null;
    let c: Checkpoint | undefined;
    try {
      saved = this.app.status.savedIteration >= 0 ? ((await this.store?.load()) ?? null) : null;
      if (saved) c = decodeCheckpoint(await this.store!.readCheckpoint(), CHECKPOINT_LABEL);
    } catch (e) {
      console.warn(`checkpoint of ${name} unreadable after the device loss: ${(e as Error).message}`);
    }
    if (!wasActive) {
      await this.app.endRun();
      if (!c) return `; the splats of the ${name} run were on the lost device and are gone.`;
      this.app.showCheckpoint(checkpointScene(c), run.dataset);
      return `; the ${name} run is shown again from its checkpoint at step ${c.state.iteration}.`;
    }
    if (saved && c && (await this.continueFrom(run.dataset, saved, c))) return ` and training continues from the checkpoint at step ${c.state.iteration}.`;
    await this.app.restart(run);
    return ` and training started again from step 0 (no checkpoint was saved yet).`;
  }

  private async continueFrom(dataset: LoadedDataset, saved: SavedRun, c: Checkpoint): Promise<boolean> {
    const config = resolveTrainConfig(trainConfigOf(saved.settings));
    const notices = checkResumable(c, config, datasetIdentity(saved.dataset, dataset.data), CHECKPOINT_LABEL);
    const ok = await this.app.launch(dataset, saved.settings, checkpointScene(c), (t) => t.restoreState(c.state));
    const at = `step ${c.state.iteration.toLocaleString('en-US')} of ${saved.iterations.toLocaleString('en-US')}`;
    if (ok) this.overlay.notice([`Resumed ${saved.dataset} at ${at}.`, ...notices].join('\n'));
    return ok;
  }

  /** A run starts: a new one replaces the saved run (and copies its dataset); a resumed one continues it. */
  private begin(run: ActiveRun, resumed: boolean): void {
    const identity = datasetIdentity(run.dataset.name, run.dataset.data);
    const state: SavedRunState = { run, identity, savedAtActiveMs: 0, datasetStored: Promise.resolve() };
    this.current = state;
    const store = this.store;
    if (!store || resumed) return;
    state.datasetStored = this.enqueue(async () => {
      await store.clear();
      if (!run.dataset.isSample) await store.storeDataset(run.dataset.source, run.dataset.paths);
    });
  }

  private async maybeSave(run: ActiveRun, point: SavePoint): Promise<void> {
    const cur = this.current;
    if (!this.store || !cur || cur.run !== run) return;
    const status = this.app.status;
    const activeMs = run.progress.activeMs(performance.now());
    const due = checkpointDue(point, {
      iteration: run.trainer.iteration,
      savedIteration: Math.max(status.savedIteration, 0),
      everySteps: run.settings.checkpointEvery,
      activeMsSinceSave: activeMs - cur.savedAtActiveMs,
    });
    if (!due || run.trainer.diverged) return;
    try {
      const t0 = performance.now();
      const state = await run.trainer.captureState();
      const bytes = encodeCheckpoint({ config: run.trainer.config, dataset: cur.identity, state });
      await cur.datasetStored;
      const record: SavedRun = {
        dataset: run.dataset.name,
        origin: run.dataset.isSample ? 'sample' : 'stored',
        settings: run.settings,
        iteration: state.iteration,
        iterations: run.settings.iterations,
        state: run.trainer.done ? 'done' : point === 'end' ? 'stopped' : point === 'pause' ? 'paused' : 'training',
        savedAt: Date.now(),
        bytes: bytes.length,
      };
      await this.enqueue(() => this.store!.save(record, bytes));
      cur.savedAtActiveMs = activeMs;
      if (this.app.current === run) Object.assign(status, { savedIteration: state.iteration, saveMs: performance.now() - t0, checkpointBytes: bytes.length });
    } catch (e) {
      // A full disk or a revoked storage permission must not end the run: say it once.
      console.warn(`checkpoint of ${run.dataset.name} failed: ${(e as Error).message}`);
      void this.warnSaveFailure(run, (e as Error).message);
    }
  }

  /**
   * Says once that saving fails. Not for a capture that failed because the run's device was lost
   * (device-recovery.ts tells that), which would also use up the one warning a later real
   * failure needs; the run is not held up meanwhile.
   */
  private async warnSaveFailure(run: ActiveRun, message: string): Promise<void> {
    if (this.warnedSaveFailure) return;
    if (!(await failureToReport(run.trainer.device, () => this.app.current === run && run.training.state !== 'error'))) return;
    if (this.warnedSaveFailure) return;
    this.warnedSaveFailure = true;
    this.overlay.notice(`Could not save a checkpoint of ${run.dataset.name} (${message}); training goes on, but a reload would lose it.`);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }
}
