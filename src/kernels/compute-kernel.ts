/**
 * Shared plumbing of the one-entry-point compute kernels: explicit bind group layouts (group 0
 * the camera uniform when the kernel projects or rasterizes, then the kernel's buffers), the
 * pipeline, bind groups and dispatch. Each kernel file subclasses it with its own buffer list.
 */
import { type BindingKind, bindBuffers, bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { WG_SIZE } from '../gpu/constants';
import { cameraBindGroupLayout } from './camera-uniform';

export class ComputeKernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly cameraLayout: GPUBindGroupLayout | undefined;

  constructor(
    protected readonly device: GPUDevice,
    readonly label: string,
    shaderFile: string,
    bindings: BindingKind[],
    usesCamera: boolean,
    constants?: Record<string, number>,
  ) {
    this.layout = bindGroupLayout(device, `${label}.layout`, bindings);
    this.cameraLayout = usesCamera ? cameraBindGroupLayout(device) : undefined;
    const layouts = this.cameraLayout ? [this.cameraLayout, this.layout] : [this.layout];
    this.pipeline = computePipeline(device, label, shaderFile, layouts, constants);
  }

  /** Bind group of the kernel's buffers, in binding order. Recreate when a buffer is replaced. */
  bind(buffers: GPUBuffer[]): GPUBindGroup {
    return bindBuffers(this.device, `${this.label}.bindings`, this.layout, buffers);
  }

  /** Bind group of the camera uniform for this kernel's layout. */
  bindCamera(uniform: GPUBuffer): GPUBindGroup {
    if (!this.cameraLayout) throw new Error(`${this.label} takes no camera`);
    return bindBuffers(this.device, `${this.label}.camera`, this.cameraLayout, [uniform]);
  }

  private setGroups(pass: GPUComputePassEncoder, camera: GPUBindGroup | undefined, group: GPUBindGroup): void {
    pass.setPipeline(this.pipeline);
    if (this.cameraLayout) {
      if (!camera) throw new Error(`${this.label} needs the camera bind group`);
      pass.setBindGroup(0, camera);
      pass.setBindGroup(1, group);
    } else {
      pass.setBindGroup(0, group);
    }
  }

  /** One invocation per item, `workgroupSize` (the shader's) per workgroup, as a 2-D grid when large. */
  dispatchItems(pass: GPUComputePassEncoder, camera: GPUBindGroup | undefined, group: GPUBindGroup, items: number, workgroupSize = WG_SIZE): void {
    if (items <= 0) return;
    this.setGroups(pass, camera, group);
    dispatch1d(pass, items, workgroupSize);
  }

  /** A grid written on the GPU: three u32 at `offset` of `args` (INDIRECT usage). */
  dispatchIndirect(pass: GPUComputePassEncoder, camera: GPUBindGroup | undefined, group: GPUBindGroup, args: GPUBuffer, offset: number): void {
    this.setGroups(pass, camera, group);
    pass.dispatchWorkgroupsIndirect(args, offset);
  }

  dispatchGrid(pass: GPUComputePassEncoder, camera: GPUBindGroup | undefined, group: GPUBindGroup, x: number, y: number): void {
    if (x <= 0 || y <= 0) return;
    this.setGroups(pass, camera, group);
    pass.dispatchWorkgroups(x, y);
  }
}
