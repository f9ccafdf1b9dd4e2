/** Flags NaN/Inf in parameter buffers on the GPU (shaders/finite_check.wgsl). */
import { bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type FieldsOf, UniformStruct } from '../gpu/struct-layout';
import { FINITE_CHECK_PARAMS } from './layouts';

export class FiniteCheckKernel {
  /** [1] u32 bit set: bit b set when buffer `b` held a non-finite value. */
  readonly flags: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly uniforms: UniformStruct<FieldsOf<typeof FINITE_CHECK_PARAMS>>[] = [];
  private readonly cache = new BindGroupCache();

  constructor(private readonly device: GPUDevice) {
    this.layout = bindGroupLayout(device, 'FiniteCheck.layout', ['uniform', 'read', 'rw']);
    this.pipeline = computePipeline(device, 'FiniteCheck', FINITE_CHECK_PARAMS.file, [this.layout]);
    this.flags = device.createBuffer({ label: 'FiniteCheck.flags', size: 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }

  /** Records checks of `buffers[b]` (first `counts[b]` f32) setting bit b. */
  encode(pass: GPUComputePassEncoder, buffers: GPUBuffer[], counts: number[]): void {
    for (let b = 0; b < buffers.length; b++) {
      if (counts[b] <= 0) continue;
      while (this.uniforms.length <= b) {
        this.uniforms.push(new UniformStruct(this.device, `FiniteCheck.params${this.uniforms.length}`, FINITE_CHECK_PARAMS));
      }
      this.uniforms[b].write({ count: counts[b], bit: b });
      const group = this.cache.get([this.uniforms[b].buffer, buffers[b]], () =>
        this.device.createBindGroup({
          label: 'FiniteCheck.bindings',
          layout: this.layout,
          entries: [this.uniforms[b].buffer, buffers[b], this.flags].map((buffer, binding) => ({ binding, resource: { buffer } })),
        }),
      );
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, group);
      dispatch1d(pass, counts[b], 256);
    }
  }

  destroy(): void {
    this.flags.destroy();
    for (const u of this.uniforms) u.destroy();
  }
}
