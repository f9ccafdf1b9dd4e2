/** Adam optimizer step for one parameter buffer (shaders/adam.wgsl). */
import { bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { PROJECTED_SPLAT } from './layouts';

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

const PARAM_BYTES = 64;

/**
 * One instance per parameter group: each owns its uniform, so the groups' steps can be
 * recorded into one encoder and submitted together.
 */
export class AdamKernel {
  private static pipelines = new WeakMap<GPUDevice, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout; unbound: GPUBuffer }>();
  private readonly uniform: GPUBuffer;
  private readonly data = new ArrayBuffer(PARAM_BYTES);
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
    this.uniform = device.createBuffer({ label: `${label}.params`, size: PARAM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  encode(pass: GPUComputePassEncoder, s: AdamStep): void {
    if (s.count <= 0) return;
    const f = new Float32Array(this.data);
    const u = new Uint32Array(this.data);
    const h = this.hyper;
    f[0] = s.lr;
    f[1] = s.lrRest ?? s.lr;
    f[2] = h.beta1;
    f[3] = h.beta2;
    f[4] = h.eps;
    f[5] = 1 - Math.pow(h.beta1, s.step);
    f[6] = 1 - Math.pow(h.beta2, s.step);
    u[7] = s.count;
    u[8] = s.period ?? 1;
    u[9] = s.first ?? 1;
    f[10] = 1 - h.beta1;
    f[11] = 1 - h.beta2;
    u[12] = s.visibility?.rowWidth ?? 0;
    this.device.queue.writeBuffer(this.uniform, 0, this.data);
    const projected = s.visibility?.projected ?? this.unbound;
    const group = this.cache.get([s.param, s.grad, s.m, s.v, projected], () =>
      this.device.createBindGroup({
        label: `${this.label}.bindings`,
        layout: this.layout,
        entries: [this.uniform, s.param, s.grad, s.m, s.v, projected].map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    dispatch1d(pass, s.count, 256);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
