/**
 * The browser training experience: a COLMAP dataset (dropped or picked folder, .zip, or the
 * embedded sample) loads with the Train panel's settings, and a run trains it on the viewer's
 * GPUDevice while the viewer draws the trainer's live Gaussians every frame. Bad input shows one
 * message in the banner and changes nothing: the scene shown and any run going stay.
 */
import type { ColmapDataset, DatasetSource } from '../../io/colmap/dataset';
import { loadColmapDataset } from '../../io/colmap/dataset';
import { emptyScene, type SplatScene } from '../../io/scene';
import { initFromPoints } from '../../train/init';
import { type McmcConfig, autoMcmcPeak, autoMcmcSplats, mcmcPruneIteration, resolveMcmcConfig } from '../../train/mcmc-config';
import { Trainer } from '../../train/trainer';
import { capacityNotice, splatCapacity } from '../../render/splat-capacity';
import { LEGACY_FILTER2D } from '../../train/config';
import { downloadScene } from '../download';
import type { Overlay } from '../overlay';
import { robustBounds, type RobustBounds } from '../../view/scene-framing';
import type { Viewer } from '../viewer';
import { DatasetInputs } from './dataset-inputs';
import { recordingSource } from './dataset-sources';
import { presetOf, PRESETS, StepCostMeter, type PresetName } from './presets';
import { TrainProgress } from './progress';
import { datasetReadout, RunView } from './run-view';
import { SAMPLE_CREDIT, SAMPLE_NAME, SAMPLE_PHOTOS, sampleSource } from './sample';
import { TrainHud } from './train-hud';
import { TrainMenu } from './train-menu';
import { defaultTrainSettings, loadKey, trainConfigOf, TrainPanel, type TrainReadout, type TrainSettings } from './train-panel';
import { TrainingRun, yieldToBrowser, type SavePoint } from './train-run';
import { initialStatus, type TrainState } from './train-status';
import { PhotoNav } from './photo-nav';
import { failureToReport } from './run-failure';
import { fullSizeRate, runEstimate } from './schedule-estimate';

export interface LoadedDataset {
  source: DatasetSource;
  name: string;
  /** The embedded sample (credited, and not copied for resuming: the build serves it again). */
  isSample: boolean;
  /** Settings the images were loaded with (a change reloads them at Start). */
  key: string;
  data: ColmapDataset;
  bounds: RobustBounds | null;
  /** Size of the photos before any downscaling (approximate for automatic sizing): time estimates. */
  photo: { width: number; height: number };
  /** Files loading read: what a resume after a reload needs. */
  paths: string[];
}

export interface ActiveRun {
  dataset: LoadedDataset;
  trainer: Trainer;
  training: TrainingRun;
  progress: TrainProgress;
  settings: TrainSettings;
}

export class TrainingApp {
  readonly settings = defaultTrainSettings();
  private readonly readout: TrainReadout = { estimate: '-', dataset: '-', status: 'idle', iteration: '-', speed: '-', splats: '-', loss: '-', psnr: '-', heldOut: '-' };
  readonly status = initialStatus();
  private readonly panel: TrainPanel;
  private readonly hud: TrainHud;
  private readonly view: RunView;
  readonly inputs: DatasetInputs;
  private dataset: LoadedDataset | undefined;
  private run: ActiveRun | undefined;
  private loading = 0;
  /** Between a device loss and the new device: a run failing then failed because of the loss. */
  private suspended = false;
  private readonly cost = new StepCostMeter();
  private readonly photos: PhotoNav;
  /** Saves checkpoints of a run when due (set by checkpointing.ts). */
  saveHook: ((run: ActiveRun, point: SavePoint) => Promise<void>) | undefined;
  /** A run starts, afresh or from a checkpoint (`resumed`). */
  onRunStart: ((run: ActiveRun, resumed: boolean) => void) | undefined;

  constructor(
    private readonly viewer: Viewer,
    private readonly overlay: Overlay,
    private device: GPUDevice,
  ) {
    window.__train = this.status;
    this.hud = new TrainHud(() => this.photos.snap());
    this.photos = new PhotoNav(viewer, this.hud.pip, () => this.run?.dataset ?? this.dataset);
    this.view = new RunView(this.hud, overlay, this.readout, this.status, () => void this.download());
    viewer.onPresent = (live) => this.view.setLiveShown(live && this.run !== undefined);
    this.inputs = new DatasetInputs({
      openDataset: (name, makeSource) => this.openDataset(name, makeSource, false),
      openScene: async (files, name) => void (await viewer.open({ kind: 'files', files, name })),
      fail: (m) => this.fail(m),
    });
    new TrainMenu(`${SAMPLE_NAME}, ${SAMPLE_PHOTOS.count} photos`, {
      trainSample: (preset) => void this.trainSample(preset),
      pickFolder: () => this.inputs.pickFolder(),
      pickZip: () => this.inputs.pickZip(),
      sampleEstimate: (preset) => runEstimate(this.cost, { ...this.settings, ...PRESETS[preset] }, SAMPLE_PHOTOS),
    });
    this.panel = new TrainPanel(viewer.addPanelFolder('Train'), this.settings, this.readout, {
      onPreset: () => this.applyPreset(),
      onScheduleEdit: () => this.scheduleEdited(),
      onTrainSample: () => void this.trainSample(),
      onOpenFolder: () => this.inputs.pickFolder(),
      onOpenZip: () => this.inputs.pickZip(),
      onStart: () => void this.start(),
      onPause: () => this.run?.training.pause(),
      onResume: () => this.run?.training.resume(),
      onStop: () => this.run?.training.stop(),
      onDownload: () => void this.download(),
      onShowLive: () => this.showLive(),
      onShowPhoto: (show) => this.hud.pip.setVisible(show),
      onSnapToPhoto: () => this.photos.snap(),
    });
    this.refreshEstimate();
    this.refreshState();
  }

  get current(): ActiveRun | undefined {
    return this.run;
  }

  /** Picked or dropped files: a dataset opens here (true); anything else is for the viewer (false). */
  openFiles(files: File[]): Promise<boolean> {
    return this.inputs.openFiles(files);
  }

  private async trainSample(preset?: PresetName): Promise<void> {
    if (preset) {
      this.settings.preset = preset;
      this.applyPreset();
    }
    const ok = await this.openDataset(SAMPLE_NAME, async () => sampleSource(), true);
    if (ok) await this.start();
  }

  /** Puts `s` into the panel (a resumed run's settings). */
  useSettings(s: TrainSettings): void {
    Object.assign(this.settings, s);
    // An anti-aliased run saved before the filter size was a setting trained with 0.3 px^2.
    if (s.antialias && s.filter2d === undefined) this.settings.filter2d = LEGACY_FILTER2D;
    this.panel.refresh();
    this.refreshEstimate();
  }

  private applyPreset(): void {
    const name = this.settings.preset;
    if (name !== 'custom') {
      const p = PRESETS[name];
      Object.assign(this.settings, { iterations: p.iterations, resolution: p.resolution, densifyUntil: p.densifyUntil, strategy: p.strategy });
    }
    this.panel.refresh();
    this.refreshEstimate();
  }

  private scheduleEdited(): void {
    this.settings.preset = presetOf(this.settings);
    this.panel.refresh();
    this.refreshEstimate();
  }

  private refreshEstimate(): void {
    // For the loaded dataset, else for the sample (what the sample button would train).
    this.readout.estimate = runEstimate(this.cost, this.settings, this.dataset?.photo ?? SAMPLE_PHOTOS);
  }

  /** Loads a dataset with the current settings; on failure shows why and keeps everything as it was. */
  async openDataset(name: string, makeSource: () => Promise<DatasetSource>, isSample: boolean): Promise<boolean> {
    this.loading++;
    this.refreshState();
    try {
      const loaded = await this.load(await makeSource(), name, isSample, this.settings);
      this.dataset = loaded;
      this.status.dataset = name;
      this.status.error = '';
      this.refreshEstimate();
      if (this.isRunActive()) {
        this.overlay.notice(`${name} is loaded; press Start to train it (that stops the current run).`);
      } else {
        const initial = initFromPoints(loaded.data.points, { shDegree: this.settings.shDegree });
        this.viewer.showScene(initial, name, { home: PhotoNav.home(loaded), notices: isSample ? [`Sample: ${SAMPLE_CREDIT}.`] : [] });
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

  async load(source: DatasetSource, name: string, isSample: boolean, s: TrainSettings): Promise<LoadedDataset> {
    const recorded = recordingSource(source);
    const data = await loadColmapDataset(recorded.source, {
      resolution: s.resolution > 0 ? s.resolution : undefined,
      evalSplit: s.evaluation,
      onProgress: (done, total) => this.overlay.showProgress(`Loading ${name}: image ${done} of ${total}`, done / total),
    });
    this.overlay.showProgress(`Loading ${name}: initial splats`, null);
    // Framing needs only the means: a scene of the bare points.
    const bounds = robustBounds({ ...emptyScene(0, 0), count: data.points.xyz.length / 3, means: data.points.xyz });
    const cam = data.train[0].camera;
    const k = s.resolution > 0 ? s.resolution : 1;
    const photo = { width: cam.width * k, height: cam.height * k };
    return { source, name, isSample, key: loadKey(s), data, bounds, photo, paths: [...recorded.paths].sort() };
  }

  /** Starts a run of the loaded dataset with the panel's settings (reloading its images if they changed). */
  private async start(): Promise<void> {
    let dataset = this.dataset;
    if (!dataset || this.loading > 0) return;
    const s = this.settings;
    if (dataset.key !== loadKey(s)) {
      this.loading++;
      this.refreshState();
      try {
        dataset = this.dataset = await this.load(dataset.source, dataset.name, dataset.isSample, s);
      } catch (e) {
        this.fail((e as Error).message);
        return;
      } finally {
        this.loading--;
        this.overlay.hideProgress();
        this.refreshState();
      }
    }
    const initial = initFromPoints(dataset.data.points, { shDegree: s.shDegree });
    // The run's own settings (saved with its checkpoints) hold the automatic budget's number:
    // a resumed run starts from its checkpoint, not from the points the budget came from.
    const settings = { ...s };
    // Automatic counts stay within what this GPU's storage buffers hold (the trainer stops ADC there).
    const capacity = splatCapacity(this.device.limits, initial.shDegree);
    const maxSplats = Math.min(settings.maxSplats, capacity);
    if (capacity < settings.maxSplats) this.overlay.notice(capacityNotice(this.device.limits, initial.shDegree, settings.maxSplats, settings.strategy ?? 'adc'));
    if (settings.strategy === 'mcmc' && !(settings.splats! > 0)) settings.splats = autoMcmcSplats(initial.count, maxSplats);
    // The reference schedule keeps gsplat's behaviour: no peak.
    if (settings.strategy === 'mcmc' && settings.peak === 0 && settings.schedule === 'scaled') settings.peak = autoMcmcPeak(settings.splats!, initial.count, maxSplats);
    await this.launch(dataset, settings, initial, undefined);
  }

  /**
   * Builds a trainer from `initial` (restored from `resume` when given, a checkpoint's state at
   * its step) and runs it, replacing any run going. Returns false (after saying why) when the
   * trainer cannot be built.
   */
  async launch(dataset: LoadedDataset, settings: TrainSettings, initial: SplatScene, resume: ((t: Trainer) => void) | undefined): Promise<boolean> {
    let trainer: Trainer;
    try {
      trainer = new Trainer(this.device, dataset.data, initial, trainConfigOf(settings));
      resume?.(trainer);
    } catch (e) {
      this.fail(`Cannot start training ${dataset.name}: ${(e as Error).message}`);
      return false;
    }
    await this.endRun();
    const progress = new TrainProgress(settings.iterations, trainer.iteration);
    const evalEvery = settings.evaluation && dataset.data.test.length > 0 ? settings.evalEvery : 0;
    const run: ActiveRun = { dataset, trainer, progress, settings, training: undefined as unknown as TrainingRun };
    run.training = new TrainingRun(trainer, { evalEvery }, {
      onStep: (info) => {
        progress.record(info, performance.now());
        if (this.status.resumedFrom < 0 && info.iteration === 1) this.status.firstPsnr = info.psnr;
        const cam = dataset.data.train[0].camera;
        if (fullSizeRate(trainer.plan, info.iteration) && this.cost.measure(progress, cam.width * cam.height)) this.refreshEstimate();
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
        if (state === 'error') void this.reportFailure(run, message ?? '');
        if (this.run === run) this.viewer.setTraining(state === 'training');
        if (this.run === run) this.refreshState();
        this.showProgress(run);
      },
      yieldToPage: yieldToBrowser,
      save: (point) => this.saveHook?.(run, point) ?? Promise.resolve(),
    });
    this.run = run;
    this.dataset = dataset;
    Object.assign(this.status, {
      iteration: trainer.iteration,
      iterations: settings.iterations,
      psnr: NaN,
      firstPsnr: NaN,
      heldOutPsnr: NaN,
      firstHeldOutPsnr: NaN,
      splats: trainer.state.count,
      error: '',
      dataset: dataset.name,
      resumedFrom: resume ? trainer.iteration : -1,
      // A resumed run starts from its checkpoint: nothing is unsaved yet.
      savedIteration: resume ? trainer.iteration : -1,
    });
    progress.resume(performance.now(), trainer.iteration);
    this.onRunStart?.(run, resume !== undefined);
    const mcmc = trainer.config.strategy === 'mcmc' ? resolveMcmcConfig(trainer.plan.mcmc) : undefined;
    this.view.setRun({ name: dataset.name, progress, splats: trainer.state.count, budget: mcmc?.splats, peak: peakOf(mcmc, trainer.config.iterations) });
    this.showLive();
    if (dataset.isSample) this.overlay.notice(`Sample: ${SAMPLE_CREDIT}.`);
    this.refreshState();
    this.showProgress(run);
    void run.training.run();
    return true;
  }

  /** Stops the current run (without its final evaluation) and frees its GPU buffers. */
  async endRun(): Promise<void> {
    const old = this.run;
    if (!old) return;
    this.run = undefined;
    this.view.setRun(undefined);
    old.training.stop(false);
    await old.training.run();
    old.trainer.destroy();
  }

  /**
   * The GPU device is gone (device-recovery.ts). Returns whether a run was going: training,
   * paused, or just failed (its step may have seen the loss before this page did).
   */
  suspend(): boolean {
    this.suspended = true;
    const s = this.run?.training.state;
    return s === 'training' || s === 'paused' || s === 'error';
  }

  /** The GPU device to train on from now on (after a device loss). */
  setDevice(device: GPUDevice): void {
    this.device = device;
    this.suspended = false;
  }

  /** A run failed: said unless a device loss explains it (run-failure.ts). */
  private async reportFailure(run: ActiveRun, message: string): Promise<void> {
    if (await failureToReport(run.trainer.device, () => this.run === run && !this.suspended)) this.fail(`Training ${run.dataset.name} stopped: ${message}`);
  }

  /** Shows splats restored from a checkpoint as a plain scene (an ended run after a device loss). */
  showCheckpoint(scene: SplatScene, dataset: LoadedDataset): void {
    this.viewer.showScene(scene, dataset.name, { home: PhotoNav.home(dataset) });
  }

  /** Starts `run`'s dataset and settings again from step 0 (a run lost before its first checkpoint). */
  restart(run: ActiveRun): Promise<boolean> {
    return this.launch(run.dataset, run.settings, initFromPoints(run.dataset.data.points, { shDegree: run.settings.shDegree }), undefined);
  }

  private showLive(): void {
    const run = this.run;
    if (!run) return;
    const live = run.trainer.liveView;
    this.viewer.showLive(live.set, run.dataset.name, {
      antialiased: live.antialiased,
      filter2d: live.filter2d,
      bounds: run.dataset.bounds,
      home: PhotoNav.home(run.dataset),
      exportScene: () => run.trainer.exportScene(),
    });
    this.viewer.setTraining(run.training.state === 'training');
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

  private showProgress(run: ActiveRun): void {
    if (this.run === run) this.view.update(this.state());
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
    this.readout.dataset = datasetReadout(this.run?.dataset, this.dataset, this.isRunActive());
    this.panel.update(state, this.dataset !== undefined, this.run !== undefined);
  }

  fail(message: string): void {
    console.error(message);
    this.status.error = message;
    window.__error = message;
    this.overlay.error(message);
  }
}

/** An MCMC run's peak and the step it prunes at, for the splat readout; undefined without one. */
function peakOf(c: McmcConfig | undefined, iterations: number): { splats: number; pruneAt: number } | undefined {
  const at = c && mcmcPruneIteration(c, iterations);
  return c && at !== undefined ? { splats: c.peak, pruneAt: at } : undefined;
}
