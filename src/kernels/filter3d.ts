/**
 * Mip-Splatting's 3D smoothing filter (shaders/filter3d_*.wgsl, common/filter3d.wgsl): the
 * per-splat filter size from the training cameras (rates + fill), the filtered parameters the
 * renderer draws (apply), and the chain rule back to the raw ones (backward).
 */
import { bindBuffers, bindGroupLayout, computePipeline } from '../gpu/pipeline';
import { dispatch1d } from '../gpu/dispatch';
import { BindGroupCache } from '../gpu/bind-group-cache';
import type { Camera } from '../io/camera';
import { DEFAULT_NEAR } from '../io/camera';
import { packStruct } from '../gpu/struct-layout';
import { FILTER_CAMERA } from './layouts';
import { worldToCameraFields } from './camera-uniform';

const WG = 64;

/** Packs training cameras as [V] FilterCamera records (common/filter3d.wgsl; one zero record when V = 0). */
export function packFilterCameras(cameras: readonly Camera[]): Uint8Array {
  const out = new ArrayBuffer(Math.max(cameras.length, 1) * FILTER_CAMERA.bytes);
  cameras.forEach((c, k) => {
    const fields = { ...worldToCameraFields(c), intrinsics: [c.fx, c.fy, c.cx, c.cy], size_near: [c.width, c.height, c.near ?? DEFAULT_NEAR] };
    packStruct(FILTER_CAMERA, fields, out, k * FILTER_CAMERA.bytes);
  });
  return new Uint8Array(out);
}

export interface Filter3dBuffers {
  /** [1] uniform Filter3dParams (FILTER3D_PARAMS): count, cameras. */
  params: GPUBuffer;
  cameras: GPUBuffer; // [V] FilterCamera
  filterStd: GPUBuffer; // [N] f32
  maxFilter: GPUBuffer; // [1] u32, zeroed before the rates
}

export class Filter3dKernels {
  private readonly layouts: Record<'rates' | 'fill' | 'apply' | 'backward', GPUBindGroupLayout>;
  private readonly pipelines: Record<'rates' | 'fill' | 'apply' | 'backward', GPUComputePipeline>;
  private readonly cache = new BindGroupCache();

  constructor(private readonly device: GPUDevice) {
    this.layouts = {
      rates: bindGroupLayout(device, 'Filter3d.rates', ['uniform', 'read', 'read', 'rw', 'rw']),
      fill: bindGroupLayout(device, 'Filter3d.fill', ['uniform', 'rw', 'read']),
      apply: bindGroupLayout(device, 'Filter3d.apply', ['uniform', 'read', 'read', 'read', 'rw', 'rw']),
      backward: bindGroupLayout(device, 'Filter3d.backward', ['uniform', 'read', 'read', 'read', 'rw', 'rw']),
    };
    const p = (k: keyof typeof this.layouts, file: string) => computePipeline(device, `Filter3d.${k}`, file, [this.layouts[k]]);
    this.pipelines = {
      rates: p('rates', 'filter3d_rates.wgsl'),
      fill: p('fill', 'filter3d_fill.wgsl'),
      apply: p('apply', 'filter3d_apply.wgsl'),
      backward: p('backward', 'filter3d_backward.wgsl'),
    };
  }

  private run(pass: GPUComputePassEncoder, k: keyof typeof this.layouts, buffers: GPUBuffer[], n: number): void {
    pass.setPipeline(this.pipelines[k]);
    pass.setBindGroup(0, this.cache.get([k, ...buffers], () => bindBuffers(this.device, `Filter3d.${k}`, this.layouts[k], buffers)));
    dispatch1d(pass, n, WG);
  }

  /** Filter sizes for `n` splats from `means` [N, 3]; `b.maxFilter` must hold 0. */
  encodeRates(pass: GPUComputePassEncoder, b: Filter3dBuffers, means: GPUBuffer, n: number): void {
    this.run(pass, 'rates', [b.params, b.cameras, means, b.filterStd, b.maxFilter], n);
    this.run(pass, 'fill', [b.params, b.filterStd, b.maxFilter], n);
  }

  /** Filtered log-scales [N, 3] and opacity logits [N] from the raw ones. */
  encodeApply(pass: GPUComputePassEncoder, b: Filter3dBuffers, raw: { logScales: GPUBuffer; opacityLogits: GPUBuffer }, eff: { logScales: GPUBuffer; opacityLogits: GPUBuffer }, n: number): void {
    this.run(pass, 'apply', [b.params, b.filterStd, raw.logScales, raw.opacityLogits, eff.logScales, eff.opacityLogits], n);
  }

  /** In place: gradients by the filtered log-scales and logits become gradients by the raw ones. */
  encodeBackward(pass: GPUComputePassEncoder, b: Filter3dBuffers, raw: { logScales: GPUBuffer; opacityLogits: GPUBuffer }, grads: { vLogScales: GPUBuffer; vOpacityLogits: GPUBuffer }, n: number): void {
    this.run(pass, 'backward', [b.params, b.filterStd, raw.logScales, raw.opacityLogits, grads.vLogScales, grads.vOpacityLogits], n);
  }
}
