/**
 * Training targets at a reduced size for the coarse-to-fine schedule (schedule.ts): the view's
 * full-size target, already on the GPU (or uploaded here when the dataset did not fit), is
 * area-averaged into a scratch buffer by shaders/downsample.wgsl, and the camera's intrinsics
 * are scaled to match. Made fresh for every step (views change every step); one small dispatch.
 */
import type { Camera } from '../io/camera';
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { DownsampleKernel } from '../kernels/downsample';

/**
 * The camera of an image resized to width x height: pixel (i, j) of the small image covers
 * [i sx, (i + 1) sx) of the large one (sx = W / width), so u' = u / sx and fx, cx scale by 1 / sx.
 */
export function scaledCamera(cam: Camera, width: number, height: number): Camera {
  const kx = width / cam.width;
  const ky = height / cam.height;
  return { ...cam, width, height, fx: cam.fx * kx, cx: cam.cx * kx, fy: cam.fy * ky, cy: cam.cy * ky };
}

export class CoarseTargets {
  private readonly kernel: DownsampleKernel;
  /** [h, w, 4] f32: the step's downscaled target. */
  private readonly small: GrowableBuffer;
  /** [H, W, 4] f32: a full-size target not resident on the GPU, uploaded for the step. */
  private readonly upload: GrowableBuffer;

  constructor(private readonly device: GPUDevice) {
    this.kernel = new DownsampleKernel(device);
    this.small = new GrowableBuffer(device, 'CoarseTargets.small', STORAGE);
    this.upload = new GrowableBuffer(device, 'CoarseTargets.upload', STORAGE);
  }

  /** Submits the downsample of `target` (for `camera`) to width x height; returns the buffer and camera to train on. */
  prepare(camera: Camera, target: GPUBuffer | Float32Array, width: number, height: number): { camera: Camera; target: GPUBuffer } {
    let src: GPUBuffer;
    if (target instanceof Float32Array) {
      this.upload.ensure(target.byteLength);
      this.device.queue.writeBuffer(this.upload.buffer, 0, target.buffer, target.byteOffset, target.byteLength);
      src = this.upload.buffer;
    } else {
      src = target;
    }
    this.small.ensure(width * height * 16);
    const enc = this.device.createCommandEncoder({ label: 'CoarseTargets' });
    const pass = enc.beginComputePass({ label: 'Downsample' });
    this.kernel.encode(pass, { src, srcWidth: camera.width, srcHeight: camera.height, dst: this.small.buffer, dstWidth: width, dstHeight: height });
    pass.end();
    this.device.queue.submit([enc.finish()]);
    return { camera: scaledCamera(camera, width, height), target: this.small.buffer };
  }

  destroy(): void {
    this.kernel.destroy();
    this.small.destroy();
    this.upload.destroy();
  }
}
