/** Tile rasterizer backward (shaders/rasterize_backward.wgsl): per-(splat, tile) partials. */
import { ComputeKernel } from './compute-kernel';

/** f32 per intersection slot: v_xy (2), v_conic (3), v_opacity, v_rgb (3). */
export const ISECT_GRAD_STRIDE = 9;

export interface RasterizeBackwardBuffers {
  ranges: GPUBuffer; // [tiles] vec2<u32>
  sortedSlots: GPUBuffer; // [count] u32
  isectSplats: GPUBuffer; // [capacity] u32 splat by slot
  projected: GPUBuffer; // [N] ProjectedSplat
  image: GPUBuffer; // [H, W, 4] f32 forward output
  pixelState: GPUBuffer; // [H, W] vec2<u32>
  vImage: GPUBuffer; // [H, W, 4] f32 dL/dimage
  vIsect: GPUBuffer; // [capacity, 9] f32 out
}

export class RasterizeBackwardKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'RasterizeBackward', 'rasterize_backward.wgsl', ['read', 'read', 'read', 'read', 'read', 'read', 'read', 'rw'], true);
  }

  bindAll(b: RasterizeBackwardBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.sortedSlots, b.isectSplats, b.projected, b.image, b.pixelState, b.vImage, b.vIsect]);
  }
}
