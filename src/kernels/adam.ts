/** Adam optimizer step for one parameter buffer (shaders/adam.wgsl). */
import { bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type FieldsOf, UniformStruct } from '../gpu/struct-layout';
import { ADAM_PARAMS, PROJECTED_SPLAT } from './layouts';

export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
}

/** decisions.md: betas (0.9, 0.999), eps 1e-15. */
export const ADAM_DEFAULTS: AdamHyper = { beta1: 0.9, beta2: 0.999, eps: 1e-15 };

export interface AdamStep {
  param: GPUBuffer;
  grad: GPUBuffer;
  m: GPUBuffer;
  v: GPUBuffer;
  /** Elements to update. */
  count: number;
  /** Adam step number t (1-based) for the bias corrections. */
  step: number;
  lr: number;
  /** Second learning rate: element e uses `lr` when e % period < first, else `lrRest`. */
  lrRest?: number;
  period?: number;
  first?: number;
  /**
   * Selective Adam: `projected` is this step's [N] ProjectedSplat records and `rowWidth` the f32
   * per splat of this buffer; rows whose projection has no tiles keep parameters and moments.
   */
  visibility?: { projected: GPUBuffer; rowWidth: number };
}

/**
 * One instance per parameter group: each owns its uniform, so the groups' steps can be
 * recorded into one encoder and submitted together.
 */
export class AdamKernel {
  private static pipelines = new WeakMap<GPUDevice, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; unbound: GPUBuffer }>();
  private readonly params: UniformStruct<FieldsOf<typeof ADAM_PARAMS>>;
  private readonly cache = new BindGroupCache();
  private readonly pipeline: GPUComputePipeline;
  private readonly layout: GPUBindGroupLayout;
  /** Bound in place of the projection when every row is updated (never read). */
  private readonly unbound: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    readonly label: string,
    private readonly hyper: AdamHyper = ADAM_DEFAULTS,
  ) {
    let p = AdamKernel.pipelines.get(device);
    if (!p) {
      const layout = bindGroupLayout(device, 'Adam.layout', ['uniform', 'rw', 'read', 'rw', 'rw', 'read']);
      const unbound = device.createBuffer({ label: 'Adam.noProjection', size: PROJECTED_SPLAT.bytes, usage: 0x80 }); // STORAGE
      p = { layout, pipeline: computePipeline(device, 'Adam', 'adam.wgsl', [layout]), unbound };
      AdamKernel.pipelines.set(device, p);
    }
    this.pipeline = p.pipeline;
    this.layout = p.layout;
    this.unbound = p.unbound;
    this.params = new UniformStruct(device, `${label}.params`, ADAM_PARAMS);
  }

  encode(pass: GPUComputePassEncoder, s: AdamStep): void {
    if (s.count <= 0) return;
    const h = this.hyper;
    this.params.write({
      lr_a: s.lr,
      lr_b: s.lrRest ?? s.lr,
      beta1: h.beta1,
      beta2: h.beta2,
      eps: h.eps,
      bias1: 1 - Math.pow(h.beta1, s.step),
      bias2: 1 - Math.pow(h.beta2, s.step),
      count: s.count,
      period: s.period ?? 1,
      first: s.first ?? 1,
      one_minus_beta1: 1 - h.beta1,
      one_minus_beta2: 1 - h.beta2,
      row_width: s.visibility?.rowWidth ?? 0,
    });
    const projected = s.visibility?.projected ?? this.unbound;
    const group = this.cache.get([s.param, s.grad, s.m, s.v, projected], () =>
      this.device.createBindGroup({
        label: `${this.label}.bindings`,
        layout: this.layout,
        entries: [this.params.buffer, s.param, s.grad, s.m, s.v, projected].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    dispatch1d(pass, s.count, 256);
  }

  destroy(): void {
    this.params.destroy();
  }
}
