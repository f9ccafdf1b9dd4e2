/**
 * Anti-aliased training (Mip-Splatting): the 3D smoothing filter sized from the training
 * cameras' sampling rates, recomputed every RECOMPUTE_EVERY steps and whenever the splat count
 * changes; the renderer draws the filtered parameters (`prepare` returns them as a
 * GaussianSet), and `encodeBackward` turns the renderer's gradients back into gradients of the
 * raw parameters before Adam. The 2D filter is the forward pass's `antialias` option. An export
 * bakes the 3D filter into scales and opacity and marks the scene `antialiased`.
 */
import type { Camera } from '../io/camera';
import type { SplatScene } from '../io/scene';
import { bakeFilter3d } from '../io/scene';
import { GrowableBuffer, STORAGE, createBufferWithData, readF32 } from '../gpu/buffers';
import { type FieldsOf, UniformStruct } from '../gpu/struct-layout';
import { Filter3dKernels, packFilterCameras, type Filter3dBuffers } from '../kernels/filter3d';
import { FILTER3D_PARAMS } from '../kernels/layouts';
import type { GaussianSet } from '../render/gaussian-buffers';
import type { GaussianGradients } from '../render/backward-pass';
import type { SplatState } from './splat-state';

/** Mip-Splatting recomputes the filter every 100 iterations. */
export const RECOMPUTE_EVERY = 100;

export class TrainingFilter3d {
  private readonly kernels: Filter3dKernels;
  private readonly buffers: Filter3dBuffers;
  private readonly params: UniformStruct<FieldsOf<typeof FILTER3D_PARAMS>>;
  private readonly filterStd: GrowableBuffer; // [N] f32
  private readonly logScales: GrowableBuffer; // [N, 3] filtered
  private readonly opacityLogits: GrowableBuffer; // [N] filtered
  private readonly cameraCount: number;
  private sizedFor = -1;
  private sizedAt = -Infinity;

  constructor(
    private readonly device: GPUDevice,
    cameras: readonly Camera[],
  ) {
    this.kernels = new Filter3dKernels(device);
    this.cameraCount = cameras.length;
    this.filterStd = new GrowableBuffer(device, 'Filter3d.filterStd', STORAGE);
    this.logScales = new GrowableBuffer(device, 'Filter3d.logScales', STORAGE);
    this.opacityLogits = new GrowableBuffer(device, 'Filter3d.opacityLogits', STORAGE);
    this.params = new UniformStruct(device, 'Filter3d.params', FILTER3D_PARAMS);
    this.buffers = {
      params: this.params.buffer,
      cameras: createBufferWithData(device, 'Filter3d.cameras', packFilterCameras(cameras)),
      filterStd: this.filterStd.buffer,
      maxFilter: device.createBuffer({ label: 'Filter3d.maxFilter', size: 16, usage: STORAGE }),
    };
  }

  /**
   * Records the filter (when due at `iteration` or the count changed) and the filtered
   * parameters; returns the set the renderer draws: the state's buffers with the filtered
   * log-scales and opacity logits.
   */
  prepare(encoder: GPUCommandEncoder, state: SplatState, iteration: number, force = false): GaussianSet {
    const n = state.count;
    const grown = [this.filterStd.ensure(n * 4), this.logScales.ensure(n * 12), this.opacityLogits.ensure(n * 4)].some(Boolean);
    this.buffers.filterStd = this.filterStd.buffer;
    // Aligned to multiples of RECOMPUTE_EVERY so a resumed run re-sizes on the same steps.
    const due = force || grown || n !== this.sizedFor || Math.floor(iteration / RECOMPUTE_EVERY) !== Math.floor(this.sizedAt / RECOMPUTE_EVERY);
    this.params.write({ count: n, cameras: this.cameraCount });
    if (due) encoder.clearBuffer(this.buffers.maxFilter);
    const pass = encoder.beginComputePass({ label: 'Filter3d' });
    if (due) {
      this.kernels.encodeRates(pass, this.buffers, state.means, n);
      this.sizedFor = n;
      this.sizedAt = iteration;
    }
    const eff = { logScales: this.logScales.buffer, opacityLogits: this.opacityLogits.buffer };
    this.kernels.encodeApply(pass, this.buffers, { logScales: state.logScales, opacityLogits: state.opacityLogits }, eff, n);
    pass.end();
    return this.view(state);
  }

  /**
   * The filtered set, as last prepared (the live view draws it). Getters: densification
   * replaces the buffers, and a view handed out earlier must follow.
   */
  view(state: SplatState): GaussianSet {
    const filtered = this;
    return {
      get count() { return state.count; },
      get shDegree() { return state.shDegree; },
      get shCoeffs() { return state.shCoeffs; },
      get means() { return state.means; },
      get logScales() { return filtered.logScales.buffer; },
      get quats() { return state.quats; },
      get opacityLogits() { return filtered.opacityLogits.buffer; },
      get sh() { return state.sh; },
    };
  }

  /** In place, before Adam: gradients by the filtered log-scales and logits become gradients by the raw ones. */
  encodeBackward(pass: GPUComputePassEncoder, state: SplatState, grads: GaussianGradients): void {
    this.kernels.encodeBackward(pass, this.buffers, { logScales: state.logScales, opacityLogits: state.opacityLogits }, grads, state.count);
  }

  /**
   * Reads `state` as a scene with the filter baked in, marked anti-aliased with the 2D filter's
   * size `filter2d` (px^2). The parameters and the filter are both copied when this is called
   * (steps that run while the download is in flight change neither). The filter is the one
   * training draws with now (sized afresh only when due), so the export renders as the trainer
   * does and exporting does not change the run.
   */
  async readBaked(state: SplatState, iteration: number, filter2d: number): Promise<SplatScene> {
    const enc = this.device.createCommandEncoder({ label: 'Filter3d.bake' });
    this.prepare(enc, state, iteration);
    this.device.queue.submit([enc.finish()]);
    const [scene, f] = await Promise.all([state.toScene(), readF32(this.device, this.filterStd.buffer, state.count)]);
    for (let i = 0; i < scene.count; i++) bakeFilter3d(scene, i, f[i]);
    scene.antialiased = true;
    scene.filter2d = filter2d;
    return scene;
  }

  destroy(): void {
    for (const b of [this.filterStd, this.logScales, this.opacityLogits]) b.destroy();
    this.params.destroy();
    this.buffers.cameras.destroy();
    this.buffers.maxFilter.destroy();
  }
}
