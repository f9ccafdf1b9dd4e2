/**
 * The browser training experience: a COLMAP dataset (dropped or picked folder, .zip, or the
 * embedded sample) loads with the Train panel's settings, and a run trains it on the viewer's
 * GPUDevice while the viewer draws the trainer's live Gaussians every frame. Bad input shows one
 * message in the banner and changes nothing: the scene shown and any run going stay.
 */
import type { ColmapDataset, DatasetSource, View } from '../../io/colmap/dataset';
import { loadColmapDataset } from '../../io/colmap/dataset';
import { emptyScene } from '../../io/scene';
import { initFromPoints } from '../../train/init';
import { Trainer } from '../../train/trainer';
import { downloadScene } from '../download';
import type { Overlay } from '../overlay';
import { robustBounds, type RobustBounds } from '../scene-framing';
import type { ViewPose } from '../view-camera';
import type { Viewer } from '../viewer';
import {
  datasetName,
  filesSource,
  holdsSparseModel,
  pickedFolderFiles,
  walkEntries,
  zipFileSource,
} from './dataset-sources';
import { formatDuration, TrainProgress } from './progress';
import { SAMPLE_CREDIT, SAMPLE_NAME, sampleSource } from './sample';
import { TrainHud } from './train-hud';
import { defaultTrainSettings, TrainPanel, type TrainReadout } from './train-panel';
import { TrainingRun, yieldToBrowser } from './train-run';
import { initialStatus, type TrainState } from './train-status';
import { cameraPose, depthOf, nearestCamera } from './view-match';

interface LoadedDataset {
  source: DatasetSource;
  name: string;
  /** Settings the images were loaded with (a change reloads them at Start). */
  key: string;
  data: ColmapDataset;
  bounds: RobustBounds | null;
}

interface ActiveRun {
  dataset: LoadedDataset;
  trainer: Trainer;
  training: TrainingRun;
  progress: TrainProgress;
}

/** The nearest photo is re-chosen this often while shown (ms): a scan of the cameras is cheap. */
const PHOTO_REFRESH_MS = 200;

export class TrainingApp {
  private readonly settings = defaultTrainSettings();
  private readonly readout: TrainReadout = { dataset: '-', status: 'idle', iteration: '-', speed: '-', splats: '-', loss: '-', psnr: '-', heldOut: '-' };
  private readonly status = initialStatus();
  private readonly panel: TrainPanel;
  private readonly hud: TrainHud;
  private readonly folderInput: HTMLInputElement;
  private readonly zipInput: HTMLInputElement;
  private dataset: LoadedDataset | undefined;
  private run: ActiveRun | undefined;
  private loading = 0;
  private readonly pose: ViewPose = { eye: [0, 0, 0], target: [0, 0, 1], up: [0, -1, 0], fovY: 50 };

  constructor(
    private readonly viewer: Viewer,
    private readonly overlay: Overlay,
    private readonly device: GPUDevice,
  ) {
    window.__train = this.status;
    this.hud = new TrainHud(() => this.snapToPhoto());
    this.folderInput = hiddenInput('train-folder-input', (input) => {
      input.webkitdirectory = true;
      input.multiple = true;
    });
    this.zipInput = hiddenInput('train-zip-input', (input) => (input.accept = '.zip'));
    this.folderInput.addEventListener('change', () => {
      const files = takeFiles(this.folderInput);
      if (files.length > 0) void this.openPathed(pickedFolderFiles(files));
    });
    this.zipInput.addEventListener('change', () => {
      const files = takeFiles(this.zipInput);
      if (files.length > 0) void this.openFiles(files);
    });
    this.panel = new TrainPanel(viewer.addPanelFolder('Train'), this.settings, this.readout, {
      onTrainSample: () => void this.trainSample(),
      onOpenFolder: () => this.folderInput.click(),
      onOpenZip: () => this.zipInput.click(),
      onStart: () => void this.start(),
      onPause: () => this.run?.training.pause(),
      onResume: () => this.run?.training.resume(),
      onStop: () => this.run?.training.stop(),
      onDownload: () => void this.download(),
      onShowLive: () => this.showLive(),
      onShowPhoto: (show) => this.hud.pip.setVisible(show),
      onSnapToPhoto: () => this.snapToPhoto(),
    });
    setInterval(() => this.refreshPhoto(), PHOTO_REFRESH_MS);
    this.refreshState();
  }

  /**
   * Opens picked or dropped files as a dataset when they are one (a .zip, or files whose paths
   * hold a sparse model); returns false for anything else, which the viewer opens as a scene.
   */
  async openFiles(files: File[]): Promise<boolean> {
    if (files.length === 1 && /\.zip$/i.test(files[0].name)) {
      await this.openDataset(files[0].name, () => zipFileSource(files[0]));
      return true;
    }
    const pathed = pickedFolderFiles(files);
    if (files.some((f) => f.webkitRelativePath) && holdsSparseModel(pathed.map((f) => f.path))) {
      await this.openPathed(pathed);
      return true;
    }
    return false;
  }

  /**
   * The synchronous part of a drop: directory entries can only be taken while the event runs.
   * Returns the continuation that opens them, or null when the drop holds no folder.
   */
  takeDroppedFolders(dt: DataTransfer): (() => Promise<void>) | null {
    const entries: FileSystemEntry[] = [];
    for (const item of dt.items) {
      const entry = item.kind === 'file' ? item.webkitGetAsEntry() : null;
      if (entry) entries.push(entry);
    }
    if (!entries.some((e) => e.isDirectory)) return null;
    return async () => {
      try {
        await this.openPathed(await walkEntries(entries));
      } catch (e) {
        this.fail(`Could not read the dropped folder: ${(e as Error).message}`);
      }
    };
  }

  private async openPathed(files: ReturnType<typeof pickedFolderFiles>): Promise<void> {
    const name = datasetName(files);
    await this.openDataset(name, async () => filesSource(files, name));
  }

  private async trainSample(): Promise<void> {
    const ok = await this.openDataset(SAMPLE_NAME, async () => sampleSource());
    if (ok) await this.start();
  }

  /** Loads a dataset with the current settings; on failure shows why and keeps everything as it was. */
  private async openDataset(name: string, makeSource: () => Promise<DatasetSource>): Promise<boolean> {
    this.loading++;
    this.refreshState();
    try {
      const source = await makeSource();
      const loaded = await this.load(source, name);
      this.dataset = loaded;
      this.status.dataset = name;
      this.readout.dataset = `${name} (${loaded.data.train.length} train, ${loaded.data.test.length} test)`;
      this.status.error = '';
      if (this.isRunActive()) {
        this.overlay.notice(`${name} is loaded; press Start to train it (that stops the current run).`);
      } else {
        const initial = initFromPoints(loaded.data.points, { shDegree: this.settings.shDegree });
        this.viewer.showScene(initial, name, { home: this.homePose(loaded) });
        if (name === SAMPLE_NAME) this.overlay.notice(`Sample: ${SAMPLE_CREDIT}.`);
      }
      return true;
    } catch (e) {
      this.fail((e as Error).message);
      return false;
    } finally {
      this.loading--;
      this.overlay.hideProgress();
      this.refreshState();
    }
  }

  private async load(source: DatasetSource, name: string): Promise<LoadedDataset> {
    const s = this.settings;
    const data = await loadColmapDataset(source, {
      resolution: s.resolution > 0 ? s.resolution : undefined,
      evalSplit: s.evaluation,
      onProgress: (done, total) => this.overlay.showProgress(`Loading ${name}: image ${done} of ${total}`, done / total),
    });
    this.overlay.showProgress(`Loading ${name}: initial splats`, null);
    // Framing needs only the means: a scene of the bare points.
    const bounds = robustBounds({ ...emptyScene(0, 0), count: data.points.xyz.length / 3, means: data.points.xyz });
    return { source, name, key: loadKey(s), data, bounds };
  }

  private async start(): Promise<void> {
    let dataset = this.dataset;
    if (!dataset || this.loading > 0) return;
    const s = this.settings;
    if (dataset.key !== loadKey(s)) {
      this.loading++;
      this.refreshState();
      try {
        dataset = this.dataset = await this.load(dataset.source, dataset.name);
        this.readout.dataset = `${dataset.name} (${dataset.data.train.length} train, ${dataset.data.test.length} test)`;
      } catch (e) {
        this.fail((e as Error).message);
        return;
      } finally {
        this.loading--;
        this.overlay.hideProgress();
        this.refreshState();
      }
    }
    let trainer: Trainer;
    try {
      const initial = initFromPoints(dataset.data.points, { shDegree: s.shDegree });
      trainer = new Trainer(this.device, dataset.data, initial, {
        iterations: s.iterations,
        shDegree: s.shDegree,
        background: s.background,
        density: { gradThreshold: s.gradThreshold, densifyUntil: s.densifyUntil, maxSplats: s.maxSplats },
      });
    } catch (e) {
      this.fail(`Cannot start training ${dataset.name}: ${(e as Error).message}`);
      return;
    }
    await this.endRun();
    const progress = new TrainProgress(s.iterations);
    const evalEvery = s.evaluation && dataset.data.test.length > 0 ? s.evalEvery : 0;
    const run: ActiveRun = { dataset, trainer, progress, training: undefined as unknown as TrainingRun };
    run.training = new TrainingRun(trainer, { evalEvery }, {
      onStep: (info) => {
        progress.record(info, performance.now());
        if (info.iteration === 1) this.status.firstPsnr = info.psnr;
        this.showProgress(run);
      },
      onEval: (r) => {
        progress.recordEval(r);
        if (progress.heldOut.length === 1) this.status.firstHeldOutPsnr = r.psnr;
        this.showProgress(run);
      },
      onState: (state, message) => {
        if (state === 'training') progress.resume(performance.now(), trainer.iteration);
        else progress.pause(performance.now());
        if (state === 'error') this.fail(`Training ${dataset.name} stopped: ${message}`);
        if (this.run === run) this.refreshState();
        this.showProgress(run);
      },
      yieldToPage: yieldToBrowser,
    });
    this.run = run;
    Object.assign(this.status, { iteration: 0, iterations: s.iterations, psnr: NaN, firstPsnr: NaN, heldOutPsnr: NaN, firstHeldOutPsnr: NaN, splats: trainer.state.count, error: '' });
    progress.resume(performance.now(), 0);
    this.showLive();
    this.hud.show(true);
    this.refreshState();
    this.showProgress(run);
    await run.training.run();
  }

  /** Stops the current run (without its final evaluation) and frees its GPU buffers. */
  private async endRun(): Promise<void> {
    const old = this.run;
    if (!old) return;
    this.run = undefined;
    old.training.stop(false);
    await old.training.run();
    old.trainer.destroy();
  }

  private showLive(): void {
    const run = this.run;
    if (!run) return;
    this.viewer.showLive(run.trainer.state, run.dataset.name, {
      bounds: run.dataset.bounds,
      home: this.homePose(run.dataset),
      exportScene: () => run.trainer.exportScene(),
    });
  }

  private async download(): Promise<void> {
    const run = this.run;
    if (!run) return;
    try {
      const scene = await run.trainer.exportScene();
      await downloadScene(scene, 'ply', run.dataset.name.replace(/\.zip$/i, ''));
    } catch (e) {
      this.fail(`Download .ply failed: ${(e as Error).message}`);
    }
  }

  /** Views shown as photos: the run's training views, else the loaded dataset's. */
  private photoViews(): { views: View[]; dataset: LoadedDataset } | undefined {
    const d = this.run?.dataset ?? this.dataset;
    return d ? { views: d.data.train, dataset: d } : undefined;
  }

  private nearestView(): View | undefined {
    const p = this.photoViews();
    if (!p) return undefined;
    const i = nearestCamera(p.views.map((v) => v.camera), this.viewer.controller.getGoalPose(this.pose), p.dataset.data.extent);
    return p.views[i];
  }

  private refreshPhoto(): void {
    if (!this.hud.pip.visible) return;
    this.hud.pip.show(this.nearestView(), 'nearest photo: ');
  }

  private snapToPhoto(): void {
    const p = this.photoViews();
    const view = this.nearestView();
    if (!p || !view) return;
    this.viewer.setViewPose(cameraPose(view.camera, focusDistance(view.camera, p.dataset)), true);
  }

  /** The first training camera, looking at the point cloud: the scene as photographed. */
  private homePose(d: LoadedDataset): ViewPose {
    const cam = d.data.train[0].camera;
    return cameraPose(cam, focusDistance(cam, d));
  }

  private showProgress(run: ActiveRun): void {
    if (this.run !== run) return;
    const p = run.progress;
    const last = p.samples[p.samples.length - 1];
    const held = p.heldOut[p.heldOut.length - 1];
    const st = this.status;
    st.iteration = p.iteration;
    st.splats = last?.splats ?? run.trainer.state.count;
    st.psnr = last?.psnr ?? NaN;
    st.heldOutPsnr = held?.psnr ?? NaN;
    const rate = p.rate();
    this.readout.iteration = `${p.iteration.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`;
    this.readout.speed = Number.isFinite(rate) ? `${rate.toFixed(2)} it/s, ETA ${formatDuration(p.eta())}` : '-';
    this.readout.splats = st.splats.toLocaleString('en-US');
    this.readout.loss = last ? last.loss.toFixed(4) : '-';
    this.readout.psnr = last ? `${last.psnr.toFixed(2)} dB` : '-';
    this.readout.heldOut = held ? `${held.psnr.toFixed(2)} dB (SSIM ${held.ssim.toFixed(3)})` : '-';
    this.hud.update(p, this.state());
  }

  private isRunActive(): boolean {
    const s = this.run?.training.state;
    return s === 'training' || s === 'paused';
  }

  private state(): TrainState {
    if (this.loading > 0) return 'loading';
    return this.run?.training.state ?? 'idle';
  }

  private refreshState(): void {
    const state = this.state();
    this.status.state = state;
    this.readout.status = state;
    this.panel.update(state, this.dataset !== undefined, this.run !== undefined);
  }

  private fail(message: string): void {
    console.error(message);
    this.status.error = message;
    window.__error = message;
    this.overlay.error(message);
  }
}

/** Everything that changes the loaded images: resolution and the evaluation split. */
function loadKey(s: { resolution: number; evaluation: boolean }): string {
  return `${s.resolution}|${s.evaluation}`;
}

/** How far ahead of a camera the orbit centre goes: the point cloud's centre when it is in front. */
function focusDistance(camera: View['camera'], d: LoadedDataset): number {
  const depth = d.bounds ? depthOf(camera, d.bounds.centre) : NaN;
  return depth > 0 ? depth : Math.max(d.data.extent, 1e-3);
}

function hiddenInput(id: string, setup: (input: HTMLInputElement) => void): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = id;
  input.hidden = true;
  setup(input);
  document.body.append(input);
  return input;
}

/** The chosen files, clearing the input so choosing the same ones again fires 'change' again. */
function takeFiles(input: HTMLInputElement): File[] {
  const files = [...(input.files ?? [])];
  input.value = '';
  return files;
}
