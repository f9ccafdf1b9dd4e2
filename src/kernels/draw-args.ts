/** Indirect draw arguments of the sorted-quad path from the depth-sorted keys (shaders/draw_args.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class DrawArgsKernel extends ComputeKernel {
  /** `splatVertices`: 3 (a triangle per splat) or 6 (a quad), as SplatQuadsKernel draws them. */
  constructor(device: GPUDevice, splatVertices: 3 | 6) {
    super(device, 'DrawArgs', 'draw_args.wgsl', ['read', 'rw'], true, { SPLAT_VERTICES: splatVertices });
  }

  /** sortedKeys [N] u32 ascending; args [4] u32 (STORAGE | INDIRECT). */
  bindAll(sortedKeys: GPUBuffer, args: GPUBuffer): GPUBindGroup {
    return this.bind([sortedKeys, args]);
  }
}
