/**
 * The in-memory splat scene every reader produces and every writer and renderer consumes.
 * Layout follows the INRIA model in world space (COLMAP axes: x right, y down, z forward):
 * raw, pre-activation parameters, exactly as stored in an INRIA `.ply`.
 */
export interface SplatScene {
  /** Number of splats N. */
  count: number;
  /** SH degree 0..3 of `sh`; K = (shDegree + 1)^2 coefficients per channel. */
  shDegree: number;
  /** [N, 3] f32 world-space means. */
  means: Float32Array;
  /** [N, 3] f32 log-scales (scale = exp). */
  logScales: Float32Array;
  /** [N, 4] f32 quaternions wxyz, not necessarily normalised. */
  quats: Float32Array;
  /** [N] f32 opacity logits (opacity = sigmoid). */
  opacityLogits: Float32Array;
  /** [N, K, 3] f32 SH coefficients, coefficient-major, RGB interleaved; k = 0 is the DC term. */
  sh: Float32Array;
  /**
   * Trained with anti-aliasing (Mip-Splatting): render with the 2D filter's opacity
   * compensation. Carried by every format that has a place for it (PLY header comment
   * `antialiased 1`, SPZ flag bit 1, SOG meta.json `antialiased`). Absent means false.
   */
  antialiased?: boolean;
  /**
   * The 2D filter's variance in px^2 that an antialiased scene was trained with (added to every
   * projected covariance, with the opacity compensation). Absent: 0.3, the size gsplat and the
   * web viewers use for antialiased files; Mip-Splatting trains with 0.1. Carried by the PLY
   * header comment `filter2d <px^2>` and SOG meta.json `filter2d`; SPZ has no place for it.
   */
  filter2d?: number;
}

/** The 2D filter size readers assume for an antialiased file that names none (gsplat's, px^2). */
export const DEFAULT_FILTER2D = 0.3;

/** The 2D filter Mip-Splatting trains with (its `kernel_size`), px^2: its .ply files carry no size. */
export const MIP_SPLATTING_FILTER2D = 0.1;

/** How to draw `scene`: with its 2D filter (and that filter's size) when it was trained antialiased, else the reference's dilation. */
export function sceneFilter2d(scene: SplatScene): { antialias: boolean; filter2d?: number } {
  return scene.antialiased ? { antialias: true, filter2d: scene.filter2d } : { antialias: false };
}

/** The largest 2D filter variance accepted (px^2): a filter of 2 px standard deviation. */
export const MAX_FILTER2D = 4;

/** Whether `v` is a usable 2D filter variance: finite, in [0, MAX_FILTER2D] px^2. */
export function isFilter2d(v: unknown): v is number {
  return typeof v === 'number' && v >= 0 && v <= MAX_FILTER2D;
}

export const SH_C0 = 0.28209479177387814;

export function shCoeffCount(degree: number): number {
  return (degree + 1) * (degree + 1);
}

/** The scene with only its SH bands up to `degree` (<= its own): the same splats, fewer coefficients. */
export function withShDegree(scene: SplatScene, degree: number): SplatScene {
  if (!(Number.isInteger(degree) && degree >= 0 && degree <= scene.shDegree)) throw new RangeError(`withShDegree: degree must be 0..${scene.shDegree}, got ${degree}`);
  if (degree === scene.shDegree) return scene;
  const from = shCoeffCount(scene.shDegree) * 3;
  const to = shCoeffCount(degree) * 3;
  const sh = new Float32Array(scene.count * to);
  // Coefficient-major with RGB interleaved: a splat's first `to` floats are its bands 0..degree.
  for (let i = 0; i < scene.count; i++) sh.set(scene.sh.subarray(i * from, i * from + to), i * to);
  return { ...scene, shDegree: degree, sh };
}

/** Allocates a zeroed scene of `count` splats (identity quaternions). */
export function emptyScene(count: number, shDegree: number): SplatScene {
  const quats = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) quats[i * 4] = 1;
  return {
    count,
    shDegree,
    means: new Float32Array(count * 3),
    logScales: new Float32Array(count * 3),
    quats,
    opacityLogits: new Float32Array(count),
    sh: new Float32Array(count * shCoeffCount(shDegree) * 3),
  };
}

/** Axis-aligned bounds of the means. */
export function sceneBounds(scene: SplatScene): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < scene.count; i++) {
    for (let a = 0; a < 3; a++) {
      const v = scene.means[i * 3 + a];
      if (v < min[a]) min[a] = v;
      if (v > max[a]) max[a] = v;
    }
  }
  return { min, max };
}

/** Error for a file that cannot be read; the message names the file, its format and the problem. */
export class SceneFormatError extends Error {
  override name = 'SceneFormatError';
  constructor(
    readonly file: string,
    readonly format: string,
    readonly problem: string,
  ) {
    // A format that was never identified adds nothing to the message.
    super(format === 'unknown' ? `${file}: ${problem}` : `${file} (${format}): ${problem}`);
  }
}

/** What a reader returns: the scene plus notes for the user (e.g. dropped splats). */
export interface LoadedScene {
  scene: SplatScene;
  format: string;
  warnings: string[];
}

/**
 * Folds a Mip-Splatting 3D smoothing filter of standard deviation `filterStd` (world units) into
 * splat `i`: scale^2 + filter^2 per axis, and the opacity times sqrt(prod s^2 / prod (s^2 + f^2))
 * so the splat keeps its energy. In place; raw (log / logit) parameters.
 */
export function bakeFilter3d(scene: SplatScene, i: number, filterStd: number): void {
  const f2 = filterStd * filterStd;
  let ratio = 1;
  for (let a = 0; a < 3; a++) {
    const s2 = Math.exp(2 * scene.logScales[i * 3 + a]);
    ratio *= s2 / (s2 + f2);
    scene.logScales[i * 3 + a] = 0.5 * Math.log(s2 + f2);
  }
  const o = (1 / (1 + Math.exp(-scene.opacityLogits[i]))) * Math.sqrt(ratio);
  const clamped = Math.min(Math.max(o, 1e-7), 1 - 1e-7);
  scene.opacityLogits[i] = Math.log(clamped / (1 - clamped));
}
