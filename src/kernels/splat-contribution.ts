/**
 * Per-splat blend weight of a view added to a total over views (shaders/splat_contribution.wgsl),
 * read from the backward's projected gradients under a unit red image gradient.
 */
import { ComputeKernel } from './compute-kernel';

export class SplatContributionKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'SplatContribution', 'splat_contribution.wgsl', ['read', 'read', 'rw'], true);
  }

  /** projected [N] ProjectedSplat; vProjected [N] ProjectedGrad; total [N] f32 (added to). */
  bindAll(b: { projected: GPUBuffer; vProjected: GPUBuffer; total: GPUBuffer }): GPUBindGroup {
    return this.bind([b.projected, b.vProjected, b.total]);
  }
}
