/**
 * How far a scene sits from the forward pass's discontinuities, measured on the float64
 * reference. A value that close to a threshold can land on the other side in f32 (or after a
 * finite-difference step), which moves the result by a jump rather than by rounding; tests keep
 * such pixels and splats apart from the rest instead of loosening every bound to cover them.
 */
import type { Camera } from '../../src/io/camera';
import { shCoeffCount } from '../../src/io/scene';
import { ALPHA_MAX, ALPHA_MIN, EIGEN_FLOOR, EXTENT_SIGMA, TILE_SIZE, T_MIN } from '../../src/reference/constants';
import { cameraFrame, type ProjectedSplat } from '../../src/reference/project';
import { gaussPower, referenceTileLists } from '../../src/reference/rasterize';
import { shBasis } from '../../src/reference/sh';
import type { ReferenceScene } from '../../src/reference/types';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const frac = (x: number): number => Math.abs(x - Math.round(x));

/** Per pixel of an [H, W] image; Infinity where the pixel's tile list is empty. */
interface PixelMargins {
  /** Smallest relative distance of raw alpha to 1/255 and 0.99, and of T (1 - alpha) to T_MIN. */
  threshold: Float64Array;
  /** Smallest relative depth difference of a blended splat to the one blended before it. */
  depthOrder: Float64Array;
}

/** Over the splats each pixel visits: how close its blend decisions come to switching. */
function pixelMargins(projected: ProjectedSplat[], width: number, height: number): PixelMargins {
  const tiles = referenceTileLists(projected, width, height);
  const out: PixelMargins = { threshold: new Float64Array(width * height).fill(Infinity), depthOrder: new Float64Array(width * height).fill(Infinity) };
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const list = tiles.lists[Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE)];
      let m = Infinity;
      let order = Infinity;
      let T = 1;
      let lastDepth = NaN;
      for (const s of list) {
        const power = gaussPower(projected[s], i + 0.5, j + 0.5);
        if (power > 0) continue;
        const raw = projected[s].opacity * Math.exp(power);
        m = Math.min(m, rel(raw, ALPHA_MIN), rel(raw, ALPHA_MAX));
        const alpha = Math.min(ALPHA_MAX, raw);
        if (alpha < ALPHA_MIN) continue;
        if (!Number.isNaN(lastDepth)) order = Math.min(order, rel(projected[s].depth, lastDepth));
        lastDepth = projected[s].depth;
        m = Math.min(m, rel(T * (1 - alpha), T_MIN));
        if (T * (1 - alpha) < T_MIN) break;
        T *= 1 - alpha;
      }
      out.threshold[j * width + i] = m;
      out.depthOrder[j * width + i] = order;
    }
  }
  return out;
}

/**
 * [H, W] 1 where f32 could decide a blend differently from float64: a threshold within 1e-3
 * (alpha carries up to ~1e-5 relative error from an f32 conic), or two blended depths within 1e-6
 * (f32 camera-space z is good to ~1e-7 relative) that the GPU's sort could swap.
 */
export function nearThresholdPixels(projected: ProjectedSplat[], width: number, height: number): Uint8Array {
  const m = pixelMargins(projected, width, height);
  return Uint8Array.from(m.threshold, (t, p) => (t < 1e-3 || m.depthOrder[p] < 1e-6 ? 1 : 0));
}

/**
 * [N] per visible splat (Infinity for culled ones): the smallest distance of a projection
 * decision to its threshold: x/z and y/z against the Jacobian clamp limits (relative), each
 * colour channel's SH sum + 0.5 against 0 (absolute), the extent 3 sqrt(lambda_max) against the
 * integer its ceil jumps at, and the tile-rect bounds (mu -+ r, mu + r + 15.5) / 16 against
 * theirs (absolute, in those units).
 */
export function splatMargins(scene: ReferenceScene, projected: ProjectedSplat[], cam: Camera, shDegree: number): Float64Array {
  const frame = cameraFrame(cam);
  const K = shCoeffCount(scene.shDegree);
  return Float64Array.from(projected, (p, i) => {
    if (!p.visible) return Infinity;
    const [tx, ty, tz] = p.camMean;
    let m = Math.min(...frame.limX.map((l) => rel(tx / tz, l)), ...frame.limY.map((l) => rel(ty / tz, l)));
    const basis = shBasis(shDegree, ...p.viewDir);
    for (let c = 0; c < 3; c++) {
      let rgb = 0.5;
      for (let k = 0; k < basis.length; k++) rgb += basis[k] * scene.sh[(i * K + k) * 3 + c];
      m = Math.min(m, Math.abs(rgb));
    }
    const mid = 0.5 * (p.cov2d[0] + p.cov2d[2]);
    const det = p.cov2d[0] * p.cov2d[2] - p.cov2d[1] ** 2;
    m = Math.min(m, frac(EXTENT_SIGMA * Math.sqrt(mid + Math.sqrt(Math.max(EIGEN_FLOOR, mid * mid - det)))));
    const r = p.radius;
    for (const e of [p.mean2d[0] - r, p.mean2d[0] + r + TILE_SIZE - 0.5, p.mean2d[1] - r, p.mean2d[1] + r + TILE_SIZE - 0.5]) {
      m = Math.min(m, frac(e / TILE_SIZE));
    }
    return m;
  });
}

/** Smallest of both margins over the whole scene. */
export function sceneMargin(scene: ReferenceScene, projected: ProjectedSplat[], cam: Camera, shDegree: number): number {
  let m = Infinity;
  for (const v of splatMargins(scene, projected, cam, shDegree)) m = Math.min(m, v);
  const pm = pixelMargins(projected, cam.width, cam.height);
  for (let p = 0; p < pm.threshold.length; p++) m = Math.min(m, pm.threshold[p], pm.depthOrder[p]);
  return m;
}
