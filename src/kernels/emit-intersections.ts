/** Writes one (tile, splat) record per tile a splat touches (shaders/emit_intersections.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class EmitIntersectionsKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'EmitIntersections', 'emit_intersections.wgsl', ['read', 'read', 'read', 'rw', 'rw', 'rw', 'rw'], true);
  }

  /**
   * projected [N]; sortedValues [N]; offsets [N + 1] exclusive scan; isectTiles, isectSlots,
   * isectSplats [capacity] by slot (capacity = binding size / 4); isectCount [1] IsectCount out
   * (ISECT_COUNT: true total, kept total, indirect grid).
   */
  bindAll(b: { projected: GPUBuffer; sortedValues: GPUBuffer; offsets: GPUBuffer; isectTiles: GPUBuffer; isectSlots: GPUBuffer; isectSplats: GPUBuffer; isectCount: GPUBuffer }): GPUBindGroup {
    return this.bind([b.projected, b.sortedValues, b.offsets, b.isectTiles, b.isectSlots, b.isectSplats, b.isectCount]);
  }
}
