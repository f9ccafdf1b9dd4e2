/**
 * The Gaussian parameters on the GPU, one storage buffer per parameter group (the layout of
 * docs/ARCHITECTURE.md), shared by the viewer's renderer and the trainer.
 */
import type { SplatScene } from '../io/scene';
import { sceneBounds, shCoeffCount } from '../io/scene';
import { STORAGE, createBufferWithData, readF32 } from '../gpu/buffers';
import { capacityText, splatCapacity } from './splat-capacity';

/** What the forward and backward passes read: the parameter buffers and their shape. */
export interface GaussianSet {
  readonly count: number;
  /** SH degree of the buffer layout; K = shCoeffs = (shDegree + 1)^2. */
  readonly shDegree: number;
  readonly shCoeffs: number;
  readonly means: GPUBuffer; // [N, 3] f32
  readonly logScales: GPUBuffer; // [N, 3] f32
  readonly quats: GPUBuffer; // [N, 4] f32 wxyz
  readonly opacityLogits: GPUBuffer; // [N] f32
  readonly sh: GPUBuffer; // [N, K, 3] f32
  /** Box of the splat centres when known on the CPU (uploaded scenes; not live training state). */
  readonly bounds?: { readonly min: readonly number[]; readonly max: readonly number[] };
}

export class GaussianBuffers implements GaussianSet {
  private constructor(
    readonly device: GPUDevice,
    readonly count: number,
    readonly shDegree: number,
    readonly means: GPUBuffer, // [N, 3] f32
    readonly logScales: GPUBuffer, // [N, 3] f32
    readonly quats: GPUBuffer, // [N, 4] f32 wxyz
    readonly opacityLogits: GPUBuffer, // [N] f32
    readonly sh: GPUBuffer, // [N, K, 3] f32
    readonly bounds?: { readonly min: readonly number[]; readonly max: readonly number[] },
  ) {}

  get shCoeffs(): number {
    return shCoeffCount(this.shDegree);
  }

  /** Uploads a scene; throws a RangeError naming the limit when a buffer would exceed it. */
  static upload(device: GPUDevice, scene: SplatScene, usage: GPUBufferUsageFlags = STORAGE): GaussianBuffers {
    if (scene.count > splatCapacity(device.limits, scene.shDegree)) {
      throw new RangeError(`scene too large for this GPU: ${scene.count.toLocaleString('en-US')} splats, but ${capacityText(device.limits, scene.shDegree)}`);
    }
    const mk = (name: string, data: Float32Array) => createBufferWithData(device, `Gaussians.${name}`, data, usage);
    return new GaussianBuffers(
      device,
      scene.count,
      scene.shDegree,
      mk('means', scene.means),
      mk('logScales', scene.logScales),
      mk('quats', scene.quats),
      mk('opacityLogits', scene.opacityLogits),
      mk('sh', scene.sh),
      sceneBounds(scene),
    );
  }

  /** Reads the parameters back into a scene (export, tests). */
  async download(): Promise<SplatScene> {
    const n = this.count;
    const [means, logScales, quats, opacityLogits, sh] = await Promise.all([
      readF32(this.device, this.means, n * 3),
      readF32(this.device, this.logScales, n * 3),
      readF32(this.device, this.quats, n * 4),
      readF32(this.device, this.opacityLogits, n),
      readF32(this.device, this.sh, n * this.shCoeffs * 3),
    ]);
    return { count: n, shDegree: this.shDegree, means, logScales, quats, opacityLogits, sh };
  }

  destroy(): void {
    for (const b of [this.means, this.logScales, this.quats, this.opacityLogits, this.sh]) b.destroy();
  }
}
