/**
 * The "Train" folder of the viewer's tweakpane: run settings, dataset and run buttons, and the
 * live numbers. It edits a TrainSettings object in place, shows a TrainReadout it polls, and
 * reports clicks through callbacks; it keeps no state beyond the bindings.
 */
import type { ButtonApi, FolderApi } from 'tweakpane';
import { type BackgroundMode, DEFAULT_TRAIN, LEGACY_FILTER2D, MAX_DROPOUT, type TrainConfig } from '../../train/config';
import { DEFAULT_DENSITY } from '../../train/density-control';
import { DEFAULT_SCALED_SCHEDULE, type ScheduleName } from '../../train/schedule';
import { MAX_SPREAD } from '../../train/mcmc-config';
import { PRESETS, PRESET_NAMES, type PresetName } from './presets';
import type { TrainState } from './train-status';

export interface TrainSettings {
  /** The preset iterations, resolution and densifyUntil match, or 'custom'. Default 'quick'. */
  preset: PresetName | 'custom';
  /** Iterations per run. Default: the quick preview's 2,000 (the CLI keeps the reference's 30,000). */
  iterations: number;
  /** Image divisor: 0 = automatic (longer side <= 1600 px), else 2, 4 or 8. Default: the quick preview's 4. */
  resolution: number;
  /** Highest SH degree trained, 0..3. Default 3. */
  shDegree: number;
  /** Densification gradient threshold. Default 2e-4. */
  gradThreshold: number;
  /**
   * 'scaled': densification, SH steps and image sizes follow the run length, coarse to fine
   * (src/train/schedule.ts); 'reference': the INRIA schedule in absolute steps, densifying until
   * `densifyUntil`. Default 'scaled'; settings saved without it train with 'reference', as they did.
   */
  schedule?: ScheduleName;
  /** Last densification iteration bound, with the reference schedule. Default: the quick preview's 1,500. */
  densifyUntil: number;
  /** Splat cap. Default 3,000,000. */
  maxSplats: number;
  /** Densification: 'adc' (the reference's clone/split/prune) or 'mcmc' (3DGS-MCMC). Default: the quick preview's 'mcmc'; settings saved without it train with 'adc'. */
  strategy?: 'adc' | 'mcmc';
  /**
   * With 'mcmc': the splat count the run ends with; 0 = automatic (autoMcmcSplats: 3x the SfM
   * points), resolved when a run starts, so the run's saved settings hold the number. Default 0.
   */
  splats?: number;
  /**
   * With 'mcmc': standard deviations each copy starts off its source (McmcConfig.spread; 0 stacks
   * it, as gsplat does). Default 1, the scaled schedule's; settings saved without it train with
   * their schedule's default, as they did. 2 with SH degree 1 gave buddha13 +2.0 dB at 1,000 steps
   * at 1/2 size, but 2 lost 1.6 dB at 1/4 size (bench/README.md).
   */
  spread?: number;
  /**
   * With 'mcmc': the count to grow to before keeping the `splats` that draw most (McmcConfig.peak;
   * at or below `splats`: grow straight to it); 0 = automatic (with the scaled schedule twice the
   * budget, at least the automatic budget and at most twice it, autoMcmcPeak; none with the
   * reference one), resolved when a run starts. Settings saved without it grow straight to the
   * budget, as they did. Default 0 (buddha13 at 1,000 steps, held out: +0.5 dB at the automatic
   * budget and +1.7 dB at a third of ADC's count against no peak; bench/README.md).
   */
  peak?: number;
  /** Update only splats the step's view sees. Default off. */
  selectiveAdam?: boolean;
  /**
   * Mip-Splatting anti-aliasing (3D + 2D filters); the export is marked antialiased. Default off
   * (the reference trains without it).
   */
  antialias: boolean;
  /**
   * With anti-aliasing, the 2D filter's variance in px^2: 0.1 (Mip-Splatting's, sharper) or 0.3
   * (what viewers assume for antialiased files). Default 0.1; settings saved before this existed
   * trained with 0.3 and keep it.
   */
  filter2d?: number;
  /**
   * DropGaussian: the rate (reached at the last step) at which splats are left out of a step's
   * render, against overfitting few photos. Default 0 (none); settings saved before it train without.
   */
  dropout?: number;
  /** Background under the splats while training. Default black. */
  background: BackgroundMode;
  /** Hold out every 8th image and report its PSNR. Default off (as the reference without --eval). */
  evaluation: boolean;
  /** With evaluation on: held-out PSNR every this many iterations (and at the start and end). Default 1000. */
  evalEvery: number;
  /**
   * Save a checkpoint (browser storage) every this many steps; 0 = after every few minutes of
   * training (checkpointing.ts AUTO_CHECKPOINT_MS). Runs are also saved on pause and at the end.
   * Default 0.
   */
  checkpointEvery: number;
  /** Show the training photo nearest the current view. Default off. */
  showPhoto: boolean;
}

export function defaultTrainSettings(): TrainSettings {
  const quick = PRESETS.quick;
  return {
    preset: 'quick',
    iterations: quick.iterations,
    resolution: quick.resolution,
    shDegree: 3,
    gradThreshold: DEFAULT_DENSITY.gradThreshold,
    schedule: 'scaled',
    densifyUntil: quick.densifyUntil,
    maxSplats: DEFAULT_DENSITY.maxSplats,
    strategy: quick.strategy,
    splats: 0,
    spread: DEFAULT_SCALED_SCHEDULE.mcmcSpread,
    peak: 0,
    selectiveAdam: false,
    antialias: false,
    filter2d: DEFAULT_TRAIN.filter2d,
    dropout: DEFAULT_TRAIN.dropout,
    background: 'black',
    evaluation: false,
    evalEvery: 1000,
    checkpointEvery: 0,
    showPhoto: false,
  };
}

/** Numbers the panel shows; the app writes them, the panel polls them. */
export interface TrainReadout {
  /** Estimated time of a run with the current settings (measured step cost). */
  estimate: string;
  dataset: string;
  status: string;
  iteration: string;
  speed: string;
  splats: string;
  loss: string;
  psnr: string;
  heldOut: string;
}

export interface TrainPanelCallbacks {
  /** A preset was chosen (it is already in the settings object). */
  onPreset(): void;
  /** Iterations, resolution or densify-until changed by hand. */
  onScheduleEdit(): void;
  onTrainSample(): void;
  onOpenFolder(): void;
  onOpenZip(): void;
  onStart(): void;
  onPause(): void;
  onResume(): void;
  onStop(): void;
  onDownload(): void;
  onShowLive(): void;
  onShowPhoto(show: boolean): void;
  onSnapToPhoto(): void;
}

export const RESOLUTION_OPTIONS = { 'auto (<= 1600 px)': 0, '1/2': 2, '1/4': 4, '1/8': 8 };
const PRESET_OPTIONS = { ...Object.fromEntries(PRESET_NAMES.map((n) => [PRESETS[n].label, n])), custom: 'custom' };

export class TrainPanel {
  private readonly buttons: Record<'start' | 'pause' | 'resume' | 'stop' | 'download' | 'live' | 'snap', ButtonApi>;
  private readonly settingsFolder: FolderApi;
  /** 'densify until': the reference schedule's; the scaled one places its own window. */
  private readonly densifyUntil: ReturnType<FolderApi['addBinding']>;

  constructor(
    private readonly folder: FolderApi,
    private readonly settings: TrainSettings,
    readout: TrainReadout,
    callbacks: TrainPanelCallbacks,
  ) {
    folder.element.id = 'train-panel'; // the end-to-end test finds its controls under it
    // The preset sits above both ways to start: the sample button and Start.
    folder.addBinding(settings, 'preset', { options: PRESET_OPTIONS, label: 'preset' }).on('change', () => callbacks.onPreset());
    folder.addBinding(readout, 'estimate', { readonly: true, interval: 500, label: 'estimate' });
    folder.addButton({ title: 'Train the sample (buddha13)' }).on('click', () => callbacks.onTrainSample());
    folder.addButton({ title: 'Open COLMAP folder…' }).on('click', () => callbacks.onOpenFolder());
    folder.addButton({ title: 'Open COLMAP .zip…' }).on('click', () => callbacks.onOpenZip());

    const s = folder.addFolder({ title: 'Settings', expanded: true });
    this.settingsFolder = s;
    const edited = () => callbacks.onScheduleEdit();
    s.addBinding(settings, 'iterations', { min: 1, max: 1_000_000, step: 1, label: 'iterations' }).on('change', edited);
    s.addBinding(settings, 'resolution', { options: RESOLUTION_OPTIONS, label: 'resolution' }).on('change', edited);
    s.addBinding(settings, 'shDegree', { min: 0, max: 3, step: 1, label: 'SH degree' });
    s.addBinding(settings, 'gradThreshold', { min: 1e-6, max: 1e-2, format: (v: number) => v.toExponential(1), label: 'grad threshold' });
    const scheduleOptions = { 'scaled to the run': 'scaled', 'reference (30k steps)': 'reference' };
    s.addBinding(settings, 'schedule', { options: scheduleOptions, label: 'schedule' }).on('change', edited);
    this.densifyUntil = s.addBinding(settings, 'densifyUntil', { min: 0, max: 1_000_000, step: 100, label: 'densify until' }).on('change', edited);
    this.densifyUntil.disabled = settings.schedule === 'scaled';
    s.addBinding(settings, 'maxSplats', { min: 1000, max: 20_000_000, step: 1000, label: 'max splats' });
    s.addBinding(settings, 'strategy', { options: { 'ADC (reference)': 'adc', 'MCMC (budget)': 'mcmc' }, label: 'densification' });
    s.addBinding(settings, 'splats', { min: 0, max: 20_000_000, step: 1000, format: (v: number) => (v === 0 ? 'auto' : v.toFixed(0)), label: 'MCMC splats' });
    s.addBinding(settings, 'peak', { min: 0, max: 20_000_000, step: 1000, format: (v: number) => (v === 0 ? 'auto' : v.toFixed(0)), label: 'MCMC peak' });
    s.addBinding(settings, 'spread', { min: 0, max: MAX_SPREAD, step: 0.5, label: 'MCMC spread' });
    s.addBinding(settings, 'selectiveAdam', { label: 'selective Adam' });
    s.addBinding(settings, 'antialias', { label: 'anti-aliasing' });
    s.addBinding(settings, 'filter2d', { options: { '0.1 px² (sharper)': 0.1, '0.3 px² (viewers)': 0.3 }, label: 'AA filter' });
    s.addBinding(settings, 'dropout', { min: 0, max: MAX_DROPOUT, step: 0.05, label: 'dropout' });
    s.addBinding(settings, 'background', { options: { black: 'black', white: 'white', random: 'random' }, label: 'background' });
    s.addBinding(settings, 'evaluation', { label: 'evaluation' });
    s.addBinding(settings, 'evalEvery', { min: 1, max: 100_000, step: 1, label: 'eval every' });
    s.addBinding(settings, 'checkpointEvery', { min: 0, max: 1_000_000, step: 1, label: 'save every' });

    this.buttons = {
      start: folder.addButton({ title: 'Start' }),
      pause: folder.addButton({ title: 'Pause' }),
      resume: folder.addButton({ title: 'Resume' }),
      stop: folder.addButton({ title: 'Stop' }),
      download: folder.addButton({ title: 'Download .ply' }),
      live: folder.addButton({ title: 'Show live view' }),
      snap: folder.addButton({ title: 'Snap view to photo' }),
    };
    this.buttons.start.on('click', () => callbacks.onStart());
    this.buttons.pause.on('click', () => callbacks.onPause());
    this.buttons.resume.on('click', () => callbacks.onResume());
    this.buttons.stop.on('click', () => callbacks.onStop());
    this.buttons.download.on('click', () => callbacks.onDownload());
    this.buttons.live.on('click', () => callbacks.onShowLive());
    this.buttons.snap.on('click', () => callbacks.onSnapToPhoto());
    folder.addBinding(settings, 'showPhoto', { label: 'nearest photo' }).on('change', (e) => callbacks.onShowPhoto(e.value));

    const text = { readonly: true, interval: 250 } as const;
    folder.addBinding(readout, 'dataset', { ...text, label: 'dataset' });
    folder.addBinding(readout, 'status', { ...text, label: 'status' });
    folder.addBinding(readout, 'iteration', { ...text, label: 'iteration' });
    folder.addBinding(readout, 'speed', { ...text, label: 'speed' });
    folder.addBinding(readout, 'splats', { ...text, label: 'splats' });
    folder.addBinding(readout, 'loss', { ...text, label: 'loss' });
    folder.addBinding(readout, 'psnr', { ...text, label: 'PSNR' });
    folder.addBinding(readout, 'heldOut', { ...text, label: 'held-out' });
    this.update('idle', false, false);
  }

  /** Enables the buttons that make sense in `state`. */
  update(state: TrainState, hasDataset: boolean, hasRun: boolean): void {
    const b = this.buttons;
    const active = state === 'training' || state === 'paused';
    b.start.disabled = !hasDataset || state === 'loading';
    b.pause.disabled = state !== 'training';
    b.resume.disabled = state !== 'paused';
    b.stop.disabled = !active;
    b.download.disabled = !hasRun;
    b.live.disabled = !hasRun;
    b.snap.disabled = !hasDataset;
    this.settingsFolder.disabled = state === 'loading';
  }

  /** Re-reads the settings (after a preset or a resumed run changed them). */
  refresh(): void {
    this.densifyUntil.disabled = this.settings.schedule === 'scaled';
    this.folder.refresh();
  }

  get element(): HTMLElement {
    return this.folder.element;
  }
}

/** The trainer configuration of the panel's settings. */
export function trainConfigOf(s: TrainSettings): Partial<TrainConfig> {
  return {
    iterations: s.iterations,
    shDegree: s.shDegree,
    background: s.background,
    antialias: s.antialias === true,
    ...(s.antialias === true ? { filter2d: s.filter2d ?? LEGACY_FILTER2D } : {}),
    // Settings saved before the schedule existed train with the reference schedule, as they did.
    schedule: s.schedule ?? 'reference',
    density: { gradThreshold: s.gradThreshold, maxSplats: s.maxSplats, ...(s.schedule === 'scaled' ? {} : { densifyUntil: s.densifyUntil }) },
    // Settings saved before these existed (browser checkpoints) train as they did: ADC, plain Adam.
    ...(s.strategy === 'mcmc' ? { strategy: 'mcmc' as const, mcmc: { splats: s.splats ?? 300_000, ...(s.spread !== undefined ? { spread: s.spread } : {}), ...(s.peak !== undefined ? { peak: s.peak } : {}) } } : {}),
    ...(s.selectiveAdam ? { selectiveAdam: true } : {}),
    ...(s.dropout ? { dropout: s.dropout } : {}),
  };
}

/** Everything that changes the loaded images: resolution and the evaluation split. */
export function loadKey(s: { resolution: number; evaluation: boolean }): string {
  return `${s.resolution}|${s.evaluation}`;
}
