/**
 * Area-average downsampling of an RGBA f32 image on the GPU (shaders/downsample.wgsl): the
 * coarse-to-fine schedule's training targets, made from the full-size target already on the GPU.
 */
import { BindGroupCache } from '../gpu/bind-group-cache';
import { type FieldsOf, UniformStruct } from '../gpu/struct-layout';
import { ComputeKernel } from './compute-kernel';
import { DOWNSAMPLE_PARAMS } from './layouts';

const DOWNSAMPLE_WG = 256;

export interface DownsampleArgs {
  /** [srcHeight, srcWidth, 4] f32. */
  src: GPUBuffer;
  srcWidth: number;
  srcHeight: number;
  /** [dstHeight, dstWidth, 4] f32 out. */
  dst: GPUBuffer;
  dstWidth: number;
  dstHeight: number;
}

export class DownsampleKernel extends ComputeKernel {
  private readonly params: UniformStruct<FieldsOf<typeof DOWNSAMPLE_PARAMS>>;
  private readonly groups = new BindGroupCache();

  constructor(device: GPUDevice) {
    super(device, 'Downsample', DOWNSAMPLE_PARAMS.file, ['uniform', 'read', 'rw'], false);
    this.params = new UniformStruct(device, 'Downsample.params', DOWNSAMPLE_PARAMS);
  }

  /**
   * Records one downsample. The parameters go through a queue write at record time, so record
   * at most one per submit.
   */
  encode(pass: GPUComputePassEncoder, a: DownsampleArgs): void {
    const ok = (v: number) => Number.isInteger(v) && v >= 1;
    if (![a.srcWidth, a.srcHeight, a.dstWidth, a.dstHeight].every(ok) || a.dstWidth > a.srcWidth || a.dstHeight > a.srcHeight) {
      throw new RangeError(`Downsample: ${a.dstWidth}x${a.dstHeight} is no downsample of ${a.srcWidth}x${a.srcHeight}`);
    }
    // Positions in the shader's integer units reach src * dst: they must fit a u32.
    if (a.srcWidth * a.dstWidth >= 2 ** 32 || a.srcHeight * a.dstHeight >= 2 ** 32) throw new RangeError(`Downsample: ${a.srcWidth}x${a.srcHeight} is too large`);
    if (a.src.size < a.srcWidth * a.srcHeight * 16) throw new RangeError(`Downsample: source '${a.src.label}' holds ${a.src.size} bytes, need ${a.srcWidth * a.srcHeight * 16}`);
    if (a.dst.size < a.dstWidth * a.dstHeight * 16) throw new RangeError(`Downsample: output '${a.dst.label}' holds ${a.dst.size} bytes, need ${a.dstWidth * a.dstHeight * 16}`);
    this.params.write({ src_w: a.srcWidth, src_h: a.srcHeight, dst_w: a.dstWidth, dst_h: a.dstHeight });
    const group = this.groups.get([a.src, a.dst], () => this.bind([this.params.buffer, a.src, a.dst]));
    this.dispatchItems(pass, undefined, group, a.dstWidth * a.dstHeight, DOWNSAMPLE_WG);
  }

  destroy(): void {
    this.params.destroy();
  }
}
