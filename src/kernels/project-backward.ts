/**
 * Projection backward, three kernels run in this order: the per-splat reduction of the
 * rasterizer's partials (+ opacity logits, densification statistics), the SH colour backward
 * (initialises v_means with the view-direction term) and the geometry backward (adds the rest).
 */
import { ComputeKernel } from './compute-kernel';
import { PROJECTED_GRAD } from './layouts';

/** Bytes per splat of v_projected: one ProjectedGrad (v_xy, v_conic, v_opacity, v_rgb, padding). */
export const V_PROJECTED_BYTES = PROJECTED_GRAD.bytes;

export class ReduceIsectGradsKernel extends ComputeKernel {
  /** `copies`: partials per slot that add up to it (RasterizeBackwardKernel.copies). */
  constructor(device: GPUDevice, readonly copies = 1) {
    super(device, 'ProjectBackward.reduce', 'project_backward_reduce.wgsl', ['read', 'read', 'read', 'read', 'rw', 'rw', 'rw', 'read'], true, { ISECT_COPIES: copies });
  }

  /**
   * depthOrder [N]; offsets [N+1]; vIsect [count, copies] ProjectedGrad; projected [N]; vProjected [N]
   * ProjectedGrad; vOpacityLogits [N]; densify [N, 4]; isectCount [1] IsectCount (an overflowed frame is skipped).
   */
  bindAll(b: {
    depthOrder: GPUBuffer;
    offsets: GPUBuffer;
    vIsect: GPUBuffer;
    projected: GPUBuffer;
    vProjected: GPUBuffer;
    vOpacityLogits: GPUBuffer;
    densify: GPUBuffer;
    isectCount: GPUBuffer;
  }): GPUBindGroup {
    return this.bind([b.depthOrder, b.offsets, b.vIsect, b.projected, b.vProjected, b.vOpacityLogits, b.densify, b.isectCount]);
  }
}

export class ShBackwardKernel extends ComputeKernel {
  /**
   * Built for one active SH degree (0-3), the camera uniform's: the bands above it are not in the
   * pipeline, which a software adapter would run masked (shaders/common/sh.wgsl, SH_DEGREE).
   */
  constructor(device: GPUDevice, readonly shDegree: number) {
    if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > 3) throw new RangeError(`ShBackwardKernel: SH degree must be 0-3, got ${shDegree}`);
    super(device, `ProjectBackward.sh${shDegree}`, 'sh_backward.wgsl', ['read', 'read', 'read', 'read', 'rw', 'rw'], true, { SH_DEGREE: shDegree });
  }

  bindAll(b: { means: GPUBuffer; sh: GPUBuffer; projected: GPUBuffer; vProjected: GPUBuffer; vSh: GPUBuffer; vMeans: GPUBuffer }): GPUBindGroup {
    return this.bind([b.means, b.sh, b.projected, b.vProjected, b.vSh, b.vMeans]);
  }
}

export class GeometryBackwardKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'ProjectBackward.geometry', 'project_backward.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw', 'rw', 'rw'], true);
  }

  bindAll(b: { means: GPUBuffer; logScales: GPUBuffer; quats: GPUBuffer; projected: GPUBuffer; vProjected: GPUBuffer; vMeans: GPUBuffer; vLogScales: GPUBuffer; vQuats: GPUBuffer }): GPUBindGroup {
    return this.bind([b.means, b.logScales, b.quats, b.projected, b.vProjected, b.vMeans, b.vLogScales, b.vQuats]);
  }
}
