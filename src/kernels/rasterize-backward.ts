/**
 * Tile rasterizer backward: per-(splat, tile) partial gradients by emission slot, in one of two
 * shapes with the same bindings (src/gpu/kernel-shapes.ts): GPUs split a tile over 32 threads
 * that sum through workgroup memory (shaders/rasterize_backward.wgsl); CPU adapters give a tile
 * to 4 invocations and no workgroup memory (shaders/common/rasterize_backward_tile.wgsl). Those 4
 * combine their parts of a slot's partial in one of two ways: with the optional `subgroups`
 * feature, subgroupAdd sums them and one copy is written (rasterize_backward_tile_subgroup.wgsl);
 * without it, each writes its own copy and the reduction adds the 4
 * (rasterize_backward_tile.wgsl). On SwiftShader the subgroup form took 0.85x the training step
 * (the backward about 0.9x, the reduction about 0.4x; bench/README.md) and a quarter of the
 * partials' memory. Every form is deterministic; each sums in its own fixed order.
 */
import { ComputeKernel } from './compute-kernel';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { PROJECTED_GRAD } from './layouts';

/** Bytes of one copy of a slot's partial: one ProjectedGrad. */
export const ISECT_GRAD_BYTES = PROJECTED_GRAD.bytes;

/** Invocations per tile of the CPU shape (common/rasterize_backward_tile.wgsl TILE_LANES). */
const TILE_LANES = 4;

/** How the CPU shape's 4 invocations of a tile combine their parts of a slot's partial. */
export type PartialSum = 'copies' | 'subgroup';

/**
 * 'subgroup' where a tile's TILE_LANES invocations can sum with subgroupAdd: the device has
 * `subgroups` and its smallest subgroup holds a whole workgroup of them; else 'copies'.
 */
export function defaultPartialSum(device: GPUDevice): PartialSum {
  const info = (device as GPUDevice & { adapterInfo?: { subgroupMinSize?: number } }).adapterInfo;
  return device.features.has('subgroups') && (info?.subgroupMinSize ?? 0) >= TILE_LANES ? 'subgroup' : 'copies';
}

export interface RasterizeBackwardBuffers {
  ranges: GPUBuffer; // [tiles] vec2<u32>
  records: GPUBuffer; // [count] TileRecord in tile order
  image: GPUBuffer; // [H, W, 4] f32 forward output
  pixelState: GPUBuffer; // [H, W] vec2<u32>
  vImage: GPUBuffer; // [H, W, 4] f32 dL/dimage
  vIsect: GPUBuffer; // [capacity, copies] ProjectedGrad out
}

export class RasterizeBackwardKernel extends ComputeKernel {
  readonly perTile: boolean;
  /**
   * Copies of each slot's partial that add up to it: 4 where the CPU shape's invocations of a
   * tile each write their own (the reduction adds them in order), else 1.
   */
  readonly copies: number;

  /** `partialSum` applies to the CPU shape; 'subgroup' needs the device's `subgroups` feature. */
  constructor(device: GPUDevice, shapes: KernelShapes = kernelShapes(device), partialSum: PartialSum = defaultPartialSum(device)) {
    const perTile = shapes.kind === 'cpu';
    const subgroup = perTile && partialSum === 'subgroup';
    if (subgroup && !device.features.has('subgroups')) throw new Error('RasterizeBackward: the subgroup partial sum needs the subgroups feature');
    const shader = !perTile ? 'rasterize_backward.wgsl' : subgroup ? 'rasterize_backward_tile_subgroup.wgsl' : 'rasterize_backward_tile.wgsl';
    super(device, 'RasterizeBackward', shader, ['read', 'read', 'read', 'read', 'read', 'rw'], true);
    this.perTile = perTile;
    this.copies = perTile && !subgroup ? TILE_LANES : 1;
  }

  bindAll(b: RasterizeBackwardBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.records, b.image, b.pixelState, b.vImage, b.vIsect]);
  }

  /** Dispatches over a tiles_x by tiles_y grid of tiles. */
  dispatchTiles(pass: GPUComputePassEncoder, camera: GPUBindGroup, group: GPUBindGroup, tilesX: number, tilesY: number): void {
    if (this.perTile) this.dispatchItems(pass, camera, group, tilesX * tilesY * TILE_LANES, TILE_LANES);
    else this.dispatchGrid(pass, camera, group, tilesX, tilesY);
  }
}
