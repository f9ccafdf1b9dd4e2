/** Projection for the viewer's sorted quads (shaders/project_view.wgsl): raw Gaussians -> quads + depth keys. */
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { ComputeKernel } from './compute-kernel';

export interface ProjectViewBuffers {
  means: GPUBuffer; // [N, 3] f32
  logScales: GPUBuffer; // [N, 3] f32
  quats: GPUBuffer; // [N, 4] f32 wxyz
  opacityLogits: GPUBuffer; // [N] f32
  sh: GPUBuffer; // [N, K, 3] f32
  quads: GPUBuffer; // [N] SplatQuad out
  depthKeys: GPUBuffer; // [N] u32 out
  depthValues: GPUBuffer; // [N] u32 out: splat index | (triangles - 1) << 30
}

export class ProjectViewKernel extends ComputeKernel {
  constructor(device: GPUDevice, shapes: KernelShapes = kernelShapes(device)) {
    super(device, 'ProjectView', 'project_view.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], true, {
      EARLY_EXIT: shapes.earlyExit ? 1 : 0,
    });
  }

  bindAll(b: ProjectViewBuffers): GPUBindGroup {
    return this.bind([b.means, b.logScales, b.quats, b.opacityLogits, b.sh, b.quads, b.depthKeys, b.depthValues]);
  }
}
