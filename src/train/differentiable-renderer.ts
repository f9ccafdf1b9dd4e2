/**
 * The differentiable renderer as a library: Gaussians + camera + target image -> loss, rendered
 * image and the gradient of the loss (0.8 L1 + 0.2 (1 - SSIM)) for every raw parameter. The
 * same forward kernels the viewer draws with; the backward is deterministic. Works the same in
 * Node (Dawn) and the browser. `step` keeps everything on the GPU (one 48-byte readback that
 * sizes the intersection buffers and returns the loss); `run` reads everything back.
 */
import type { Camera } from '../io/camera';
import type { SplatScene } from '../io/scene';
import { GrowableBuffer, STORAGE, readF32 } from '../gpu/buffers';
import { PatientWait } from '../gpu/patient-wait';
import { ImageLoss, LOSS_STATS, type LossStats } from '../kernels/image-loss';
import type { PartialSum } from '../kernels/rasterize-backward';
import { ISECT_COUNT } from '../kernels/layouts';
import { SplatContributionKernel } from '../kernels/splat-contribution';
import { ForwardPass, type ForwardOptions } from '../render/forward-pass';
import { BackwardPass, type GaussianGradients } from '../render/backward-pass';
import { GaussianBuffers, type GaussianSet } from '../render/gaussian-buffers';

export interface GradientArrays {
  v_means: Float32Array; // [N, 3]
  v_logScales: Float32Array; // [N, 3]
  v_quats: Float32Array; // [N, 4]
  v_opacityLogits: Float32Array; // [N]
  v_sh: Float32Array; // [N, K, 3]
}

export interface RunResult extends LossStats {
  /** [H, W, 4] f32 RGBA (alpha = 1 - final transmittance). */
  image: Float32Array;
  gradients: GradientArrays;
}

export class DifferentiableRenderer {
  readonly forward: ForwardPass;
  readonly backward: BackwardPass;
  readonly loss: ImageLoss;
  private readonly vImage: GrowableBuffer;
  private readonly readback: GPUBuffer;
  private readonly wait: PatientWait;
  private readonly contribution: SplatContributionKernel;
  /** Pixels of the unit-red image gradient vImage holds (addContributions); 0 when it holds another. */
  private unitRedPixels = 0;

  constructor(
    private readonly device: GPUDevice,
    opts: { ssimWeight?: number; partialSum?: PartialSum } = {},
  ) {
    this.forward = new ForwardPass(device);
    this.backward = new BackwardPass(device, opts.partialSum);
    // The backward keeps partial gradients per intersection (4 copies of 48 bytes on the CPU
    // shape): the forward's intersections stop where those fit one binding.
    this.forward.reservePerIntersection(this.backward.perIntersectionBytes());
    this.loss = new ImageLoss(device, opts);
    this.vImage = new GrowableBuffer(device, 'DifferentiableRenderer.vImage', STORAGE);
    this.wait = new PatientWait(device);
    this.contribution = new SplatContributionKernel(device);
    this.readback = device.createBuffer({ label: 'DifferentiableRenderer.readback', size: 48, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /**
   * Forward, loss and backward for one view, all on the GPU. `target` is [H, W, 4] f32 RGBA
   * (a GPUBuffer is used in place: upload each view once and reuse it). Resolves to the loss
   * stats ([8] f32, see LOSS_STATS) once the GPU is done; the image is in `forward.image` and the
   * gradients in `backward.gradients` until the next call.
   */
  async step(gaussians: GaussianSet, camera: Camera, target: GPUBuffer | Float32Array, opts: ForwardOptions): Promise<Float32Array> {
    this.loss.setTarget(target, camera.width, camera.height);
    this.vImage.ensure(camera.width * camera.height * 16);
    this.unitRedPixels = 0; // the loss overwrites vImage
    return this.frame('DifferentiableRenderer.step', gaussians, camera, opts, true);
  }

  /**
   * Adds every splat's blend weight in `camera`'s view, the sum over its pixels of alpha T, to
   * `total` ([N] f32; splats outside the view add nothing). The backward gives it: under the image
   * gradient 1 in red and 0 elsewhere, each splat's gradient of its projected red is that sum, with
   * the forward's own skip and stop rules. Overwrites `vImage`, the image and the gradients.
   */
  async addContributions(gaussians: GaussianSet, camera: Camera, opts: ForwardOptions, total: GPUBuffer): Promise<void> {
    const pixels = camera.width * camera.height;
    if (this.unitRedPixels !== pixels) {
      this.vImage.ensure(pixels * 16);
      const unitRed = new Float32Array(pixels * 4);
      for (let i = 0; i < unitRed.length; i += 4) unitRed[i] = 1;
      this.device.queue.writeBuffer(this.vImage.buffer, 0, unitRed);
      this.unitRedPixels = pixels;
    }
    // Only after a frame that fit (frame() redoes an overflowed one): its projected gradients are this view's.
    await this.frame('DifferentiableRenderer.contributions', gaussians, camera, opts, false);
    const enc = this.device.createCommandEncoder({ label: 'DifferentiableRenderer.addContributions' });
    const pass = enc.beginComputePass({ label: 'SplatContribution' });
    this.contribution.dispatchItems(
      pass,
      this.contribution.bindCamera(this.forward.uniform.buffer),
      this.contribution.bindAll({ projected: this.forward.projected.buffer, vProjected: this.backward.projectedGradients, total }),
      gaussians.count,
    );
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  /**
   * Forward, the loss (with `withLoss`; else vImage as it is) and backward for one view, redone
   * once with grown intersection buffers when they overflowed. Resolves to the loss stats (empty
   * without the loss) once the GPU is done.
   */
  private async frame(label: string, gaussians: GaussianSet, camera: Camera, opts: ForwardOptions, withLoss: boolean): Promise<Float32Array> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const enc = this.device.createCommandEncoder({ label });
      this.forward.encode(enc, gaussians, camera, opts);
      if (withLoss) this.loss.encode(enc, this.forward.image.buffer, this.vImage.buffer);
      this.backward.encode(enc, this.forward, gaussians, this.vImage.buffer);
      enc.copyBufferToBuffer(this.forward.isectCount, ISECT_COUNT.fields.total.at * 4, this.readback, 0, 4);
      if (withLoss) enc.copyBufferToBuffer(this.loss.statsBuffer, 0, this.readback, 16, LOSS_STATS.floats * 4);
      const capacity = this.forward.capacity;
      this.device.queue.submit([enc.finish()]);
      await this.wait.run(() => this.readback.mapAsync(GPUMapMode.READ));
      const total = new Uint32Array(this.readback.getMappedRange(0, 4))[0];
      const stats = withLoss ? new Float32Array(this.readback.getMappedRange(16, LOSS_STATS.floats * 4)).slice() : new Float32Array(0);
      this.readback.unmap();
      this.forward.stats.intersections = total;
      if (total <= capacity) return stats;
      if (total > this.forward.maxCapacity) break;
      // More intersections than the buffers hold: grow them and redo the view.
      this.forward.requireCapacity(total);
    }
    throw new RangeError(
      `this view needs ${this.forward.stats.intersections} tile intersections, more than this adapter's storage binding limit holds (${this.forward.maxCapacity})`,
    );
  }

  /** The gradient buffers of the last step (on the GPU). */
  get gradients(): GaussianGradients {
    return this.backward.gradients;
  }

  /** Typed arrays in, typed arrays out: uploads `scene`, runs `step`, reads everything back. */
  async run(scene: SplatScene, camera: Camera, target: Float32Array, opts: Partial<ForwardOptions> = {}): Promise<RunResult> {
    const gaussians = GaussianBuffers.upload(this.device, scene);
    try {
      const full: ForwardOptions = { shDegree: opts.shDegree ?? scene.shDegree, splatScale: opts.splatScale ?? 1, background: opts.background ?? [0, 0, 0], antialias: opts.antialias, filter2d: opts.filter2d, dropout: opts.dropout };
      const stats = await this.step(gaussians, camera, target, full);
      const n = scene.count;
      const g = this.gradients;
      const K = gaussians.shCoeffs;
      const [image, v_means, v_logScales, v_quats, v_opacityLogits, v_sh] = await Promise.all([
        readF32(this.device, this.forward.image.buffer, camera.width * camera.height * 4),
        readF32(this.device, g.vMeans, n * 3),
        readF32(this.device, g.vLogScales, n * 3),
        readF32(this.device, g.vQuats, n * 4),
        readF32(this.device, g.vOpacityLogits, n),
        readF32(this.device, g.vSh, n * K * 3),
      ]);
      return {
        loss: stats[LOSS_STATS.loss],
        l1: stats[LOSS_STATS.l1],
        ssim: stats[LOSS_STATS.ssim],
        mse: stats[LOSS_STATS.mse],
        psnr: stats[LOSS_STATS.psnr],
        image,
        gradients: { v_means, v_logScales, v_quats, v_opacityLogits, v_sh },
      };
    } finally {
      gaussians.destroy();
    }
  }

  destroy(): void {
    this.forward.destroy();
    this.backward.destroy();
    this.loss.destroy();
    this.vImage.destroy();
    this.readback.destroy();
  }
}
