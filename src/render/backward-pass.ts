/**
 * Backward of the forward pass: from dL/dimage to dL/d every raw Gaussian parameter, plus the
 * densification statistics. Deterministic: partial gradients per (splat, tile) go to the
 * intersection's emission slot and are reduced per splat in slot order (see the header of
 * shaders/rasterize_backward.wgsl); no float atomics anywhere.
 * Must be encoded after ForwardPass.encode for the same frame (it reads that frame's buffers).
 */
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { BindGroupCache } from '../gpu/bind-group-cache';
import { tileGrid } from '../kernels/camera-uniform';
import { ISECT_GRAD_BYTES, type PartialSum, RasterizeBackwardKernel } from '../kernels/rasterize-backward';
import { GeometryBackwardKernel, ReduceIsectGradsKernel, ShBackwardKernel, V_PROJECTED_BYTES } from '../kernels/project-backward';
import type { ForwardPass } from './forward-pass';
import type { GaussianSet } from './gaussian-buffers';

/** Gradient buffers with the layout of GaussianBuffers. */
export interface GaussianGradients {
  vMeans: GPUBuffer; // [N, 3]
  vLogScales: GPUBuffer; // [N, 3]
  vQuats: GPUBuffer; // [N, 4]
  vOpacityLogits: GPUBuffer; // [N]
  vSh: GPUBuffer; // [N, K, 3]
  /** [N, 4] f32: sum of NDC mean-gradient norms, visible count, unused, unused. */
  densify: GPUBuffer;
}

export class BackwardPass {
  private readonly raster: RasterizeBackwardKernel;
  private readonly reduce: ReduceIsectGradsKernel;
  /** By active SH degree 0-3, built on first use (ShBackwardKernel: no code for the bands above). */
  private readonly shBwd: ShBackwardKernel[] = [];
  private readonly geom: GeometryBackwardKernel;
  private readonly cache = new BindGroupCache();
  private readonly vIsect: GrowableBuffer; // [capacity, copies] ProjectedGrad
  private readonly vProjected: GrowableBuffer; // [N] ProjectedGrad
  private readonly grads: { [K in keyof GaussianGradients]: GrowableBuffer };

  /** `partialSum`: the CPU shape's way of summing a tile's partials (default: the device's best). */
  constructor(
    private readonly device: GPUDevice,
    partialSum?: PartialSum,
  ) {
    this.raster = new RasterizeBackwardKernel(device, undefined, partialSum);
    this.reduce = new ReduceIsectGradsKernel(device, this.raster.copies);
    this.geom = new GeometryBackwardKernel(device);
    const g = (label: string) => new GrowableBuffer(device, `Backward.${label}`, STORAGE);
    this.vIsect = g('vIsect');
    this.vProjected = g('vProjected');
    this.grads = {
      vMeans: g('vMeans'),
      vLogScales: g('vLogScales'),
      vQuats: g('vQuats'),
      vOpacityLogits: g('vOpacityLogits'),
      vSh: g('vSh'),
      densify: g('densify'),
    };
  }

  /** The gradient buffers (valid after encode; replaced when the splat count grows). */
  get gradients(): GaussianGradients {
    const out = {} as GaussianGradients;
    for (const k of Object.keys(this.grads) as (keyof GaussianGradients)[]) out[k] = this.grads[k].buffer;
    return out;
  }

  /**
   * Writes densification statistics ([N, 4] f32, a restored training state) for the next
   * backward to add to; the buffer keeps them because encode only grows it for a larger N.
   */
  writeDensifyStats(stats: Float32Array): void {
    this.grads.densify.ensure(stats.byteLength);
    this.device.queue.writeBuffer(this.grads.densify.buffer, 0, stats.buffer, stats.byteOffset, stats.byteLength);
  }

  /** Zeroes the densification statistics (after a densification step). */
  clearDensifyStats(encoder: GPUCommandEncoder): void {
    encoder.clearBuffer(this.grads.densify.buffer);
  }

  private ensure(n: number, k: number, capacity: number): void {
    // Per-intersection storage is bounded by the binding limit: GrowableBuffer throws a clear
    // RangeError naming it rather than failing validation.
    this.vIsect.ensure(capacity * this.raster.copies * ISECT_GRAD_BYTES);
    this.vProjected.ensure(n * V_PROJECTED_BYTES);
    this.grads.vMeans.ensure(n * 12);
    this.grads.vLogScales.ensure(n * 12);
    this.grads.vQuats.ensure(n * 16);
    this.grads.vOpacityLogits.ensure(n * 4);
    this.grads.vSh.ensure(n * k * 12);
    // A grown statistics buffer starts from zero (createBuffer zero-fills); the trainer resets
    // the statistics after every topology change anyway.
    this.grads.densify.ensure(n * 16);
  }

  /** [N] ProjectedGrad by splat: the last encode's gradients of the projected splats (valid for splats with tiles). */
  get projectedGradients(): GPUBuffer {
    return this.vProjected.buffer;
  }

  /** Copies of each intersection's partial gradient (the rasterizer backward's shape). */
  get partialCopies(): number {
    return this.raster.copies;
  }

  /** Bytes of every per-intersection buffer the backward adds, for the benchmark report. */
  perIntersectionBytes(): number {
    return this.raster.copies * ISECT_GRAD_BYTES;
  }

  encode(encoder: GPUCommandEncoder, fwd: ForwardPass, gaussians: GaussianSet, vImage: GPUBuffer): void {
    const cam = fwd.lastCamera;
    const params = fwd.lastParams;
    if (!cam || !params) throw new Error('BackwardPass: encode the forward pass first');
    const n = gaussians.count;
    this.ensure(n, gaussians.shCoeffs, fwd.capacity);
    const c = this.cache;
    const u = fwd.uniform.buffer;
    const [tx, ty] = tileGrid(cam.width, cam.height);
    // One pass per kernel, so profiles (bench/pass-profiler.ts) see each one.
    let pass = encoder.beginComputePass({ label: 'Backward.rasterize' });

    const rb = {
      ranges: fwd.tileRanges.buffer,
      records: fwd.tileRecords.buffer,
      image: fwd.image.buffer,
      pixelState: fwd.pixelState.buffer,
      vImage,
      vIsect: this.vIsect.buffer,
    };
    this.raster.dispatchTiles(
      pass,
      c.get([this.raster, 'camera', u], () => this.raster.bindCamera(u)),
      c.get([this.raster, ...Object.values(rb)], () => this.raster.bindAll(rb)),
      tx,
      ty,
    );

    pass.end();
    pass = encoder.beginComputePass({ label: 'Backward.reduce' });
    const grads = this.gradients;
    const rd = {
      depthOrder: fwd.depthOrder,
      offsets: fwd.offsets.buffer,
      vIsect: this.vIsect.buffer,
      projected: fwd.projected.buffer,
      vProjected: this.vProjected.buffer,
      vOpacityLogits: grads.vOpacityLogits,
      densify: grads.densify,
      isectCount: fwd.isectCount,
    };
    this.reduce.dispatchItems(
      pass,
      c.get([this.reduce, 'camera', u], () => this.reduce.bindCamera(u)),
      c.get([this.reduce, ...Object.values(rd)], () => this.reduce.bindAll(rd)),
      n,
    );

    pass.end();
    pass = encoder.beginComputePass({ label: 'Backward.sh' });
    const sb = { means: gaussians.means, sh: gaussians.sh, projected: fwd.projected.buffer, vProjected: this.vProjected.buffer, vSh: grads.vSh, vMeans: grads.vMeans };
    const shBwd = (this.shBwd[params.shDegree] ??= new ShBackwardKernel(this.device, params.shDegree));
    shBwd.dispatchItems(
      pass,
      c.get([shBwd, 'camera', u], () => shBwd.bindCamera(u)),
      c.get([shBwd, ...Object.values(sb)], () => shBwd.bindAll(sb)),
      n,
    );

    pass.end();
    pass = encoder.beginComputePass({ label: 'Backward.geometry' });
    const gb = {
      means: gaussians.means,
      logScales: gaussians.logScales,
      quats: gaussians.quats,
      projected: fwd.projected.buffer,
      vProjected: this.vProjected.buffer,
      vMeans: grads.vMeans,
      vLogScales: grads.vLogScales,
      vQuats: grads.vQuats,
    };
    this.geom.dispatchItems(
      pass,
      c.get([this.geom, 'camera', u], () => this.geom.bindCamera(u)),
      c.get([this.geom, ...Object.values(gb)], () => this.geom.bindAll(gb)),
      n,
    );
    pass.end();
  }

  destroy(): void {
    this.vIsect.destroy();
    this.vProjected.destroy();
    for (const b of Object.values(this.grads)) b.destroy();
  }
}
