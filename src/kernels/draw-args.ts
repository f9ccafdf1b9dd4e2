/** Indirect draw arguments of the sorted-quad path from the depth-sorted keys (shaders/draw_args.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class DrawArgsKernel extends ComputeKernel {
  /** A quad per visible splat (GPUs); CPU adapters take their arguments from PolygonTableKernel. */
  constructor(device: GPUDevice) {
    super(device, 'DrawArgs', 'draw_args.wgsl', ['read', 'rw'], true);
  }

  /** sortedKeys [N] u32 ascending; args [8] u32 (STORAGE | INDIRECT): draw arguments, visible count, triangles. */
  bindAll(sortedKeys: GPUBuffer, args: GPUBuffer): GPUBindGroup {
    return this.bind([sortedKeys, args]);
  }
}
