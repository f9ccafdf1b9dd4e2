/**
 * The training loop: every step on the GPU (forward, L1 + SSIM loss, backward, Adam, density
 * control), driven from TypeScript, the same in the browser and in Node. One small readback per
 * step (the intersection count, which sizes the buffers, and the loss, which is checked for NaN)
 * is also what paces the loop and lets a browser page stay responsive between steps.
 */
import type { ColmapDataset, View } from '../io/colmap/dataset';
import type { SplatScene } from '../io/scene';
import { STORAGE, readF32 } from '../gpu/buffers';
import { gpuErrorText } from '../gpu/device';
import { AdamKernel } from '../kernels/adam';
import { FiniteCheckKernel } from '../kernels/finite-check';
import { LOSS_STATS } from '../kernels/image-loss';
import type { ForwardPass } from '../render/forward-pass';
import { DifferentiableRenderer } from './differentiable-renderer';
import { type TrainConfig, activeShDegree, dropoutRateAt, meansLearningRate, resolveTrainConfig } from './config';
import { Mulberry32, ViewSampler } from './random';
import { type DensityStrategy, createDensityStrategy } from './density-strategy';
import { mcmcInitialScene, resolveMcmcConfig } from './mcmc-config';
import { type SchedulePlan, coarseSize, schedulePlan } from './schedule';
import { fitPlanToDevice } from './device-fit';
import { CoarseTargets } from './coarse-targets';
import { TrainingFilter3d } from './filter3d';
import type { GaussianSet } from '../render/gaussian-buffers';
import { PARAM_GROUPS, type ParamGroup, SplatState, groupWidth } from './splat-state';
import { Snapshot } from './snapshot';
import { evaluateViews } from './evaluate';
import { spacedViews, splatContributions } from './contributions';
import { pruneScores as pruneScoresOf } from './mcmc-prune';
import type { GroupArrays, TrainerState } from './checkpoint';

export interface StepInfo {
  iteration: number;
  loss: number;
  psnr: number;
  splats: number;
  /** What density control did at this step, if anything. */
  densified?: { cloned: number; split: number; pruned: number; relocated?: number; added?: number };
  opacityReset?: boolean;
}

export interface EvalResult {
  iteration: number;
  views: number;
  psnr: number;
  ssim: number;
  l1: number;
}

export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
}

/** The GPU ran out of memory or rejected a command during a step (Trainer.step). */
export class TrainingGpuError extends TrainingDivergedError {
  override name = 'TrainingGpuError';
}

/** Gradient buffers keyed like the parameter groups. */
const GRAD_OF: Record<ParamGroup, 'vMeans' | 'vLogScales' | 'vQuats' | 'vOpacityLogits' | 'vSh'> = {
  means: 'vMeans',
  logScales: 'vLogScales',
  quats: 'vQuats',
  opacityLogits: 'vOpacityLogits',
  sh: 'vSh',
};

export class Trainer {
  readonly config: TrainConfig;
  /** When to densify, reset, raise the SH degree and the image size (config.schedule). */
  readonly plan: SchedulePlan;
  readonly state: SplatState;
  iteration = 0;
  /** Set when a NaN/Inf loss stopped training; the message names the iteration. */
  diverged: string | undefined;

  private readonly diff: DifferentiableRenderer;
  private readonly adam: Record<ParamGroup, AdamKernel>;
  private readonly density: DensityStrategy;
  /** The means' learning rate of the last optimizer step (MCMC scales its noise by it). */
  private meansLr = 0;
  private readonly sampler: ViewSampler;
  private readonly random: Mulberry32;
  /** Restored densification statistics, added to the first step's (restoreState). */
  private readonly snapshot: Snapshot;
  private readonly finite: FiniteCheckKernel;
  /** The Mip-Splatting 3D filter when config.antialias. */
  private readonly filter3d: TrainingFilter3d | undefined;
  private readonly flagReadback: GPUBuffer;
  /** Per-view target images on the GPU when they fit the budget (else uploaded per step). */
  private readonly targets: (GPUBuffer | undefined)[];
  private readonly coarse: CoarseTargets;

  constructor(
    /** The device it trains on (a page may replace its own after a device loss). */
    readonly device: GPUDevice,
    readonly dataset: ColmapDataset,
    initial: SplatScene,
    config: Partial<TrainConfig> = {},
  ) {
    this.config = resolveTrainConfig(config);
    // Growth stops at what the device's storage bindings hold, not at a failed allocation mid-run.
    this.plan = fitPlanToDevice(schedulePlan(this.config), this.config.strategy, device.limits, initial.shDegree);
    if (dataset.train.length === 0) throw new Error('the dataset has no training views');
    // A fresh MCMC run starts within its budget at the strategy's opacity and scale (the
    // schedule's: the scaled one starts larger, schedule.ts mcmcInitScale); a restored
    // one is no larger than the budget, and restoreState overwrites every parameter.
    const mcmc = this.config.strategy === 'mcmc';
    this.state = SplatState.fromScene(device, mcmc ? mcmcInitialScene(initial, resolveMcmcConfig(this.plan.mcmc), this.config.seed) : initial);
    this.diff = new DifferentiableRenderer(device, { ssimWeight: this.config.ssimWeight });
    this.adam = {} as Record<ParamGroup, AdamKernel>;
    for (const g of PARAM_GROUPS) this.adam[g] = new AdamKernel(device, `Adam.${g}`);
    const { strategy, seed, iterations } = this.config;
    const pruneCameras = spacedViews(dataset.train.length).map((i) => dataset.train[i].camera);
    const pruneScores = async (st: SplatState, it: number) => {
      const weights = await splatContributions(device, this.diff, this.renderSet(it), pruneCameras, { shDegree: this.shDegreeAt(it), splatScale: 1, background: [0, 0, 0], ...this.filter2dOptions });
      return pruneScoresOf(await st.read('params', 'opacityLogits'), weights);
    };
    this.density = createDensityStrategy(device, { strategy, density: this.plan.density, mcmc: this.plan.mcmc, seed, iterations, extent: dataset.extent, pruneScores });
    this.sampler = new ViewSampler(dataset.train.length, this.config.seed);
    this.random = new Mulberry32(this.config.seed + 17);
    this.snapshot = new Snapshot();
    this.finite = new FiniteCheckKernel(device);
    this.filter3d = this.config.antialias ? new TrainingFilter3d(device, dataset.train.map((v) => v.camera)) : undefined;
    this.flagReadback = device.createBuffer({ label: 'Trainer.flagReadback', size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const bytes = dataset.train.reduce((s, v) => s + v.image.byteLength, 0);
    const budget = Math.min(512 * 2 ** 20, device.limits.maxBufferSize * 4);
    this.targets = dataset.train.map((v) => (bytes <= budget ? this.uploadImage(v) : undefined));
    this.coarse = new CoarseTargets(device);
  }

  private uploadImage(v: View): GPUBuffer {
    const b = this.device.createBuffer({ label: `Trainer.target.${v.name}`, size: v.image.byteLength, usage: STORAGE });
    this.device.queue.writeBuffer(b, 0, v.image.buffer, v.image.byteOffset, v.image.byteLength);
    return b;
  }

  private background(): [number, number, number] {
    switch (this.config.background) {
      case 'white':
        return [1, 1, 1];
      case 'random':
        return [this.random.next(), this.random.next(), this.random.next()];
      default:
        return [0, 0, 0];
    }
  }

  get activeShDegree(): number {
    return this.shDegreeAt(Math.max(this.iteration, 1));
  }

  /** The SH degree step `it` renders, and whose coefficients Adam updates. */
  private shDegreeAt(it: number): number {
    return activeShDegree(it, this.plan.shIncreaseEvery, Math.min(this.config.shDegree, this.state.shDegree));
  }

  get done(): boolean {
    return this.iteration >= this.config.iterations || this.diverged !== undefined;
  }

  /**
   * Runs one iteration. Throws TrainingDivergedError (and keeps the last good state) on NaN, and
   * TrainingGpuError when the GPU ran out of memory or rejected a command during the step: such
   * a step did not run (its commands are dropped, the device carries on), so without this check
   * training would go on doing nothing while it reported progress.
   */
  async step(): Promise<StepInfo> {
    if (this.diverged) throw new TrainingDivergedError(this.diverged);
    const it = this.iteration + 1;
    // Errors arise where the commands are made, so the scopes cover the step's calls; popping
    // them waits for validation only, not for the GPU's work.
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let info: StepInfo | undefined;
    let failure: unknown;
    try {
      info = await this.runStep(it);
    } catch (e) {
      failure = e;
    }
    const [validation, memory] = await Promise.all([this.device.popErrorScope(), this.device.popErrorScope()]);
    const gpuError = memory ?? validation;
    if (gpuError && !this.diverged) {
      await this.snapshot.settled();
      const what = memory ? 'ran out of memory' : 'rejected a command';
      const view = this.dataset.train[0].camera;
      this.diverged = `the GPU ${what} at iteration ${it} (${this.state.count.toLocaleString('en-US')} splats, ${view.width}x${view.height} images): ${gpuErrorText(gpuError.message)}; training stopped, the last good state (iteration ${this.snapshot.iteration}) is kept for export`;
      throw new TrainingGpuError(this.diverged);
    }
    if (failure !== undefined) throw failure;
    if (it === 1 || it % 100 === 0 || it === this.config.iterations) this.snapshot.capture(() => this.currentScene(it), it);
    return info as StepInfo;
  }

  private async runStep(it: number): Promise<StepInfo> {
    const viewIndex = this.sampler.next();
    const view = this.dataset.train[viewIndex];
    let cam = view.camera;
    let target: GPUBuffer | Float32Array = this.targets[viewIndex] ?? view.image;
    const small = coarseSize(cam.width, cam.height, this.plan.divisorAt(it), this.plan.minSide);
    if (small.width !== cam.width || small.height !== cam.height) ({ camera: cam, target } = this.coarse.prepare(cam, target, small.width, small.height));
    const rate = dropoutRateAt(this.config, it);
    const dropout = rate > 0 ? { rate, seed: this.config.seed, iteration: it } : undefined;
    const opts = { shDegree: this.shDegreeAt(it), splatScale: 1, background: this.background(), dropout };
    const stats = await this.diff.step(this.renderSet(it), cam, target, { ...opts, ...this.filter2dOptions });
    const lossValue = stats[LOSS_STATS.loss];
    if (!Number.isFinite(lossValue)) {
      await this.snapshot.settled();
      this.diverged = `loss became ${lossValue} at iteration ${it}; training stopped, the last good state (iteration ${this.snapshot.iteration}) is kept for export`;
      throw new TrainingDivergedError(this.diverged);
    }

    this.optimizerStep(it);
    // Parameters are checked on the GPU every 10 steps (and at the end) and the flags read then,
    // so a NaN/Inf is caught within 10 iterations without a sync point per step.
    if (this.readsFiniteFlagsAt(it)) {
      const bad = await this.readFiniteFlags();
      if (bad.length > 0) {
        await this.snapshot.settled();
        this.diverged = `parameters became NaN/Inf (${bad.join(', ')}) by iteration ${it}; training stopped, the last good state (iteration ${this.snapshot.iteration}) is kept for export`;
        throw new TrainingDivergedError(this.diverged);
      }
    }
    this.iteration = it;
    const info: StepInfo = { iteration: it, loss: lossValue, psnr: stats[LOSS_STATS.psnr], splats: this.state.count };
    const d = await this.density.afterStep(it, this.state, this.diff.gradients.densify, this.dataset.extent, this.meansLr);
    if (d.densified) info.densified = { cloned: d.cloned, split: d.split, pruned: d.pruned, ...(d.relocated === undefined ? {} : { relocated: d.relocated, added: d.added }) };
    if (d.reset) info.opacityReset = true;
    info.splats = this.state.count;
    return info;
  }

  private optimizerStep(it: number): void {
    const st = this.state;
    st.step += 1;
    const lr = this.config.lr;
    const grads = this.diff.gradients;
    const enc = this.device.createCommandEncoder({ label: 'Trainer.adam' });
    const pass = enc.beginComputePass({ label: 'Adam' });
    const total = this.plan.lrDecayIterations;
    const shDegree = this.shDegreeAt(it);
    const rates: Record<ParamGroup, [number, number]> = {
      means: [meansLearningRate(it, total, this.dataset.extent, lr), 0],
      logScales: [lr.scale, 0],
      quats: [lr.rotation, 0],
      opacityLogits: [lr.opacity, 0],
      sh: [lr.shDc, lr.shRest],
    };
    this.meansLr = rates.means[0];
    // Gradients of the filtered parameters the renderer drew become the raw parameters' first.
    this.filter3d?.encodeBackward(pass, st, grads);
    this.density.encodeGradientTerms?.(pass, st, grads);
    for (const g of PARAM_GROUPS) {
      const [a, b] = rates[g];
      const width = groupWidth(g, st.shCoeffs);
      this.adam[g].encode(pass, {
        param: st.params[g].buffer,
        grad: grads[GRAD_OF[g]],
        m: st.m[g].buffer,
        v: st.v[g].buffer,
        count: st.count * width,
        step: st.step,
        lr: a,
        // Only the SH bands this step rendered: the others have zero gradients and moments.
        ...(g === 'sh' ? { lrRest: b, period: width, first: 3, columns: { width, active: 3 * (shDegree + 1) ** 2 } } : {}),
        // Selective Adam: this step's projection says which splats the view saw.
        ...(this.config.selectiveAdam ? { visibility: { projected: this.diff.forward.projected.buffer, rowWidth: width } } : {}),
      });
    }
    // Only on the steps whose flags are read: a non-finite parameter stays non-finite through
    // Adam, so it is still there to be found, and a check on every step cost as much as Adam.
    if (this.readsFiniteFlagsAt(it)) {
      this.finite.encode(
        pass,
        PARAM_GROUPS.map((g) => st.params[g].buffer),
        PARAM_GROUPS.map((g) => st.count * groupWidth(g, st.shCoeffs)),
      );
    }
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  /** Steps whose parameters are checked for NaN/Inf, and the flags read: every 10th and the last. */
  private readsFiniteFlagsAt(it: number): boolean {
    return it % 10 === 0 || it === this.config.iterations;
  }

  /** Names of the parameter groups that held NaN/Inf since the last read (and clears the flags). */
  private async readFiniteFlags(): Promise<string[]> {
    const enc = this.device.createCommandEncoder({ label: 'Trainer.finiteFlags' });
    enc.copyBufferToBuffer(this.finite.flags, 0, this.flagReadback, 0, 4);
    enc.clearBuffer(this.finite.flags);
    this.device.queue.submit([enc.finish()]);
    await this.flagReadback.mapAsync(GPUMapMode.READ);
    const bits = new Uint32Array(this.flagReadback.getMappedRange())[0];
    this.flagReadback.unmap();
    return PARAM_GROUPS.filter((_, b) => (bits >> b) & 1);
  }

  /** Mean PSNR, SSIM and L1 over `views` (default: the held-out views, else the training views). */
  async evaluate(views?: View[]): Promise<EvalResult> {
    const list = views ?? (this.dataset.test.length > 0 ? this.dataset.test : this.dataset.train);
    const bg: [number, number, number] = this.config.background === 'white' ? [1, 1, 1] : [0, 0, 0];
    const m = await evaluateViews(this.device, this.diff, this.renderSet(this.iteration), list, { shDegree: this.activeShDegree, splatScale: 1, background: bg, ...this.filter2dOptions });
    return { iteration: this.iteration, views: m.views, psnr: m.psnr, ssim: m.ssim, l1: m.l1 };
  }

  /** The current scene, or the last good one after divergence. */
  async exportScene(): Promise<SplatScene> {
    if (this.diverged) {
      await this.snapshot.settled();
      const s = this.snapshot.scene;
      if (!s) throw new Error('training diverged before any good state was captured');
      return s;
    }
    return this.currentScene(this.iteration);
  }

  /** The state as a scene (copied now), with an anti-aliased run's 3D filter of `iteration` baked in. */
  private currentScene(iteration: number): Promise<SplatScene> {
    return this.filter3d ? this.filter3d.readBaked(this.state, iteration, this.config.filter2d) : this.state.toScene();
  }

  /**
   * What the renderer draws: the state, or with anti-aliasing its 3D-filtered parameters
   * (sized when due at `iteration`, and submitted before the caller's work).
   */
  private renderSet(iteration: number): GaussianSet {
    if (!this.filter3d) return this.state;
    const enc = this.device.createCommandEncoder({ label: 'Trainer.filter3d' });
    const set = this.filter3d.prepare(enc, this.state, iteration);
    this.device.queue.submit([enc.finish()]);
    return set;
  }

  /** The Gaussians a live view should draw (3D-filtered with anti-aliasing), and whether and how with the 2D filter. */
  get liveView(): { set: GaussianSet; antialiased: boolean; filter2d?: number } {
    return { set: this.filter3d ? this.filter3d.view(this.state) : this.state, antialiased: this.config.antialias, filter2d: this.filter2dOptions.filter2d };
  }

  /** The 2D filter every render of this run uses: the reference's dilation, or the configured anti-aliasing filter. */
  private get filter2dOptions(): { antialias: boolean; filter2d?: number } {
    return this.config.antialias ? { antialias: true, filter2d: this.config.filter2d } : { antialias: false };
  }

  /**
   * Everything needed to continue this run bit for bit (src/train/checkpoint.ts): parameters,
   * Adam moments and step, densification statistics, iteration and RNG states. Reads the GPU
   * state back; call between steps.
   */
  async captureState(): Promise<TrainerState> {
    if (this.diverged) throw new Error(`no checkpoint of a diverged run: ${this.diverged}`);
    const st = this.state;
    const read = (set: 'params' | 'm' | 'v') =>
      Promise.all(PARAM_GROUPS.map((g) => st.read(set, g))).then((a) => Object.fromEntries(PARAM_GROUPS.map((g, i) => [g, a[i]])) as GroupArrays);
    const [params, m, v] = await Promise.all([read('params'), read('m'), read('v')]);
    // A buffer smaller than the count has not seen these rows yet (no step, or growth by a
    // densification, which zeroes the statistics): they are all zero.
    const stats = this.diff.gradients.densify;
    const densifyStats = stats.size >= st.count * 16 ? await readF32(this.device, stats, st.count * 4) : new Float32Array(st.count * 4);
    return {
      iteration: this.iteration,
      adamStep: st.step,
      shDegree: st.shDegree,
      count: st.count,
      params,
      m,
      v,
      densifyStats,
      sampler: this.sampler.save(),
      backgroundRng: this.random.state,
    };
  }

  /**
   * Continues from a captured state. The trainer must have been built on the same dataset and
   * config (checkpoint-resume.ts checkResumable) with the state's parameters as `initial`
   * (checkpointScene), so the splat count, SH degree and buffers already fit.
   */
  restoreState(s: TrainerState): void {
    const st = this.state;
    if (s.count !== st.count || s.shDegree !== st.shDegree) {
      throw new Error(`checkpoint holds ${s.count} splats of SH degree ${s.shDegree}; the trainer was built with ${st.count} of degree ${st.shDegree}`);
    }
    for (const set of ['params', 'm', 'v'] as const) for (const g of PARAM_GROUPS) this.device.queue.writeBuffer(st[set][g].buffer, 0, s[set][g]);
    st.step = s.adamStep;
    this.iteration = s.iteration;
    this.sampler.restore(s.sampler);
    this.random.state = s.backgroundRng >>> 0;
    this.diff.backward.writeDensifyStats(s.densifyStats);
    this.snapshot.scene = { count: s.count, shDegree: s.shDegree, means: s.params.means, logScales: s.params.logScales, quats: s.params.quats, opacityLogits: s.params.opacityLogits, sh: s.params.sh };
    this.snapshot.iteration = s.iteration;
  }

  /** Forward pass buffers (the live view renders from `state` with its own renderer). */
  get forwardPass(): ForwardPass {
    return this.diff.forward;
  }

  destroy(): void {
    this.diff.destroy();
    for (const g of PARAM_GROUPS) this.adam[g].destroy();
    this.density.destroy();
    this.snapshot.destroy();
    this.finite.destroy();
    this.flagReadback.destroy();
    for (const t of this.targets) t?.destroy();
    this.coarse.destroy();
    this.filter3d?.destroy();
    this.state.destroy();
  }
}
