/** Writes one (tile, splat) record per tile a splat touches (shaders/emit_intersections.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class EmitIntersectionsKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'EmitIntersections', 'emit_intersections.wgsl', ['read', 'read', 'read', 'rw', 'rw', 'rw'], true);
  }

  /**
   * projected [N]; sortedValues [N]; offsets [N + 1] exclusive scan; isectTiles/isectSplats
   * [capacity] (capacity = binding size / 4); isectCount [2] = true total, clamped total.
   */
  bindAll(projected: GPUBuffer, sortedValues: GPUBuffer, offsets: GPUBuffer, isectTiles: GPUBuffer, isectSplats: GPUBuffer, isectCount: GPUBuffer): GPUBindGroup {
    return this.bind([projected, sortedValues, offsets, isectTiles, isectSplats, isectCount]);
  }
}
