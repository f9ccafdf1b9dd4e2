/**
 * Wrappers of the four densification kernels (shaders/densify_*.wgsl), one class per kernel.
 * src/train/density-control.ts chains them with two PrefixSum scans:
 * classify -> scan(growth) -> cap -> scan(rows) -> [read new count] -> scatter (per group) -> split.
 * Each wrapper owns its uniform, so all of them can be recorded into one encoder; bind groups are
 * made per call because densification replaces the buffers it binds every time.
 */
import { type BindingKind, bindBuffers, bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { WG_SIZE } from '../gpu/constants';
import { type FieldsOf, type StructLayout, UniformStruct } from '../gpu/struct-layout';
import { DENSIFY_CAP_PARAMS, DENSIFY_CLASSIFY_PARAMS, DENSIFY_SCATTER_PARAMS, DENSIFY_SPLIT_PARAMS, OPACITY_RESET_PARAMS } from './layouts';

/** Pipeline and layout of one densify shader, shared by every instance on a device. */
class DensifyPipeline {
  private static cache = new WeakMap<GPUDevice, Map<string, DensifyPipeline>>();
  readonly layout: GPUBindGroupLayout;
  readonly pipeline: GPUComputePipeline;

  private constructor(device: GPUDevice, label: string, file: string, kinds: BindingKind[]) {
    this.layout = bindGroupLayout(device, `${label}.layout`, kinds);
    this.pipeline = computePipeline(device, label, file, [this.layout]);
  }

  static get(device: GPUDevice, label: string, file: string, kinds: BindingKind[]): DensifyPipeline {
    let m = DensifyPipeline.cache.get(device);
    if (!m) DensifyPipeline.cache.set(device, (m = new Map()));
    let p = m.get(label);
    if (!p) m.set(label, (p = new DensifyPipeline(device, label, file, kinds)));
    return p;
  }
}

/** Base: a pipeline, a uniform of the kernel's params struct owned by the instance, and a one-item-per-invocation dispatch. */
class DensifyKernel<K extends string> {
  protected readonly params: UniformStruct<K>;
  private readonly p: DensifyPipeline;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    kinds: BindingKind[],
    pipelineLabel: string,
    layout: StructLayout<K>,
  ) {
    this.p = DensifyPipeline.get(device, pipelineLabel, layout.file, kinds);
    this.params = new UniformStruct(device, `${label}.params`, layout);
  }

  /** Dispatches after `params.write` (which applies to the next submit, so one encode per instance per submit). */
  protected run(pass: GPUComputePassEncoder, buffers: GPUBuffer[], items: number): void {
    if (items <= 0) return;
    pass.setPipeline(this.p.pipeline);
    pass.setBindGroup(0, bindBuffers(this.device, `${this.label}.bindings`, this.p.layout, [this.params.buffer, ...buffers]));
    dispatch1d(pass, items, WG_SIZE);
  }

  destroy(): void {
    this.params.destroy();
  }
}

export interface ClassifyArgs {
  count: number;
  children: number;
  worldPrune: boolean;
  gradThreshold: number;
  /** log(percentDense * extent). */
  cloneMaxLogScale: number;
  /** log(maxWorldScale * extent). */
  pruneMaxLogScale: number;
  /** logit(minOpacity). */
  minOpacityLogit: number;
  /** log(splitScaleDivisor). */
  logDivisor: number;
  /** [N, 4] f32 statistics. */
  stats: GPUBuffer;
  logScales: GPUBuffer;
  opacityLogits: GPUBuffer;
  /** [N] u32 out. */
  actions: GPUBuffer;
  /** [2N] u32 out. */
  growth: GPUBuffer;
}

export class DensifyClassifyKernel extends DensifyKernel<FieldsOf<typeof DENSIFY_CLASSIFY_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'DensifyClassify', ['uniform', 'read', 'read', 'read', 'rw', 'rw'], 'DensifyClassify', DENSIFY_CLASSIFY_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, a: ClassifyArgs): void {
    this.params.write({
      count: a.count,
      children: a.children,
      world_prune: a.worldPrune ? 1 : 0,
      grad_threshold: a.gradThreshold,
      clone_max_log_scale: a.cloneMaxLogScale,
      prune_max_log_scale: a.pruneMaxLogScale,
      min_opacity_logit: a.minOpacityLogit,
      log_divisor: a.logDivisor,
    });
    this.run(pass, [a.stats, a.logScales, a.opacityLogits, a.actions, a.growth], a.count);
  }
}

export interface CapArgs {
  count: number;
  children: number;
  maxSplats: number;
  /** [2N + 1] u32 exclusive scan of the growth. */
  scan: GPUBuffer;
  /** [N] u32 in/out. */
  actions: GPUBuffer;
  /** [2N] u32 out. */
  rows: GPUBuffer;
  /** [2] u32, zeroed by the caller: granted clones, splits. */
  tally: GPUBuffer;
}

export class DensifyCapKernel extends DensifyKernel<FieldsOf<typeof DENSIFY_CAP_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'DensifyCap', ['uniform', 'read', 'rw', 'rw', 'rw'], 'DensifyCap', DENSIFY_CAP_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, a: CapArgs): void {
    this.params.write({ count: a.count, children: a.children, max_splats: Math.min(a.maxSplats, 0xffffffff) });
    this.run(pass, [a.scan, a.actions, a.rows, a.tally], a.count);
  }
}

export interface ScatterArgs {
  count: number;
  /** f32 per row of this group. */
  width: number;
  /** [2N + 1] u32 exclusive scan of the rows. */
  layout: GPUBuffer;
  src: { param: GPUBuffer; m: GPUBuffer; v: GPUBuffer };
  dst: { param: GPUBuffer; m: GPUBuffer; v: GPUBuffer };
}

/** One instance per parameter group (each owns its uniform, so all groups share one encoder). */
export class DensifyScatterKernel extends DensifyKernel<FieldsOf<typeof DENSIFY_SCATTER_PARAMS>> {
  constructor(device: GPUDevice, label: string) {
    super(device, label, ['uniform', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], 'DensifyScatter', DENSIFY_SCATTER_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, a: ScatterArgs): void {
    if (a.count * a.width >= 2 ** 32) throw new RangeError(`${this.label}: ${a.count} rows of ${a.width} f32 exceed u32 indexing`);
    this.params.write({ count: a.count, width: a.width });
    this.run(pass, [a.layout, a.src.param, a.src.m, a.src.v, a.dst.param, a.dst.m, a.dst.v], a.count * a.width);
  }
}

export interface SplitArgs {
  count: number;
  seed: number;
  iteration: number;
  /** log(splitScaleDivisor). */
  logDivisor: number;
  /** Clones' copies move by this many standard deviations along the split's normal draw; 0: none. */
  cloneSpread: number;
  actions: GPUBuffer;
  layout: GPUBuffer;
  srcMeans: GPUBuffer;
  srcLogScales: GPUBuffer;
  srcQuats: GPUBuffer;
  dstMeans: GPUBuffer;
  dstLogScales: GPUBuffer;
}

export class DensifySplitKernel extends DensifyKernel<FieldsOf<typeof DENSIFY_SPLIT_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'DensifySplit', ['uniform', 'read', 'read', 'read', 'read', 'read', 'rw', 'rw'], 'DensifySplit', DENSIFY_SPLIT_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, a: SplitArgs): void {
    this.params.write({ count: a.count, seed: a.seed >>> 0, iteration: a.iteration >>> 0, log_divisor: a.logDivisor, clone_spread: a.cloneSpread });
    this.run(pass, [a.actions, a.layout, a.srcMeans, a.srcLogScales, a.srcQuats, a.dstMeans, a.dstLogScales], a.count);
  }
}

export interface OpacityResetArgs {
  count: number;
  /** logit(resetOpacity). */
  maxLogit: number;
  opacityLogits: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
}

/** shaders/opacity_reset.wgsl. */
export class OpacityResetKernel extends DensifyKernel<FieldsOf<typeof OPACITY_RESET_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'OpacityReset', ['uniform', 'rw', 'rw', 'rw'], 'OpacityReset', OPACITY_RESET_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, a: OpacityResetArgs): void {
    this.params.write({ count: a.count, max_logit: a.maxLogit });
    this.run(pass, [a.opacityLogits, a.m, a.v], a.count);
  }
}
