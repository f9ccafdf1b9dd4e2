/** Gathers per-splat tile counts into depth order (shaders/gather_tile_counts.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class GatherTileCountsKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'GatherTileCounts', 'gather_tile_counts.wgsl', ['read', 'read', 'rw'], true);
  }

  /** projected [N], sortedValues [N] splat index front to back, counts [N] out. */
  bindAll(projected: GPUBuffer, sortedValues: GPUBuffer, counts: GPUBuffer): GPUBindGroup {
    return this.bind([projected, sortedValues, counts]);
  }
}
