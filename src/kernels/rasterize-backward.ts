/**
 * Tile rasterizer backward: per-(splat, tile) partial gradients by emission slot, in one of two
 * shapes with the same bindings (src/gpu/kernel-shapes.ts): GPUs split a tile over 32 threads
 * that sum through workgroup memory (shaders/rasterize_backward.wgsl); CPU adapters give a tile
 * to 4 invocations, each with its own copy of the partials, and no workgroup memory
 * (shaders/rasterize_backward_tile.wgsl). Both are deterministic; they sum in different fixed
 * orders.
 */
import { ComputeKernel } from './compute-kernel';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { PROJECTED_GRAD } from './layouts';

/** Bytes of one copy of a slot's partial: one ProjectedGrad. */
export const ISECT_GRAD_BYTES = PROJECTED_GRAD.bytes;

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
   * Copies of each slot's partial that add up to it: the CPU shape gives each of a tile's 4
   * invocations its own copy (no cross-invocation sum); the reduction adds them in order.
   */
  readonly copies: number;

  constructor(device: GPUDevice, shapes: KernelShapes = kernelShapes(device)) {
    const perTile = shapes.kind === 'cpu';
    super(device, 'RasterizeBackward', perTile ? 'rasterize_backward_tile.wgsl' : 'rasterize_backward.wgsl', ['read', 'read', 'read', 'read', 'read', 'rw'], true);
    this.perTile = perTile;
    this.copies = perTile ? 4 : 1;
  }

  bindAll(b: RasterizeBackwardBuffers): GPUBindGroup {
    return this.bind([b.ranges, b.records, b.image, b.pixelState, b.vImage, b.vIsect]);
  }

  /** Dispatches over a tiles_x by tiles_y grid of tiles. */
  dispatchTiles(pass: GPUComputePassEncoder, camera: GPUBindGroup, group: GPUBindGroup, tilesX: number, tilesY: number): void {
    if (this.perTile) this.dispatchItems(pass, camera, group, tilesX * tilesY * this.copies, this.copies);
    else this.dispatchGrid(pass, camera, group, tilesX, tilesY);
  }
}
