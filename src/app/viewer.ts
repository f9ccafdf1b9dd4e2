/**
 * The viewer: one scene at a time on a canvas, drawn every animation frame by the GPU renderer
 * from the damped orbit camera. Loading replaces the scene only on success; failures show on
 * the page and the previous scene stays. Automation hooks (page-hooks.ts): `window.__ready`
 * (first frame of the loaded scene on the page), `window.__error`, `window.__frames`,
 * `window.__renders`, `window.__api` ('webgpu'), `window.__present` (present.ts),
 * `window.__livePaced`.
 */
import type { GpuContext } from '../gpu/device';
import { DEFAULT_FILTER2D, type SplatScene } from '../io/scene';
import { SplatRenderer, type RenderOptions } from '../render/splat-renderer';
import { FrameClock } from './frame-clock';
import { choosePresentMode, createPresenter, type Presenter } from './present';
import { CameraInput } from './input';
import { OrbitController } from './orbit-controller';
import type { Overlay } from './overlay';
import { defaultSettings, ViewerPanel, type ViewerSettings, type ViewerStats } from './panel';
import { defaultViewPose, pickOnTargetPlane, pickPoint, robustBounds, type RobustBounds } from '../view/scene-framing';
import { openScene, type SceneSource } from './scene-source';
import { COLMAP_UP, DEFAULT_FOV_Y, poseToCamera, type Vec3, type ViewPose, viewNear } from '../view/view-camera';
import { formatViewSearch, type SceneLink } from '../view/view-url';
import { DOWNLOAD_FORMATS, downloadScene, saveBlob } from './download';
import { downloadName } from './file-names';
import type { Camera } from '../io/camera';
import type { GaussianSet } from '../render/gaussian-buffers';
import type { FolderApi } from 'tweakpane';
import { isCpuAdapter } from '../gpu/kernel-shapes';
import { shDegreeNotice } from '../render/splat-capacity';
import { LivePacing } from './live-pacing';

interface CurrentScene {
  /** The scene on the CPU; null for live Gaussians (training), which `exportScene` downloads. */
  scene: SplatScene | null;
  exportScene?: () => Promise<SplatScene>;
  name: string;
  /** What the address bar says about this scene. */
  link: SceneLink;
  bounds: RobustBounds | null;
  /** Where R returns: the scene's own framing, never a camera that came with a link. */
  home: ViewPose;
  /** Trained with anti-aliasing: drawn with the 2D filter's opacity compensation. */
  antialiased: boolean;
  /** That filter's variance, px^2 (SplatScene.filter2d); absent: 0.3. */
  filter2d?: number;
}

/** At most this many frames queued on the GPU: rAF can outrun a slow GPU (SwiftShader). */
const MAX_FRAMES_IN_FLIGHT = 2;
/** The address bar follows the camera once it has been still this long (ms). */
const URL_DEBOUNCE_MS = 250;
/** Longest time step of the camera motion, seconds. */
const MAX_FRAME_DT = 1;
/** The framing band never narrows below this fraction of the canvas width, however wide the panel. */
const MIN_FRAMING_BAND = 0.4;
/** Double-click pick radius in CSS pixels. */
const PICK_RADIUS_CSS = 6;
/**
 * A still live view of a run training on a CPU adapter takes at most 1/9 of the time
 * (live-pacing.ts): "Train the sample" at 1100x800 ran 7.5 steps a second with 8 and 5.75 with
 * 3 (0.53 and 1.0 frames a second; 8.56 with no view), bench/README.md.
 */
const LIVE_IDLE_FACTOR = 8;
/** ...but a still live view is at most this old (ms) when the next frame starts. */
const LIVE_MAX_WAIT_MS = 3000;

export class Viewer {
  readonly settings: ViewerSettings = defaultSettings();
  readonly stats: ViewerStats = { fps: 0, frameMs: 0, splats: 0, intersections: 0 };
  // Replaced after a device loss (recreate).
  private device: GPUDevice;
  private readonly presenter: Presenter;
  private renderer: SplatRenderer;
  /** The orbit camera (the training page reads it for the nearest photo and snaps it to cameras). */
  readonly controller = new OrbitController();
  private readonly panel: ViewerPanel;
  private readonly input: CameraInput;
  private current: CurrentScene | null = null;
  /** Called whenever another scene is shown (the training page hides its run's overlay then). */
  onPresent: ((live: boolean) => void) | undefined;
  private loadToken = 0;
  private generation = 0;
  /** The first renderer's pipelines compiled ahead (compile-ahead.ts): a scene is shown after. */
  private readonly compiled: Promise<void>;
  private readyGeneration = -1;
  private inFlight = 0;
  private lastTime = -1;
  private readonly clock = new FrameClock();
  private urlDirty = false;
  private lastMotion = 0;
  private stopped = false;
  private nextFrame = 0;
  /** Set while a training run steps on a CPU adapter (setTraining); null draws every frame. */
  private livePacing: LivePacing | null = null;
  /** Something the user controls (settings, scene) changed since the last drawn frame. */
  private viewChanged = true;
  // Reused every frame: the frame loop allocates nothing of its own.
  private readonly pose: ViewPose = { eye: [0, 0, 0], target: [0, 0, 0], up: [0, 0, 0], fovY: DEFAULT_FOV_Y };
  private readonly camera: Camera = { width: 1, height: 1, fx: 1, fy: 1, cx: 0, cy: 0, R: new Array(9).fill(0), t: [0, 0, 0] };
  private readonly renderOptions: RenderOptions = { shDegree: 0, splatScale: 1, background: [0, 0, 0], exact: false, antialias: false };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    gpu: GpuContext,
    private readonly overlay: Overlay,
  ) {
    this.device = gpu.device;
    const adapterInfo = (this.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    this.presenter = createPresenter(canvas, this.device, choosePresentMode(adapterInfo, new URLSearchParams(location.search).get('present')));
    window.__api = 'webgpu';
    window.__present = `${this.presenter.mode} (${this.presenter.sink})`;
    this.renderer = new SplatRenderer(this.device, { canvasFormat: this.presenter.format });
    // Compiled while the first scene downloads, off the compositor's thread where Chromium can.
    this.compiled = this.renderer.compileAhead(this.presenter.format);
    this.panel = new ViewerPanel(undefined, this.settings, this.stats, {
      onSettingsChange: (key) => {
        this.viewChanged = true;
        if (key === 'yUp' && this.controller.up[1] > 0 !== this.settings.yUp) this.controller.flipUp();
      },
      onOpenFile: () => document.querySelector<HTMLInputElement>('#file-input')?.click(),
      onDownload: (format) => this.download(format),
      onFrame: () => this.frameScene(),
      onReset: () => this.resetView(),
    }, DOWNLOAD_FORMATS);
    this.input = new CameraInput(canvas, this.controller, {
      onPick: (x, y) => this.pick(x, y),
      onFrame: () => this.frameScene(),
      onReset: () => this.resetView(),
    });
    window.__cameraPose = () => structuredClone(this.controller.getGoalPose());
    requestAnimationFrame(this.frame);
  }

  /**
   * Loads a scene and shows it from `pose` (a shared link) or framed from the front. `link`
   * defaults to the URL for a URL source and to no link for local files. Resolves once the
   * scene is on the GPU, or after showing the error; never rejects.
   */
  async open(source: SceneSource, opts: { pose?: ViewPose | null; link?: SceneLink } = {}): Promise<boolean> {
    const token = ++this.loadToken;
    try {
      const opened = await openScene(source, (p) => {
        if (token === this.loadToken) this.overlay.showProgress(p.label, p.fraction);
      });
      await this.compiled;
      if (token !== this.loadToken) return false; // a newer load superseded this one
      const { scene, warnings } = opened.loaded;
      const link: SceneLink = opts.link ?? (opened.url !== null ? { kind: 'url', url: opened.url } : { kind: 'none' });
      // Readers word some notices without the file name; the page always names the file.
      const notices = warnings.map((w) => (w.startsWith(opened.name) ? w : `${opened.name}: ${w}`));
      this.showScene(scene, opened.name, { pose: opts.pose, link, notices });
      return true;
    } catch (e) {
      if (token === this.loadToken) {
        this.overlay.hideProgress();
        this.fail(e instanceof Error ? e.message : String(e));
      }
      return false;
    }
  }

  /**
   * Shows a scene already in memory, first from `pose` (a shared link), with R returning to
   * `home` (default: framed from the front). No link unless `link` says so. Shows `notices` (and
   * its own, when the GPU holds fewer SH bands than the scene has) once shown. Throws if it cannot.
   */
  showScene(scene: SplatScene, name: string, opts: { pose?: ViewPose | null; home?: ViewPose; link?: SceneLink; notices?: string[] } = {}): void {
    if (scene.count === 0) throw new Error(`${name}: the file holds no splats`);
    const shown = this.renderer.setScene(scene); // throws (e.g. too large) before anything is replaced
    const bounds = robustBounds(scene);
    const up: Vec3 = opts.pose ? opts.pose.up : this.settings.yUp ? [0, 1, 0] : COLMAP_UP;
    const home = opts.home ?? this.framedPose(bounds, up);
    this.present({ scene, name, link: opts.link ?? { kind: 'none' }, bounds, home, antialiased: scene.antialiased === true, filter2d: scene.filter2d }, shown, opts.pose ?? home);
    const aa = scene.antialiased ? ` · antialiased, ${scene.filter2d ?? DEFAULT_FILTER2D} px² filter` : '';
    const sh = shown < scene.shDegree ? `SH ${shown} of ${scene.shDegree}` : `SH ${scene.shDegree}`;
    this.overlay.setSceneInfo(`${name} · ${scene.count.toLocaleString('en-US')} splats · ${sh}${aa}`);
    const notices = [...(opts.notices ?? [])];
    if (shown < scene.shDegree) notices.push(`${shDegreeNotice(this.device.limits, name, scene, shown)} (downloads keep degree ${scene.shDegree}).`);
    if (notices.length > 0) this.overlay.notice(notices.join('\n'));
  }

  /**
   * Shows Gaussians that live on the GPU and change every frame (a training run's state),
   * framed by `bounds` and starting from `home`. `exportScene` serves "Download as".
   */
  showLive(set: GaussianSet, name: string, opts: { bounds: RobustBounds | null; home: ViewPose; exportScene: () => Promise<SplatScene>; antialiased?: boolean; filter2d?: number }): void {
    this.renderer.setGaussians(set);
    this.present({ scene: null, exportScene: opts.exportScene, name, link: { kind: 'none' }, bounds: opts.bounds, home: opts.home, antialiased: opts.antialiased === true, filter2d: opts.filter2d }, set.shDegree, opts.home);
    this.overlay.setSceneInfo(`${name} · training`);
  }

  /**
   * Whether the live Gaussians shown (showLive) are being trained now. On a CPU adapter, where
   * the view and the trainer share the cores, still frames are then paced (LIVE_IDLE_FACTOR);
   * GPUs draw every frame. Showing another scene ends it.
   */
  setTraining(active: boolean): void {
    const info = (this.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const pace = active && isCpuAdapter(info) && this.current?.scene === null;
    if (pace === (this.livePacing !== null)) return;
    this.livePacing = pace ? new LivePacing(LIVE_IDLE_FACTOR, LIVE_MAX_WAIT_MS) : null;
    window.__livePaced = pace;
    this.viewChanged = true;
  }

  /** Moves the camera (a glide when `animate` and the up axis stays); the address bar follows. */
  setViewPose(pose: ViewPose, animate: boolean): void {
    this.controller.setPose(pose, animate);
    // A jump (or a change of up axis) is no motion to the damping: mark the link stale here.
    this.urlDirty = true;
    this.lastMotion = performance.now();
  }

  /** The GPU device is gone (device-recovery.ts): nothing is drawn until `recreate`. */
  suspend(): void {
    this.stopped = true;
  }

  /**
   * Draws on a new GPU device after the old one was lost: the canvas and a new renderer on it,
   * the scene uploaded again from its CPU copy (live training splats come back with their run).
   */
  recreate(gpu: GpuContext): void {
    this.renderer.destroy();
    this.device = gpu.device;
    this.presenter.setDevice(this.device);
    this.renderer = new SplatRenderer(this.device, { canvasFormat: this.presenter.format });
    // The new device may hold fewer SH bands (other limits): the panel follows what is drawn.
    if (this.current?.scene) {
      try {
        const shown = this.renderer.setScene(this.current.scene);
        this.settings.shDegree = Math.min(this.settings.shDegree, shown);
        this.panel.setMaxShDegree(shown);
        this.panel.refresh();
      } catch (e) {
        this.fail(e instanceof Error ? e.message : String(e));
      }
    }
    // Frames queued on the lost device may never report back.
    this.inFlight = 0;
    this.stopped = false;
    // The loop stopped at its next frame after suspend(), unless that frame has not come yet.
    cancelAnimationFrame(this.nextFrame);
    this.nextFrame = requestAnimationFrame(this.frame);
  }

  /** Saves what the canvas shows (without the page's overlays) as `<scene>-view.png`. */
  async saveScreenshot(): Promise<void> {
    const blob = await this.presenter.snapshot();
    if (!blob) {
      this.fail('Screenshot failed: the canvas gave no image');
      return;
    }
    saveBlob(blob, downloadName(this.current?.name ?? 'scene', '-view.png'));
  }

  /** Auto-rotate speed about the up axis, degrees per second (0 stops). */
  setSpin(degreesPerSecond: number): void {
    this.settings.spin = degreesPerSecond;
    this.panel.refresh();
  }

  /** Adds a folder to the settings panel (the Train panel lives there). */
  addPanelFolder(title: string): FolderApi {
    return this.panel.addFolder(title);
  }

  private present(current: CurrentScene, shDegree: number, pose: ViewPose): void {
    this.loadToken++; // a load still in flight must not replace what is shown now
    this.current = current;
    this.livePacing = null;
    window.__livePaced = false;
    this.viewChanged = true;
    this.controller.setSceneRadius(current.bounds?.radius ?? 1);
    this.controller.setPose(pose);
    this.settings.yUp = pose.up[1] > 0;
    this.settings.shDegree = shDegree;
    this.panel.setMaxShDegree(shDegree);
    this.panel.refresh();
    this.overlay.hideProgress();
    this.overlay.hideBanner();
    window.__error = undefined;
    window.__ready = false;
    this.readyGeneration = ++this.generation;
    this.urlDirty = true;
    this.onPresent?.(current.scene === null);
  }

  destroy(): void {
    this.stopped = true;
    this.input.destroy();
    this.panel.dispose();
    this.renderer.destroy();
  }

  private fail(message: string): void {
    console.error(message);
    window.__error = message;
    this.overlay.error(message);
  }

  private framedPose(bounds: RobustBounds | null, up: Vec3): ViewPose {
    const b = bounds ?? { min: [-1, -1, -1], max: [1, 1, 1], centre: [0, 0, 0], radius: 1 };
    return defaultViewPose(b, up, this.controller.fovY, this.framingAspect());
  }

  /**
   * Aspect of the band the scene is framed into: centred on the canvas and clear of the
   * expanded panel on the right (so also of the same width on the left), but never narrower
   * than MIN_FRAMING_BAND of the canvas.
   */
  private framingAspect(): number {
    const w = this.canvas.clientWidth || 1;
    const band = Math.max(w * MIN_FRAMING_BAND, w - 2 * this.panel.coveredWidth());
    return band / (this.canvas.clientHeight || 1);
  }

  private frameScene(): void {
    const b = this.current?.bounds;
    if (b) this.controller.frame(b.centre, b.radius, this.framingAspect());
  }

  private resetView(): void {
    if (!this.current) return;
    this.controller.setPose(this.current.home, true);
    this.settings.yUp = this.current.home.up[1] > 0;
    this.panel.refresh();
  }

  private pick(cssX: number, cssY: number): void {
    if (!this.current) return;
    const w = this.canvas.clientWidth || 1;
    const h = this.canvas.clientHeight || 1;
    // Pick in CSS pixels: the render resolution does not matter for choosing a point.
    const cam = poseToCamera(this.controller.getGoalPose(), w, h);
    cam.near = viewNear(this.current?.bounds?.radius, this.controller.getGoalPose());
    const target = this.controller.getGoalPose().target;
    const scene = this.current.scene;
    const p = (scene && pickPoint(scene, cam, cssX, cssY, PICK_RADIUS_CSS)) ?? pickOnTargetPlane(cam, target, cssX, cssY);
    this.controller.setOrbitCentre(p);
  }

  private async download(format: string): Promise<void> {
    if (!this.current) return;
    try {
      const scene = this.current.scene ?? (await this.current.exportScene!());
      const losses = await downloadScene(scene, format, this.current.name);
      if (losses.length > 0) this.overlay.notice(losses.join('\n'));
    } catch (e) {
      this.fail(`Download as ${format} failed: ${(e as Error).message}`);
    }
  }

  private readonly frame = (now: number): void => {
    if (this.stopped) return;
    this.nextFrame = requestAnimationFrame(this.frame);
    // Real elapsed time, so motion takes the same time however slow the GPU (rAF follows the
    // frames it presents). The damping is exact for any step; the cap only bounds a fly step
    // after the tab was hidden.
    const dt = this.lastTime < 0 ? 0 : Math.min(MAX_FRAME_DT, (now - this.lastTime) / 1000);
    this.lastTime = now;
    if (this.settings.spin !== 0) this.controller.turn((this.settings.spin * Math.PI * dt) / 180);
    const moved = this.controller.update(dt);
    if (moved) {
      this.urlDirty = true;
      this.lastMotion = now;
    }
    if (this.urlDirty && now - this.lastMotion > URL_DEBOUNCE_MS && this.current) this.writeUrl();
    if (this.inFlight >= MAX_FRAMES_IN_FLIGHT) return;
    if (this.resizeCanvas() || moved) this.viewChanged = true;
    // A still live view of a training run on a CPU adapter: the canvas keeps its last frame.
    if (this.livePacing && !this.viewChanged && !this.livePacing.mayDraw(now)) return;
    this.viewChanged = false;
    const s = this.settings;
    const width = Math.max(1, Math.round(this.canvas.width * s.resolutionScale));
    const height = Math.max(1, Math.round(this.canvas.height * s.resolutionScale));
    poseToCamera(this.controller.getPose(this.pose), width, height, this.camera);
    this.camera.near = viewNear(this.current?.bounds?.radius, this.pose);
    const o = this.renderOptions;
    o.shDegree = s.shDegree;
    o.splatScale = s.splatScale;
    o.background[0] = s.background.r;
    o.background[1] = s.background.g;
    o.background[2] = s.background.b;
    o.exact = s.exact;
    o.antialias = this.current?.antialiased === true;
    // The reference's dilation unless an antialiased scene names its own filter.
    o.filter2d = o.antialias ? this.current?.filter2d : undefined;
    const device = this.device;
    device.pushErrorScope('validation');
    this.renderer.drawToTexture(this.camera, o, this.presenter.target(this.canvas.width, this.canvas.height));
    const shown = this.presenter.present();
    window.__renders = (window.__renders ?? 0) + 1;
    device.popErrorScope().then((err) => {
      // A frame of a device since lost and replaced (recreate) is device-recovery.ts's to tell.
      if (err && !this.stopped && device === this.device) {
        this.stopped = true;
        this.fail(`Rendering failed: ${err.message}`);
      }
    });
    this.inFlight++;
    const submitted = performance.now();
    const generation = this.generation;
    void shown.catch(() => {}).then(() => this.frameDone(submitted, generation));
  };

  private frameDone(submitted: number, generation: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1); // recreate() forgot the lost device's frames
    const done = performance.now();
    const busy = this.clock.finished(submitted, done);
    this.stats.fps = this.clock.fps;
    this.stats.frameMs = this.clock.frameMs;
    this.livePacing?.drawn(done, busy);
    this.stats.intersections = this.renderer.frameStats.intersections;
    this.stats.splats = this.renderer.frameStats.splats; // live Gaussians change count while training
    window.__frames = (window.__frames ?? 0) + 1;
    if (generation === this.readyGeneration) {
      window.__ready = true;
      this.readyGeneration = -1;
    }
  }

  /** Sizes the canvas to its CSS box; true when it changed. */
  private resizeCanvas(): boolean {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(this.canvas.clientHeight * dpr));
    if (this.canvas.width === w && this.canvas.height === h) return false;
    this.canvas.width = w;
    this.canvas.height = h;
    return true;
  }

  private writeUrl(): void {
    this.urlDirty = false;
    const search = formatViewSearch(location.search, this.controller.getGoalPose(), this.current?.link ?? { kind: 'none' });
    if (search !== null && search !== location.search) history.replaceState(history.state, '', location.pathname + search + location.hash);
  }
}
