/** Forward tile rasterizer (shaders/rasterize.wgsl): one workgroup per 16x16 tile. */
import { ComputeKernel } from './compute-kernel';

export interface RasterizeBuffers {
  ranges: GPUBuffer; // [tiles] vec2<u32>
  isectSplats: GPUBuffer; // [count] u32 splat index, tile-sorted
  projected: GPUBuffer; // [N] ProjectedSplat
  image: GPUBuffer; // [H, W, 4] f32 out
  finalT: GPUBuffer; // [H, W] f32 out
  nContrib: GPUBuffer; // [H, W] u32 out
}

export class RasterizeKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize', 'rasterize.wgsl', ['read', 'read', 'read', 'rw', 'rw', 'rw'], true);
  }

  bindAll(b: RasterizeBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.isectSplats, b.projected, b.image, b.finalT, b.nContrib]);
  }
}
