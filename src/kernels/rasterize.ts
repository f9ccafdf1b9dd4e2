/** Forward tile rasterizer (shaders/rasterize.wgsl): one workgroup per 16x16 tile. */
import { ComputeKernel } from './compute-kernel';

export interface RasterizeBuffers {
  ranges: GPUBuffer; // [tiles] vec2<u32>
  sortedSlots: GPUBuffer; // [count] u32 emission slot, tile-sorted
  isectSplats: GPUBuffer; // [capacity] u32 splat index by slot
  projected: GPUBuffer; // [N] ProjectedSplat
  image: GPUBuffer; // [H, W, 4] f32 out
  pixelState: GPUBuffer; // [H, W] vec2<u32> out: final T bits, entries consumed
}

export class RasterizeKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize', 'rasterize.wgsl', ['read', 'read', 'read', 'read', 'rw', 'rw'], true);
  }

  bindAll(b: RasterizeBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.sortedSlots, b.isectSplats, b.projected, b.image, b.pixelState]);
  }
}
