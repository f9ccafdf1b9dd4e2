/** Per-tile [start, end) of the tile-sorted intersection list (shaders/tile_ranges.wgsl). */
import { ComputeKernel } from './compute-kernel';

export class TileRangesKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'TileRanges', 'tile_ranges.wgsl', ['read', 'read', 'rw'], false);
  }

  /** sortedTiles [count]; isectCount [2]; ranges [tiles] vec2<u32>, cleared by the caller. */
  bindAll(sortedTiles: GPUBuffer, isectCount: GPUBuffer, ranges: GPUBuffer): GPUBindGroup {
    return this.bind([sortedTiles, isectCount, ranges]);
  }
}
