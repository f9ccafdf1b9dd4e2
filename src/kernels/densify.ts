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

const UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST (globals may be unset in Node)

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

/** Base: a pipeline, a 48-byte uniform owned by the instance, and a one-item-per-invocation dispatch. */
class DensifyKernel {
  protected readonly uniform: GPUBuffer;
  protected readonly data = new ArrayBuffer(48);
  protected readonly u32 = new Uint32Array(this.data);
  protected readonly f32 = new Float32Array(this.data);
  private readonly p: DensifyPipeline;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    file: string,
    kinds: BindingKind[],
    pipelineLabel: string,
  ) {
    this.p = DensifyPipeline.get(device, pipelineLabel, file, kinds);
    this.uniform = device.createBuffer({ label: `${label}.params`, size: this.data.byteLength, usage: UNIFORM });
  }

  protected run(pass: GPUComputePassEncoder, buffers: GPUBuffer[], items: number): void {
    if (items <= 0) return;
    this.device.queue.writeBuffer(this.uniform, 0, this.data);
    pass.setPipeline(this.p.pipeline);
    pass.setBindGroup(0, bindBuffers(this.device, `${this.label}.bindings`, this.p.layout, [this.uniform, ...buffers]));
    dispatch1d(pass, items, WG_SIZE);
  }

  destroy(): void {
    this.uniform.destroy();
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

export class DensifyClassifyKernel extends DensifyKernel {
  constructor(device: GPUDevice) {
    super(device, 'DensifyClassify', 'densify_classify.wgsl', ['uniform', 'read', 'read', 'read', 'rw', 'rw'], 'DensifyClassify');
  }

  encode(pass: GPUComputePassEncoder, a: ClassifyArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.children;
    this.u32[2] = a.worldPrune ? 1 : 0;
    this.f32[4] = a.gradThreshold;
    this.f32[5] = a.cloneMaxLogScale;
    this.f32[6] = a.pruneMaxLogScale;
    this.f32[7] = a.minOpacityLogit;
    this.f32[8] = a.logDivisor;
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

export class DensifyCapKernel extends DensifyKernel {
  constructor(device: GPUDevice) {
    super(device, 'DensifyCap', 'densify_cap.wgsl', ['uniform', 'read', 'rw', 'rw', 'rw'], 'DensifyCap');
  }

  encode(pass: GPUComputePassEncoder, a: CapArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.children;
    this.u32[2] = Math.min(a.maxSplats, 0xffffffff);
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
export class DensifyScatterKernel extends DensifyKernel {
  constructor(device: GPUDevice, label: string) {
    super(device, label, 'densify_scatter.wgsl', ['uniform', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], 'DensifyScatter');
  }

  encode(pass: GPUComputePassEncoder, a: ScatterArgs): void {
    if (a.count * a.width >= 2 ** 32) throw new RangeError(`${this.label}: ${a.count} rows of ${a.width} f32 exceed u32 indexing`);
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.width;
    this.run(pass, [a.layout, a.src.param, a.src.m, a.src.v, a.dst.param, a.dst.m, a.dst.v], a.count * a.width);
  }
}

export interface SplitArgs {
  count: number;
  seed: number;
  iteration: number;
  /** log(splitScaleDivisor). */
  logDivisor: number;
  actions: GPUBuffer;
  layout: GPUBuffer;
  srcMeans: GPUBuffer;
  srcLogScales: GPUBuffer;
  srcQuats: GPUBuffer;
  dstMeans: GPUBuffer;
  dstLogScales: GPUBuffer;
}

export class DensifySplitKernel extends DensifyKernel {
  constructor(device: GPUDevice) {
    super(device, 'DensifySplit', 'densify_split.wgsl', ['uniform', 'read', 'read', 'read', 'read', 'read', 'rw', 'rw'], 'DensifySplit');
  }

  encode(pass: GPUComputePassEncoder, a: SplitArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.seed >>> 0;
    this.u32[2] = a.iteration >>> 0;
    this.f32[4] = a.logDivisor;
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
export class OpacityResetKernel extends DensifyKernel {
  constructor(device: GPUDevice) {
    super(device, 'OpacityReset', 'opacity_reset.wgsl', ['uniform', 'rw', 'rw', 'rw'], 'OpacityReset');
  }

  encode(pass: GPUComputePassEncoder, a: OpacityResetArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.f32[1] = a.maxLogit;
    this.run(pass, [a.opacityLogits, a.m, a.v], a.count);
  }
}
