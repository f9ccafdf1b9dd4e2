/** Projection forward (shaders/project.wgsl): raw Gaussians -> projected records + depth keys. */
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';
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

/** SH_DEGREE of shaders/common/sh.wgsl that reads the active degree from the camera at run time. */
export const SH_DEGREE_ANY = parseWgslConstants(SHADER_SOURCES.get('common/sh.wgsl') ?? '').SH_DEGREE_ANY;
if (SH_DEGREE_ANY !== 4) throw new Error(`shaders/common/sh.wgsl: SH_DEGREE_ANY must be 4 (degrees 0-3 name pipelines), got ${SH_DEGREE_ANY}`);

export class ProjectKernel extends ComputeKernel {
  /**
   * `shDegree` 0-3 builds the pipeline for that active degree (the camera uniform's must match):
   * the bands above it are not in it, which a software adapter would run masked (0.58x the time at
   * degree 0 on SwiftShader). SH_DEGREE_ANY takes the camera's at run time.
   */
  constructor(device: GPUDevice, shapes: KernelShapes = kernelShapes(device), readonly shDegree = SH_DEGREE_ANY) {
    if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > SH_DEGREE_ANY) throw new RangeError(`ProjectKernel: SH degree must be 0-${SH_DEGREE_ANY}, got ${shDegree}`);
    super(device, shDegree === SH_DEGREE_ANY ? 'Project' : `Project.sh${shDegree}`, 'project.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], true, {
      EARLY_EXIT: shapes.earlyExit ? 1 : 0,
      SH_DEGREE: shDegree,
    });
  }

  bindAll(b: ProjectBuffers): GPUBindGroup {
    return this.bind([b.means, b.logScales, b.quats, b.opacityLogits, b.sh, b.projected, b.depthKeys, b.depthValues]);
  }
}
