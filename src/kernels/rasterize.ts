/** Forward tile rasterizer (shaders/rasterize.wgsl): one workgroup per 16x16 tile, 4 pixels per invocation. */
import { ComputeKernel } from './compute-kernel';

export interface RasterizeBuffers {
  ranges: GPUBuffer; // [tiles] vec2<u32>
  records: GPUBuffer; // [count] TileRecord in tile order
  image: GPUBuffer; // [H, W, 4] f32 out
  pixelState: GPUBuffer; // [H, W] vec2<u32> out: final T bits, entries consumed
}

export class RasterizeKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'Rasterize', 'rasterize.wgsl', ['read', 'read', 'rw', 'rw'], true);
  }

  bindAll(b: RasterizeBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.records, b.image, b.pixelState]);
  }
}
