/**
 * How much each splat draws into the training views: the sum over views and pixels of its
 * alpha T (DifferentiableRenderer.addContributions), the score an MCMC run with a peak keeps
 * the largest of when it prunes to its budget (LightGaussian's global significance without the
 * volume term). One forward and backward per view, so a capture of many views is scored on at
 * most PRUNE_VIEWS of them, evenly spaced.
 */
import type { Camera } from '../io/camera';
import { readF32 } from '../gpu/buffers';
import type { ForwardOptions } from '../render/forward-pass';
import type { GaussianSet } from '../render/gaussian-buffers';
import type { DifferentiableRenderer } from './differentiable-renderer';

export const PRUNE_VIEWS = 64;

/** Indices of at most `max` of `count` views, evenly spaced, the first and the last included. */
export function spacedViews(count: number, max = PRUNE_VIEWS): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max <= 1) return [0];
  return Array.from({ length: max }, (_, k) => Math.round((k * (count - 1)) / (max - 1)));
}

/** [N] f32: each splat's alpha T summed over the pixels of `cameras` (in their order). */
export async function splatContributions(device: GPUDevice, diff: DifferentiableRenderer, set: GaussianSet, cameras: Camera[], opts: ForwardOptions): Promise<Float32Array> {
  const n = set.count;
  const total = device.createBuffer({ label: 'splatContributions.total', size: Math.max(n, 4) * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  try {
    for (const cam of cameras) await diff.addContributions(set, cam, opts, total);
    return await readF32(device, total, n);
  } finally {
    total.destroy();
  }
}
