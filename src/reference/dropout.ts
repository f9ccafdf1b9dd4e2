/**
 * DropGaussian (Park et al., CVPR 2025) in float64: a training step leaves each splat out of its
 * render with probability `rate` and multiplies the kept splats' opacity by 1 / (1 - rate).
 * Written independently of shaders/common/project_splat.wgsl; the draw is the same function:
 * splat i is left out when pcgHash(key + i) < round(rate 2^32), key = mcmcKey(seed, iteration,
 * DROPOUT_STREAM), so the GPU and this file leave out the same splats (the render tests compare
 * images, which differ wherever one splat differs).
 */
import { pcgHash } from './densify';
import { mcmcKey } from './mcmc';

/** The dropout's stream of draws: "drop" in ASCII. */
export const DROPOUT_STREAM = 0x64726f70;

export interface DropoutOptions {
  /** In [0, 0.9]. */
  rate: number;
  seed: number;
  iteration: number;
}

/** The factor splat i's opacity is multiplied by: 0 when left out, 1 / (1 - rate) when kept. */
export function dropoutFactor(d: DropoutOptions | undefined, i: number): number {
  if (!d || d.rate === 0) return 1;
  const threshold = Math.round(d.rate * 2 ** 32);
  const h = pcgHash((mcmcKey(d.seed, d.iteration, DROPOUT_STREAM) + i) >>> 0);
  return h < threshold ? 0 : 1 / (1 - threshold / 2 ** 32);
}
