/**
 * The triangle table and indirect draw arguments of the sorted-splat draw on CPU adapters
 * (shaders/polygon_table.wgsl): one workgroup after the depth sort; each visible splat, back to
 * front, gets 1, 2 or 4 triangles (chosen by the projection and carried in its sort value).
 */
import { ComputeKernel } from './compute-kernel';

export class PolygonTableKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'PolygonTable', 'polygon_table.wgsl', ['read', 'read', 'rw', 'rw'], true);
  }

  /**
   * sortedKeys [N] u32 ascending; order [N] u32 sort values nearest first (splat index and
   * triangles, project_view.wgsl); table [4N] u32 out; args [8] u32 out (STORAGE | INDIRECT:
   * draw arguments, visible, triangles).
   */
  bindAll(sortedKeys: GPUBuffer, order: GPUBuffer, table: GPUBuffer, args: GPUBuffer): GPUBindGroup {
    return this.bind([sortedKeys, order, table, args]);
  }
}
