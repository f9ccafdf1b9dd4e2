/**
 * Image loss on the GPU: (1 - lambda) * L1 + lambda * (1 - SSIM) with lambda = 0.2 by default, its
 * gradient by the rendered image, and MSE / PSNR, all means over the 3 colour channels and all
 * pixels (../shared/docs/decisions.md "loss"; 3dgs-reference.md section 4).
 *
 * Six kernels, each one WGSL file: ssim_blur_h (row filter of the five SSIM moments),
 * ssim_map (column filter, SSIM map, its local derivatives, per-pixel sums), loss_reduce_chunks
 * and loss_reduce (stats), ssim_backward_h and loss_backward (the adjoint filter and the final
 * v_image). The separable 11 x 11 window runs as two 11-tap passes through W*H-sized scratch
 * planes of one vec4 (RGB) per pixel, so a tap is one load (common/ssim.wgsl).
 *
 * On CPU adapters (KernelShapes.lossStrips) the four filtering kernels are their *_strip.wgsl
 * forms: one invocation per strip of LOSS_STRIP pixels along the filter direction, the window
 * unrolled (common/ssim_strip.wgsl), the same sums in the same order, so the same bits.
 *
 * Scratch: 12 vec4 per pixel (momentsH 5 planes, vSsim and vSsimH 3 each, pixel sums 1); the
 * largest buffer, 80 bytes per pixel, fits WebGPU's default 128 MiB storage binding up to about
 * 1.6 Mpx; larger images need the adapter's raised limit (src/gpu/device.ts asks for its maximum),
 * else GrowableBuffer throws naming the limit.
 *
 * The image is not clamped here: a trainer that wants the loss on a [0, 1] image clamps first.
 * Sums run in a fixed order (chunks in index order, then the chunk sums in order), so results are
 * bit-identical from run to run. No kernel uses workgroup memory.
 */
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { GrowableBuffer, readF32 } from '../gpu/buffers';
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';
import { type FieldsOf, UniformStruct, wordOffsets } from '../gpu/struct-layout';
import { ComputeKernel } from './compute-kernel';
import { LOSS_PARAMS, LOSS_STATS_STRUCT } from './layouts';

const ssimConstants = parseWgslConstants(SHADER_SOURCES.get('common/ssim.wgsl') ?? '');
function ssimConst(name: string): number {
  const v = ssimConstants[name];
  if (!(v > 0)) throw new Error(`shaders/common/ssim.wgsl lacks const ${name}`);
  return v;
}
/** Side of the square workgroups of the per-pixel loss kernels (shaders/common/ssim.wgsl). */
export const LOSS_WG = ssimConst('LOSS_WG');
/** Pixels per chunk of the first reduction level, and that level's workgroup size. */
const LOSS_CHUNK = ssimConst('LOSS_CHUNK');
const LOSS_REDUCE_WG = ssimConst('LOSS_REDUCE_WG');
/** Workgroup size of the *_strip.wgsl kernels, dispatched as 1-D work over their strips. */
const LOSS_STRIP_WG = ssimConst('LOSS_STRIP_WG');
/** vec4 planes of the scratch buffers. */
const MOMENT_PLANES = ssimConst('MOMENT_PLANES');
const GRADIENT_PLANES = ssimConst('GRADIENT_PLANES');
/** Pixels one invocation of a *_strip.wgsl kernel filters (common/ssim_strip.wgsl). */
export const LOSS_STRIP = parseWgslConstants(SHADER_SOURCES.get('common/ssim_strip.wgsl') ?? '').LOSS_STRIP;
if (!(LOSS_STRIP > 0)) throw new Error('shaders/common/ssim_strip.wgsl lacks const LOSS_STRIP');

export interface ImageLossOptions {
  /** lambda, the weight of (1 - SSIM); L1 gets 1 - lambda. Default 0.2 (3DGS). */
  ssimWeight?: number;
  /** Kernel shapes; default: the device's adapter class (src/gpu/kernel-shapes.ts). */
  shapes?: KernelShapes;
}

export interface LossStats {
  loss: number;
  l1: number;
  ssim: number;
  mse: number;
  /** dB for a data range of 1; identical images give 100 (MSE floored at 1e-10). */
  psnr: number;
}

/** Float offsets in `statsBuffer` (one LossStats, common/ssim.wgsl), and its size in floats. */
export const LOSS_STATS = { ...wordOffsets(LOSS_STATS_STRUCT), floats: LOSS_STATS_STRUCT.words } as const;

const USAGE_STORAGE = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC

/**
 * Dispatches one filtering kernel of the loss over a width x height image, an invocation covering
 * `strip.x` pixels along x or `strip.y` along y: per-pixel kernels (1 x 1) as LOSS_WG x LOSS_WG
 * workgroups over the image; strip kernels as 1-D work over the strips, LOSS_STRIP_WG a workgroup
 * (a 2-D grid of strips left up to a quarter of their invocations past the image edge, which a
 * software adapter runs masked at about full cost; shaders/common/ssim.wgsl).
 */
export function dispatchLossKernel(kernel: ComputeKernel, pass: GPUComputePassEncoder, group: GPUBindGroup, width: number, height: number, strip: { x: number; y: number }): void {
  if (strip.x > 1) kernel.dispatchItems(pass, undefined, group, height * Math.ceil(width / strip.x), LOSS_STRIP_WG);
  else if (strip.y > 1) kernel.dispatchItems(pass, undefined, group, width * Math.ceil(height / strip.y), LOSS_STRIP_WG);
  else kernel.dispatchGrid(pass, undefined, group, Math.ceil(width / LOSS_WG), Math.ceil(height / LOSS_WG));
}

export class ImageLoss {
  /** [LOSS_STATS.floats] f32: loss, l1, ssim, mse, psnr, lambda, W*H, 0. Written by encode / encodeMetrics. */
  readonly statsBuffer: GPUBuffer;
  readonly ssimWeight: number;

  private readonly blurH: ComputeKernel;
  private readonly map: ComputeKernel;
  private readonly reduceChunks: ComputeKernel;
  private readonly reduce: ComputeKernel;
  private readonly backwardH: ComputeKernel;
  private readonly backward: ComputeKernel;
  private readonly params: UniformStruct<FieldsOf<typeof LOSS_PARAMS>>;
  private readonly momentsH: GrowableBuffer;
  private readonly vSsim: GrowableBuffer;
  private readonly vSsimH: GrowableBuffer;
  private readonly pixelSums: GrowableBuffer;
  private readonly chunkSums: GrowableBuffer;
  private ownedTarget: GrowableBuffer | undefined;
  private target: GPUBuffer | undefined;
  private width = 0;
  private height = 0;
  private readonly groups = new BindGroupCache();
  /** Pixels per invocation along each filter direction: LOSS_STRIP with the strip kernels, else 1. */
  private readonly strip: number;

  constructor(private readonly device: GPUDevice, opts: ImageLossOptions = {}) {
    const lambda = opts.ssimWeight ?? 0.2;
    if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`ImageLoss: ssimWeight must be in [0, 1], got ${lambda}`);
    this.ssimWeight = lambda;
    const strips = (opts.shapes ?? kernelShapes(device)).lossStrips;
    this.strip = strips ? LOSS_STRIP : 1;
    const file = (name: string) => `${name}${strips ? '_strip' : ''}.wgsl`;
    this.blurH = new ComputeKernel(device, 'ImageLoss.blurH', file('ssim_blur_h'), ['uniform', 'read', 'read', 'rw'], false);
    this.map = new ComputeKernel(device, 'ImageLoss.map', file('ssim_map'), ['uniform', 'read', 'read', 'read', 'rw', 'rw'], false);
    this.reduceChunks = new ComputeKernel(device, 'ImageLoss.reduceChunks', 'loss_reduce_chunks.wgsl', ['uniform', 'read', 'rw'], false);
    this.reduce = new ComputeKernel(device, 'ImageLoss.reduce', 'loss_reduce.wgsl', ['uniform', 'read', 'rw'], false);
    this.backwardH = new ComputeKernel(device, 'ImageLoss.backwardH', file('ssim_backward_h'), ['uniform', 'read', 'rw'], false);
    this.backward = new ComputeKernel(device, 'ImageLoss.backward', file('loss_backward'), ['uniform', 'read', 'read', 'read', 'rw'], false);
    this.params = new UniformStruct(device, 'ImageLoss.params', LOSS_PARAMS);
    this.statsBuffer = device.createBuffer({ label: 'ImageLoss.stats', size: LOSS_STATS.floats * 4, usage: USAGE_STORAGE });
    this.momentsH = new GrowableBuffer(device, 'ImageLoss.momentsH', USAGE_STORAGE);
    this.vSsim = new GrowableBuffer(device, 'ImageLoss.vSsim', USAGE_STORAGE);
    this.vSsimH = new GrowableBuffer(device, 'ImageLoss.vSsimH', USAGE_STORAGE);
    this.pixelSums = new GrowableBuffer(device, 'ImageLoss.pixelSums', USAGE_STORAGE);
    this.chunkSums = new GrowableBuffer(device, 'ImageLoss.chunkSums', USAGE_STORAGE);
  }

  /**
   * Sets the target image [H, W, 4] f32 RGBA (alpha unused): a Float32Array is copied into a
   * buffer owned here; a GPUBuffer is used as is (keep one per view to upload each view once).
   * Goes through queue writes, so it applies to command buffers submitted after this call: submit
   * the work of one target before setting the next.
   */
  setTarget(target: Float32Array | GPUBuffer, width: number, height: number): void {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new RangeError(`ImageLoss.setTarget: image size must be positive integers, got ${width} x ${height}`);
    }
    const bytes = width * height * 16;
    if (target instanceof Float32Array) {
      if (target.length !== width * height * 4) {
        throw new RangeError(`ImageLoss.setTarget: target has ${target.length} floats, expected ${width} x ${height} x 4 = ${width * height * 4}`);
      }
      this.ownedTarget ??= new GrowableBuffer(this.device, 'ImageLoss.target', USAGE_STORAGE, bytes);
      this.ownedTarget.ensure(bytes);
      this.device.queue.writeBuffer(this.ownedTarget.buffer, 0, target.buffer, target.byteOffset, target.byteLength);
      this.target = this.ownedTarget.buffer;
    } else {
      if (target.size < bytes) {
        throw new RangeError(`ImageLoss.setTarget: target buffer '${target.label}' has ${target.size} bytes, a ${width} x ${height} RGBA f32 image needs ${bytes}`);
      }
      this.target = target;
    }
    this.width = width;
    this.height = height;
    const n = width * height;
    this.momentsH.ensure(MOMENT_PLANES * n * 16);
    this.vSsim.ensure(GRADIENT_PLANES * n * 16);
    this.vSsimH.ensure(GRADIENT_PLANES * n * 16);
    this.pixelSums.ensure(n * 16);
    this.chunkSums.ensure(Math.ceil(n / LOSS_CHUNK) * 16);
    this.params.write({ width, height, ssim_weight: this.ssimWeight, inv_count: 1 / (3 * n) });
  }

  /**
   * Records the loss forward and backward: reads `image` [H, W, 4] f32, writes dLoss/dimage into
   * `vImage` [H, W, 4] f32 (alpha 0) and the stats into `statsBuffer`. No readback.
   */
  encode(encoder: GPUCommandEncoder, image: GPUBuffer, vImage: GPUBuffer): void {
    const target = this.checkImage(image, 'encode');
    if (vImage.size < this.width * this.height * 16) {
      throw new RangeError(`ImageLoss.encode: vImage buffer '${vImage.label}' has ${vImage.size} bytes, needs ${this.width * this.height * 16}`);
    }
    const pass = encoder.beginComputePass({ label: 'ImageLoss' });
    this.encodeForward(pass, image, target);
    const backwardH = this.groups.get(['backwardH', this.params.buffer, this.vSsim.buffer, this.vSsimH.buffer], () =>
      this.backwardH.bind([this.params.buffer, this.vSsim.buffer, this.vSsimH.buffer]),
    );
    this.dispatchRows(this.backwardH, pass, backwardH);
    const backward = this.groups.get(['backward', this.params.buffer, this.vSsimH.buffer, image, target, vImage], () =>
      this.backward.bind([this.params.buffer, this.vSsimH.buffer, image, target, vImage]),
    );
    this.dispatchColumns(this.backward, pass, backward);
    pass.end();
  }

  /** Records the metrics only (no gradient): the same stats as `encode`, into `statsBuffer`. */
  encodeMetrics(encoder: GPUCommandEncoder, image: GPUBuffer): void {
    const target = this.checkImage(image, 'encodeMetrics');
    const pass = encoder.beginComputePass({ label: 'ImageLoss.metrics' });
    this.encodeForward(pass, image, target);
    pass.end();
  }

  /** Reads the stats written by the last submitted encode / encodeMetrics. */
  async readStats(): Promise<LossStats> {
    const s = await readF32(this.device, this.statsBuffer, LOSS_STATS.floats);
    return { loss: s[LOSS_STATS.loss], l1: s[LOSS_STATS.l1], ssim: s[LOSS_STATS.ssim], mse: s[LOSS_STATS.mse], psnr: s[LOSS_STATS.psnr] };
  }

  /** Bytes of the scratch buffers by name (capacity, grown by doubling), for benchmarks. */
  scratchBytes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const b of [this.momentsH, this.vSsim, this.vSsimH, this.pixelSums, this.chunkSums, this.ownedTarget]) if (b) out[b.label] = b.capacity;
    return out;
  }

  destroy(): void {
    this.params.destroy();
    this.statsBuffer.destroy();
    this.momentsH.destroy();
    this.vSsim.destroy();
    this.vSsimH.destroy();
    this.pixelSums.destroy();
    this.chunkSums.destroy();
    this.ownedTarget?.destroy();
    this.target = undefined;
  }

  private encodeForward(pass: GPUComputePassEncoder, image: GPUBuffer, target: GPUBuffer): void {
    const blurH = this.groups.get(['blurH', this.params.buffer, image, target, this.momentsH.buffer], () =>
      this.blurH.bind([this.params.buffer, image, target, this.momentsH.buffer]),
    );
    this.dispatchRows(this.blurH, pass, blurH);
    const mapBuffers = [this.params.buffer, this.momentsH.buffer, image, target, this.vSsim.buffer, this.pixelSums.buffer];
    const map = this.groups.get(['map', ...mapBuffers], () => this.map.bind(mapBuffers));
    this.dispatchColumns(this.map, pass, map);
    const chunks = this.groups.get(['chunks', this.params.buffer, this.pixelSums.buffer, this.chunkSums.buffer], () =>
      this.reduceChunks.bind([this.params.buffer, this.pixelSums.buffer, this.chunkSums.buffer]),
    );
    this.reduceChunks.dispatchItems(pass, undefined, chunks, Math.ceil((this.width * this.height) / LOSS_CHUNK), LOSS_REDUCE_WG);
    const reduce = this.groups.get(['reduce', this.params.buffer, this.chunkSums.buffer, this.statsBuffer], () =>
      this.reduce.bind([this.params.buffer, this.chunkSums.buffer, this.statsBuffer]),
    );
    this.reduce.dispatchGrid(pass, undefined, reduce, 1, 1);
  }

  private checkImage(image: GPUBuffer, what: string): GPUBuffer {
    if (!this.target) throw new Error(`ImageLoss.${what}: call setTarget first`);
    if (image.size < this.width * this.height * 16) {
      throw new RangeError(`ImageLoss.${what}: image buffer '${image.label}' has ${image.size} bytes, a ${this.width} x ${this.height} RGBA f32 image needs ${this.width * this.height * 16}`);
    }
    return this.target;
  }

  private dispatchRows(kernel: ComputeKernel, pass: GPUComputePassEncoder, group: GPUBindGroup): void {
    dispatchLossKernel(kernel, pass, group, this.width, this.height, { x: this.strip, y: 1 });
  }

  private dispatchColumns(kernel: ComputeKernel, pass: GPUComputePassEncoder, group: GPUBindGroup): void {
    dispatchLossKernel(kernel, pass, group, this.width, this.height, { x: 1, y: this.strip });
  }
}
