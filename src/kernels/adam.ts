/** Adam optimizer step for one parameter buffer (shaders/adam.wgsl). */
import { bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';
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
  /**
   * Active columns: `count` is rows of `width` f32 and only the first `active` of each row are
   * updated (the SH coefficients of the bands this step rendered). The caller vouches that the
   * rest have zero gradients and zero moments, where Adam would leave them unchanged anyway;
   * skipping them changes no bit. Used when `width` is a multiple of 4 and the active vec4s
   * fall short of it; otherwise every element is updated.
   */
  columns?: { width: number; active: number };
}

/**
 * f32 elements per 256-byte block (WebGPU's largest minStorageBufferOffsetAlignment): the vec4
 * kernel takes whole blocks, so the scalar tail's binding offset is aligned on every adapter.
 */
const BLOCK = 256 / 4;
/** Invocations per workgroup of adam.wgsl and adam4.wgsl. */
const ADAM_WG = parseWgslConstants(SHADER_SOURCES.get('common/adam.wgsl') ?? '').ADAM_WG;
if (!(ADAM_WG > 0)) throw new Error('shaders/common/adam.wgsl lacks const ADAM_WG');

interface AdamPipelines {
  vec4: GPUComputePipeline;
  scalar: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  /** Bound in place of the projection when every row is updated (never read). */
  unbound: GPUBuffer;
}

/**
 * One instance per parameter group: each owns its uniforms, so the groups' steps can be
 * recorded into one encoder and submitted together. A step is two dispatches: adam4.wgsl over
 * the buffers' whole 256-byte blocks, four elements an invocation, and adam.wgsl over the rest
 * (at most 63 elements, bound from the block boundary: WebGPU allows no two writable views of
 * one range). Both compute each element with the same f32 operations.
 */
export class AdamKernel {
  private static pipelines = new WeakMap<GPUDevice, AdamPipelines>();
  /** [0]: the vec4 dispatch's constants, [1]: the scalar tail's. */
  private readonly params: [UniformStruct<FieldsOf<typeof ADAM_PARAMS>>, UniformStruct<FieldsOf<typeof ADAM_PARAMS>>];
  private readonly cache = new BindGroupCache();
  private readonly p: AdamPipelines;

  constructor(
    private readonly device: GPUDevice,
    readonly label: string,
    private readonly hyper: AdamHyper = ADAM_DEFAULTS,
  ) {
    let p = AdamKernel.pipelines.get(device);
    if (!p) {
      const layout = bindGroupLayout(device, 'Adam.layout', ['uniform', 'rw', 'read', 'rw', 'rw', 'read']);
      const unbound = device.createBuffer({ label: 'Adam.noProjection', size: PROJECTED_SPLAT.bytes, usage: 0x80 }); // STORAGE
      p = {
        layout,
        vec4: computePipeline(device, 'Adam.vec4', 'adam4.wgsl', [layout]),
        scalar: computePipeline(device, 'Adam', 'adam.wgsl', [layout]),
        unbound,
      };
      AdamKernel.pipelines.set(device, p);
    }
    this.p = p;
    this.params = [new UniformStruct(device, `${label}.params.vec4`, ADAM_PARAMS), new UniformStruct(device, `${label}.params.tail`, ADAM_PARAMS)];
  }

  encode(pass: GPUComputePassEncoder, s: AdamStep): void {
    if (s.count <= 0) return;
    const h = this.hyper;
    const blocks = Math.floor(s.count / BLOCK) * BLOCK;
    const fields = {
      lr_a: s.lr,
      lr_b: s.lrRest ?? s.lr,
      beta1: h.beta1,
      beta2: h.beta2,
      eps: h.eps,
      bias1: 1 - Math.pow(h.beta1, s.step),
      bias2: 1 - Math.pow(h.beta2, s.step),
      period: s.period ?? 1,
      first: s.first ?? 1,
      one_minus_beta1: 1 - h.beta1,
      one_minus_beta2: 1 - h.beta2,
      row_width: s.visibility?.rowWidth ?? 0,
      row_vec4s: 0,
      active_vec4s: 0,
    };
    const projected = s.visibility?.projected ?? this.p.unbound;
    const buffers = [s.param, s.grad, s.m, s.v];
    // [first, first + count) elements of every buffer, one dispatch; with active columns, the
    // active vec4s of the whole buffer's rows (`invocations` of them).
    const run = (which: 0 | 1, first: number, count: number, perInvocation: number, active?: { rowVec4s: number; activeVec4s: number; invocations: number }): void => {
      const uniform = this.params[which];
      uniform.write({ ...fields, count: active ? active.invocations * 4 : count, base: first, row_vec4s: active?.rowVec4s ?? 0, active_vec4s: active?.activeVec4s ?? 0 });
      const group = this.cache.get([...buffers, projected, `${which}:${first}:${count}`], () =>
        this.device.createBindGroup({
          label: `${this.label}.bindings.${which === 0 ? 'vec4' : 'tail'}`,
          layout: this.p.layout,
          entries: [
            { binding: 0, resource: { buffer: uniform.buffer } },
            ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer, offset: first * 4, size: count * 4 } })),
            { binding: 5, resource: { buffer: projected } },
          ],
        }),
      );
      pass.setPipeline(which === 0 ? this.p.vec4 : this.p.scalar);
      pass.setBindGroup(0, group);
      dispatch1d(pass, active ? active.invocations : Math.ceil(count / perInvocation), ADAM_WG);
    };
    const cols = s.columns;
    if (cols && cols.width % 4 === 0 && s.count % cols.width === 0) {
      const activeVec4s = Math.max(1, Math.ceil(cols.active / 4));
      if (activeVec4s < cols.width / 4) {
        run(0, 0, s.count, 4, { rowVec4s: cols.width / 4, activeVec4s, invocations: (s.count / cols.width) * activeVec4s });
        return;
      }
    }
    if (blocks > 0) run(0, 0, blocks, 4);
    if (s.count > blocks) run(1, blocks, s.count - blocks, 1);
  }

  destroy(): void {
    for (const u of this.params) u.destroy();
  }
}
