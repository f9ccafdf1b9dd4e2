/**
 * Image metrics of splats against photos: each view drawn by the tile rasterizer (what training
 * renders) and compared by the loss kernel's PSNR / SSIM / L1, averaged over the views. Shared by
 * the trainer's evaluations and `splat eval`, so a trained scene and its export measure alike.
 */
import type { View } from '../io/colmap/dataset';
import type { ForwardOptions } from '../render/forward-pass';
import type { GaussianSet } from '../render/gaussian-buffers';
import type { DifferentiableRenderer } from './differentiable-renderer';

/** One view's scores. */
export interface ViewScore {
  /** The photo's COLMAP image name. */
  name: string;
  psnr: number;
  ssim: number;
  l1: number;
}

export interface ViewMetrics {
  views: number;
  /** Means over the views. */
  psnr: number;
  ssim: number;
  l1: number;
  /** Each view's, in the order given. */
  perView: ViewScore[];
}

/**
 * `rendered`, when given, is awaited after each view is drawn, with the [H, W, 4] f32 RGBA
 * image (alpha = 1 - T) still in `image` (overwritten by the next view).
 */
export async function evaluateViews(
  device: GPUDevice,
  diff: DifferentiableRenderer,
  set: GaussianSet,
  views: readonly View[],
  opts: ForwardOptions,
  rendered?: (view: View, image: GPUBuffer) => Promise<void>,
): Promise<ViewMetrics> {
  const { forward, loss } = diff;
  const perView: ViewScore[] = [];
  for (const v of views) {
    await forward.renderExact(set, v.camera, opts);
    loss.setTarget(v.image, v.camera.width, v.camera.height);
    const enc = device.createCommandEncoder({ label: 'evaluate' });
    loss.encodeMetrics(enc, forward.image.buffer);
    device.queue.submit([enc.finish()]);
    const s = await loss.readStats();
    perView.push({ name: v.name, psnr: s.psnr, ssim: s.ssim, l1: s.l1 });
    if (rendered) await rendered(v, forward.image.buffer);
  }
  const n = Math.max(views.length, 1);
  const mean = (k: 'psnr' | 'ssim' | 'l1'): number => perView.reduce((sum, v) => sum + v[k], 0) / n;
  return { views: views.length, psnr: mean('psnr'), ssim: mean('ssim'), l1: mean('l1'), perView };
}
