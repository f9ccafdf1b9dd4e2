/**
 * Wrappers of the MCMC densification kernels (shaders/mcmc_*.wgsl), one class per kernel.
 * src/train/mcmc-strategy.ts chains a round as
 *   weights -> PrefixSum -> sample -> copy (per group, then zero the sources' moments) -> relocate
 * and runs noise every iteration and regularize before every optimizer step. Each instance owns
 * its uniform, so several can be recorded into one encoder; a kernel used twice in one pass with
 * other settings (copy and relocate modes) needs two instances.
 */
import { type BindingKind, bindBuffers, bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { WG_SIZE } from '../gpu/constants';

const UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST

/** A pipeline shared by every instance on a device, a 32-byte uniform per instance. */
class McmcKernel {
  private static cache = new WeakMap<GPUDevice, Map<string, { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline }>>();
  protected readonly data = new ArrayBuffer(32);
  protected readonly u32 = new Uint32Array(this.data);
  protected readonly f32 = new Float32Array(this.data);
  private readonly uniform: GPUBuffer;
  private readonly layout: GPUBindGroupLayout;
  private readonly pipeline: GPUComputePipeline;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    file: string,
    kinds: BindingKind[],
  ) {
    let m = McmcKernel.cache.get(device);
    if (!m) McmcKernel.cache.set(device, (m = new Map()));
    let p = m.get(file);
    if (!p) {
      const layout = bindGroupLayout(device, `${file}.layout`, ['uniform', ...kinds]);
      p = { layout, pipeline: computePipeline(device, file, file, [layout]) };
      m.set(file, p);
    }
    this.layout = p.layout;
    this.pipeline = p.pipeline;
    this.uniform = device.createBuffer({ label: `${label}.params`, size: this.data.byteLength, usage: UNIFORM });
  }

  protected run(pass: GPUComputePassEncoder, buffers: GPUBuffer[], items: number): void {
    if (items <= 0) return;
    this.device.queue.writeBuffer(this.uniform, 0, this.data);
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindBuffers(this.device, `${this.label}.bindings`, this.layout, [this.uniform, ...buffers]));
    dispatch1d(pass, items, WG_SIZE);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}

export interface WeightsArgs {
  count: number;
  /** Relocation round: dead rows get weight 0 and a flag at flags[count + i]. */
  relocate: boolean;
  /** logit(minOpacity), from float64. */
  deadMaxLogit: number;
  opacityLogits: GPUBuffer;
  /** [2N] u32 out (relocation), [N] (growth). */
  flags: GPUBuffer;
}

export class McmcWeightsKernel extends McmcKernel {
  constructor(device: GPUDevice) {
    super(device, 'McmcWeights', 'mcmc_weights.wgsl', ['read', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: WeightsArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.relocate ? 1 : 0;
    this.f32[2] = a.deadMaxLogit;
    this.run(pass, [a.opacityLogits, a.flags], a.count);
  }
}

export interface SampleArgs {
  count: number;
  relocate: boolean;
  /** Growth: copies to append (ignored when relocating: the dead count decides). */
  draws: number;
  /** The draws hash (seed, iteration, round stream, draw). */
  seed: number;
  iteration: number;
  /** Exclusive scan of the weights kernel's flags. */
  scan: GPUBuffer;
  /** [max(N, draws)] vec2<u32> out. */
  pairs: GPUBuffer;
  /** [N] u32, zeroed by the caller. */
  counts: GPUBuffer;
  /** [4] u32 out: draws made. */
  info: GPUBuffer;
}

export class McmcSampleKernel extends McmcKernel {
  constructor(device: GPUDevice) {
    super(device, 'McmcSample', 'mcmc_sample.wgsl', ['read', 'rw', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: SampleArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.relocate ? 1 : 0;
    this.u32[2] = a.draws;
    this.u32[3] = a.seed >>> 0;
    this.u32[4] = a.iteration >>> 0;
    this.run(pass, [a.scan, a.pairs, a.counts, a.info], Math.max(a.relocate ? a.count : a.draws, 1));
  }
}

export interface CopyArgs {
  /** Copy mode: an upper bound on the draws; zero mode: the rows N. */
  count: number;
  width: number;
  /** 'copy': sources into destinations; 'zero-sources': zero the drawn rows' moments. */
  mode: 'copy' | 'zero-sources';
  pairs: GPUBuffer;
  counts: GPUBuffer;
  info: GPUBuffer;
  param: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
}

export class McmcCopyKernel extends McmcKernel {
  constructor(device: GPUDevice, label: string) {
    super(device, label, 'mcmc_copy.wgsl', ['read', 'read', 'read', 'rw', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: CopyArgs): void {
    if (a.count * a.width >= 2 ** 32) throw new RangeError(`${this.label}: ${a.count} rows of ${a.width} f32 exceed u32 indexing`);
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.width;
    this.u32[2] = a.mode === 'copy' ? 0 : 1;
    this.run(pass, [a.pairs, a.counts, a.info, a.param, a.m, a.v], a.count * a.width);
  }
}

export interface RelocateArgs {
  count: number;
  /** 'copies': destinations from their sources; 'sources': drawn rows in place (after 'copies'). */
  mode: 'copies' | 'sources';
  minOpacity: number;
  pairs: GPUBuffer;
  counts: GPUBuffer;
  info: GPUBuffer;
  opacityLogits: GPUBuffer;
  logScales: GPUBuffer;
}

export class McmcRelocateKernel extends McmcKernel {
  constructor(device: GPUDevice, label: string) {
    super(device, label, 'mcmc_relocate.wgsl', ['read', 'read', 'read', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: RelocateArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.mode === 'copies' ? 0 : 1;
    this.f32[4] = a.minOpacity;
    this.run(pass, [a.pairs, a.counts, a.info, a.opacityLogits, a.logScales], a.count);
  }
}

export interface NoiseArgs {
  count: number;
  /** The noise hashes (seed, iteration, splat). */
  seed: number;
  iteration: number;
  /** Means learning rate * noise learning rate. */
  scaler: number;
  sharpness: number;
  gateOpacity: number;
  means: GPUBuffer;
  logScales: GPUBuffer;
  quats: GPUBuffer;
  opacityLogits: GPUBuffer;
}

export class McmcNoiseKernel extends McmcKernel {
  constructor(device: GPUDevice) {
    super(device, 'McmcNoise', 'mcmc_noise.wgsl', ['rw', 'read', 'read', 'read']);
  }

  encode(pass: GPUComputePassEncoder, a: NoiseArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.u32[1] = a.seed >>> 0;
    this.u32[2] = a.iteration >>> 0;
    this.f32[4] = a.scaler;
    this.f32[5] = a.sharpness;
    this.f32[6] = a.gateOpacity;
    this.run(pass, [a.means, a.logScales, a.quats, a.opacityLogits], a.count);
  }
}

export interface RegularizeArgs {
  count: number;
  /** lambda_o / N and lambda_s / (3 N). */
  opacityCoeff: number;
  scaleCoeff: number;
  opacityLogits: GPUBuffer;
  logScales: GPUBuffer;
  vOpacityLogits: GPUBuffer;
  vLogScales: GPUBuffer;
}

export class McmcRegularizeKernel extends McmcKernel {
  constructor(device: GPUDevice) {
    super(device, 'McmcRegularize', 'mcmc_regularize.wgsl', ['read', 'read', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: RegularizeArgs): void {
    this.u32.fill(0);
    this.u32[0] = a.count;
    this.f32[4] = a.opacityCoeff;
    this.f32[5] = a.scaleCoeff;
    this.run(pass, [a.opacityLogits, a.logScales, a.vOpacityLogits, a.vLogScales], a.count);
  }
}
