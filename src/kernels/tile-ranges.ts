/**
 * Tile lists (shaders/tile_ranges.wgsl): per-tile [start, end) of the tile-sorted intersection
 * list, and every entry's TileRecord gathered in tile order for the rasterizer and its backward.
 */
import { ComputeKernel } from './compute-kernel';
import { TILE_RECORD } from './layouts';

/** Bytes of one TileRecord (shaders/common/tile_record.wgsl). */
export const TILE_RECORD_BYTES = TILE_RECORD.bytes;

export interface TileRangesBuffers {
  sortedTiles: GPUBuffer; // [count] u32 tile id, ascending
  sortedSlots: GPUBuffer; // [count] u32 emission slot, tile-sorted
  isectSplats: GPUBuffer; // [capacity] u32 splat index by slot
  projected: GPUBuffer; // [N] ProjectedSplat
  isectCount: GPUBuffer; // [1] IsectCount (ISECT_COUNT): totals and the indirect grid over the kept records
  ranges: GPUBuffer; // [tiles] vec2<u32> out, cleared by the caller
  records: GPUBuffer; // [count] TileRecord out
}

export class TileRangesKernel extends ComputeKernel {
  constructor(device: GPUDevice) {
    super(device, 'TileRanges', 'tile_ranges.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw', 'rw'], false);
  }

  bindAll(b: TileRangesBuffers): GPUBindGroup {
    return this.bind([b.sortedTiles, b.sortedSlots, b.isectSplats, b.projected, b.isectCount, b.ranges, b.records]);
  }
}
