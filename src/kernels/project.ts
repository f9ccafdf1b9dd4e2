/** Projection forward (shaders/project.wgsl): raw Gaussians -> projected records + depth keys. */
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { ComputeKernel } from './compute-kernel';

export interface ProjectBuffers {
  means: GPUBuffer; // [N, 3] f32
  logScales: GPUBuffer; // [N, 3] f32
  quats: GPUBuffer; // [N, 4] f32 wxyz
  opacityLogits: GPUBuffer; // [N] f32
  sh: GPUBuffer; // [N, K, 3] f32
  projected: GPUBuffer; // [N] ProjectedSplat (48 B)
  depthKeys: GPUBuffer; // [N] u32
  depthValues: GPUBuffer; // [N] u32
}

export class ProjectKernel extends ComputeKernel {
  constructor(device: GPUDevice, shapes: KernelShapes = kernelShapes(device)) {
    super(device, 'Project', 'project.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], true, {
      EARLY_EXIT: shapes.earlyExit ? 1 : 0,
    });
  }

  bindAll(b: ProjectBuffers): GPUBindGroup {
    return this.bind([b.means, b.logScales, b.quats, b.opacityLogits, b.sh, b.projected, b.depthKeys, b.depthValues]);
  }
}
