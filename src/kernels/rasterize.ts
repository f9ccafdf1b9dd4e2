/**
 * Forward tile rasterizer (shaders/rasterize.wgsl): one workgroup of 32 invocations per 16x16
 * tile, 4 pixels of two rows each. (A CPU-adapter variant that visited only the pixels inside
 * each splat's alpha box, a seventh of the pairs, measured no faster on SwiftShader: its
 * per-pixel state had to live in private arrays. So did one holding a column block's 16 rows.)
 */
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

  /** Dispatches over a tiles_x by tiles_y grid of tiles. */
  dispatchTiles(pass: GPUComputePassEncoder, camera: GPUBindGroup, group: GPUBindGroup, tilesX: number, tilesY: number): void {
    this.dispatchGrid(pass, camera, group, tilesX, tilesY);
  }
}
