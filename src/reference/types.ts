/** Inputs and options shared by the reference forward and backward passes. */
import { MAX_FILTER2D, isFilter2d, shCoeffCount } from '../io/scene';
import type { Camera } from '../io/camera';
import { COV2D_DILATION } from './constants';
import type { DropoutOptions } from './dropout';

/**
 * The raw parameters the reference reads: a `SplatScene` fits, and so does the same layout in
 * Float64Array (finite-difference tests perturb parameters by steps far below f32 resolution).
 */
export interface ReferenceScene {
  count: number;
  shDegree: number;
  /** [N, 3] world-space means. */
  means: ArrayLike<number>;
  /** [N, 3] log-scales. */
  logScales: ArrayLike<number>;
  /** [N, 4] quaternions wxyz, unnormalised. */
  quats: ArrayLike<number>;
  /** [N] opacity logits. */
  opacityLogits: ArrayLike<number>;
  /** [N, K, 3] SH coefficients, coefficient-major, RGB interleaved; K = (shDegree + 1)^2. */
  sh: ArrayLike<number>;
}

export interface ReferenceOptions {
  /** Active SH degree, 0..scene.shDegree; coefficients above it are ignored. Default: scene.shDegree. */
  shDegree?: number;
  /** Colour composited behind the splats (out = C + T_final * background). Default black. */
  background?: [number, number, number];
  /** Multiplies the activated scales (the viewer's splat-scale slider). Default 1. */
  splatScale?: number;
  /**
   * Mip-Splatting's 2D filter: the dilation (filter2d) becomes a low-pass filter whose energy is
   * kept, opacity times sqrt(det(Sigma2D) / det(Sigma2D + s I)), s = `filter2d`. Default false.
   */
  antialias?: boolean;
  /**
   * The 2D filter's variance s in px^2, added to Sigma2D's diagonal: the reference's dilation
   * without anti-aliasing, the low-pass filter's size with it. Default COV2D_DILATION (0.3, the
   * reference's and gsplat's); Mip-Splatting trains with 0.1.
   */
  filter2d?: number;
  /** A training step's dropout (dropout.ts): splats left out, the others' opacity scaled. Default none. */
  dropout?: DropoutOptions;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  shDegree: number;
  background: [number, number, number];
  splatScale: number;
  antialias: boolean;
  filter2d: number;
  dropout?: DropoutOptions;
}

/** Checks the scene's array sizes, the camera and the options; throws naming the problem. */
export function resolveOptions(scene: ReferenceScene, camera: Camera, opts: ReferenceOptions, caller: string): ResolvedOptions {
  const fail = (problem: string): never => {
    throw new Error(`${caller}: ${problem}`);
  };
  const n = scene.count;
  if (!Number.isInteger(n) || n < 0) fail(`scene.count must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(scene.shDegree) || scene.shDegree < 0 || scene.shDegree > 3) {
    fail(`scene.shDegree must be 0..3, got ${scene.shDegree}`);
  }
  const K = shCoeffCount(scene.shDegree);
  const sizes: [string, ArrayLike<number>, number][] = [
    ['means', scene.means, n * 3],
    ['logScales', scene.logScales, n * 3],
    ['quats', scene.quats, n * 4],
    ['opacityLogits', scene.opacityLogits, n],
    ['sh', scene.sh, n * K * 3],
  ];
  for (const [name, arr, want] of sizes) {
    if (arr.length !== want) fail(`scene.${name} has ${arr.length} values, expected ${want} for ${n} splats`);
  }
  const { width, height } = camera;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    fail(`camera width and height must be positive integers, got ${width}x${height}`);
  }
  const shDegree = opts.shDegree ?? scene.shDegree;
  if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > scene.shDegree) {
    fail(`shDegree must be an integer in 0..${scene.shDegree} (the scene's degree), got ${shDegree}`);
  }
  const background = opts.background ?? [0, 0, 0];
  if (background.length !== 3 || !background.every(Number.isFinite)) fail(`background must be 3 finite numbers`);
  const splatScale = opts.splatScale ?? 1;
  if (!(splatScale > 0) || !Number.isFinite(splatScale)) fail(`splatScale must be a positive finite number, got ${splatScale}`);
  const filter2d = opts.filter2d ?? COV2D_DILATION;
  if (!isFilter2d(filter2d)) fail(`filter2d must be a number in [0, ${MAX_FILTER2D}] px^2, got ${filter2d}`);
  const dropout = opts.dropout;
  if (dropout && !(dropout.rate >= 0 && dropout.rate <= 0.9)) fail(`dropout.rate must be in [0, 0.9], got ${dropout.rate}`);
  return { shDegree, background: [background[0], background[1], background[2]], splatScale, antialias: opts.antialias ?? false, filter2d, dropout };
}
