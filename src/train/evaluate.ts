/**
 * Image metrics of splats against photos: each view drawn by the tile rasterizer (what training
 * renders) and compared by the loss kernel's PSNR / SSIM / L1, averaged over the views. Shared by
 * the trainer's evaluations and `splat eval`, so a trained scene and its export measure alike.
 */
import type { View } from '../io/colmap/dataset';
import type { ForwardOptions } from '../render/forward-pass';
import type { GaussianSet } from '../render/gaussian-buffers';
import type { DifferentiableRenderer } from './differentiable-renderer';

export interface ViewMetrics {
  views: number;
  /** Means over the views. */
  psnr: number;
  ssim: number;
  l1: number;
}

export async function evaluateViews(device: GPUDevice, diff: DifferentiableRenderer, set: GaussianSet, views: readonly View[], opts: ForwardOptions): Promise<ViewMetrics> {
  const { forward, loss } = diff;
  let psnr = 0;
  let ssim = 0;
  let l1 = 0;
  for (const v of views) {
    await forward.renderExact(set, v.camera, opts);
    loss.setTarget(v.image, v.camera.width, v.camera.height);
    const enc = device.createCommandEncoder({ label: 'evaluate' });
    loss.encodeMetrics(enc, forward.image.buffer);
    device.queue.submit([enc.finish()]);
    const s = await loss.readStats();
    psnr += s.psnr;
    ssim += s.ssim;
    l1 += s.l1;
  }
  const n = Math.max(views.length, 1);
  return { views: views.length, psnr: psnr / n, ssim: ssim / n, l1: l1 / n };
}
