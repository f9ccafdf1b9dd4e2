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
import { type FieldsOf, type StructLayout, UniformStruct } from '../gpu/struct-layout';
import { MCMC_COPY_PARAMS, MCMC_NOISE_PARAMS, MCMC_REGULARIZE_PARAMS, MCMC_RELOCATE_PARAMS, MCMC_SAMPLE_PARAMS, MCMC_WEIGHT_PARAMS } from './layouts';

/** A pipeline shared by every instance on a device, a uniform of the kernel's params struct per instance. */
class McmcKernel<K extends string> {
  private static cache = new WeakMap<GPUDevice, Map<string, { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline }>>();
  protected readonly params: UniformStruct<K>;
  private readonly layout: GPUBindGroupLayout;
  private readonly pipeline: GPUComputePipeline;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    params: StructLayout<K>,
    kinds: BindingKind[],
  ) {
    const file = params.file;
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
    this.params = new UniformStruct(device, `${label}.params`, params);
  }

  /** Dispatches after `params.write` (which applies to the next submit). */
  protected run(pass: GPUComputePassEncoder, buffers: GPUBuffer[], items: number): void {
    if (items <= 0) return;
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindBuffers(this.device, `${this.label}.bindings`, this.layout, [this.params.buffer, ...buffers]));
    dispatch1d(pass, items, WG_SIZE);
  }

  destroy(): void {
    this.params.destroy();
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
  /** [N, 4] f32 densification statistics (grad-norm sum, visible count), read when gradRef > 0. */
  stats: GPUBuffer;
  /** Reference gradient g0 of the weights' gradient factor; 0: by opacity alone. */
  gradRef: number;
}

export class McmcWeightsKernel extends McmcKernel<FieldsOf<typeof MCMC_WEIGHT_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'McmcWeights', MCMC_WEIGHT_PARAMS, ['read', 'rw', 'read']);
  }

  encode(pass: GPUComputePassEncoder, a: WeightsArgs): void {
    this.params.write({ count: a.count, relocate: a.relocate ? 1 : 0, dead_max_logit: a.deadMaxLogit, grad_ref: a.gradRef });
    this.run(pass, [a.opacityLogits, a.flags, a.stats], a.count);
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

export class McmcSampleKernel extends McmcKernel<FieldsOf<typeof MCMC_SAMPLE_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'McmcSample', MCMC_SAMPLE_PARAMS, ['read', 'rw', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: SampleArgs): void {
    this.params.write({ count: a.count, relocate: a.relocate ? 1 : 0, draws: a.draws, seed: a.seed >>> 0, iteration: a.iteration >>> 0 });
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

export class McmcCopyKernel extends McmcKernel<FieldsOf<typeof MCMC_COPY_PARAMS>> {
  constructor(device: GPUDevice, label: string) {
    super(device, label, MCMC_COPY_PARAMS, ['read', 'read', 'read', 'rw', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: CopyArgs): void {
    if (a.count * a.width >= 2 ** 32) throw new RangeError(`${this.label}: ${a.count} rows of ${a.width} f32 exceed u32 indexing`);
    this.params.write({ count: a.count, width: a.width, mode: a.mode === 'copy' ? 0 : 1 });
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
  /**
   * Copies move off their source by `spread` standard deviations along a normal draw hashed from
   * (seed, iteration, the round's stream, draw); 0 keeps them on it. `relocate`: which round.
   */
  spread: number;
  seed: number;
  iteration: number;
  relocate: boolean;
  means: GPUBuffer;
  quats: GPUBuffer;
}

export class McmcRelocateKernel extends McmcKernel<FieldsOf<typeof MCMC_RELOCATE_PARAMS>> {
  constructor(device: GPUDevice, label: string) {
    super(device, label, MCMC_RELOCATE_PARAMS, ['read', 'read', 'read', 'rw', 'rw', 'rw', 'read']);
  }

  encode(pass: GPUComputePassEncoder, a: RelocateArgs): void {
    this.params.write({ count: a.count, mode: a.mode === 'copies' ? 0 : 1, seed: a.seed >>> 0, iteration: a.iteration >>> 0, relocate: a.relocate ? 1 : 0, min_opacity: a.minOpacity, spread: a.spread });
    this.run(pass, [a.pairs, a.counts, a.info, a.opacityLogits, a.logScales, a.means, a.quats], a.count);
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

export class McmcNoiseKernel extends McmcKernel<FieldsOf<typeof MCMC_NOISE_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'McmcNoise', MCMC_NOISE_PARAMS, ['rw', 'read', 'read', 'read']);
  }

  encode(pass: GPUComputePassEncoder, a: NoiseArgs): void {
    this.params.write({
      count: a.count,
      seed: a.seed >>> 0,
      iteration: a.iteration >>> 0,
      scaler: a.scaler,
      sharpness: a.sharpness,
      gate_opacity: a.gateOpacity,
    });
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

export class McmcRegularizeKernel extends McmcKernel<FieldsOf<typeof MCMC_REGULARIZE_PARAMS>> {
  constructor(device: GPUDevice) {
    super(device, 'McmcRegularize', MCMC_REGULARIZE_PARAMS, ['read', 'read', 'rw', 'rw']);
  }

  encode(pass: GPUComputePassEncoder, a: RegularizeArgs): void {
    this.params.write({ count: a.count, opacity_coeff: a.opacityCoeff, scale_coeff: a.scaleCoeff });
    this.run(pass, [a.opacityLogits, a.logScales, a.vOpacityLogits, a.vLogScales], a.count);
  }
}
