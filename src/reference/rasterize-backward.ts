/**
 * Reference rasterizer backward (3dgs-reference.md §3.2): the gradient of L = sum(vImage * image)
 * with respect to each splat's 2D mean, conic, opacity and (clamped) colour. Each pixel's forward
 * history is replayed (blendPixel) and walked back to front with the closed form
 *   dL/dalpha_i = g . (c_i T_i - S_i / (1 - alpha_i)) - T_final / (1 - alpha_i) (g . bg)
 * where S_i is the foreground colour blended behind splat i.
 */
import { TILE_SIZE } from './constants';
import type { ProjectedSplat } from './project';
import { blendPixel, referenceTileLists } from './rasterize';

export interface RasterGradients {
  /** [N, 2] dL/d(2D mean) in pixel units. */
  v_mean2d: Float64Array;
  /**
   * [N, 3] dL/d(A, B, C) of the conic [[A, B], [B, C]]. B is the full derivative of the loss with
   * respect to the single parameter B that fills both off-diagonal entries (gsplat's convention,
   * twice DGR's "half" value).
   */
  v_conic: Float64Array;
  /** [N] dL/d(activated opacity). */
  v_opacity: Float64Array;
  /** [N, 3] dL/d(colour after the clamp at 0); the clamp mask is applied later, in the SH backward. */
  v_color: Float64Array;
}

export function rasterizeBackward(
  projected: ProjectedSplat[],
  width: number,
  height: number,
  background: [number, number, number],
  vImage: ArrayLike<number>,
): RasterGradients {
  if (vImage.length !== width * height * 3) {
    throw new Error(`rasterizeBackward: vImage has ${vImage.length} values, expected ${width}x${height}x3 = ${width * height * 3}`);
  }
  const n = projected.length;
  const out: RasterGradients = {
    v_mean2d: new Float64Array(n * 2),
    v_conic: new Float64Array(n * 3),
    v_opacity: new Float64Array(n),
    v_color: new Float64Array(n * 3),
  };
  const tiles = referenceTileLists(projected, width, height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const tile = Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE);
      const blend = blendPixel(projected, tiles.lists[tile], i, j);
      const pix = j * width + i;
      const g = [vImage[pix * 3], vImage[pix * 3 + 1], vImage[pix * 3 + 2]];
      const gBg = g[0] * background[0] + g[1] * background[1] + g[2] * background[2];
      const behind = [0, 0, 0];
      for (let k = blend.steps.length - 1; k >= 0; k--) {
        const { splat: s, alpha, gauss, alphaClamped, transBefore: T } = blend.steps[k];
        const p = projected[s];
        let vAlpha = -(blend.finalT / (1 - alpha)) * gBg;
        for (let c = 0; c < 3; c++) {
          out.v_color[s * 3 + c] += alpha * T * g[c];
          vAlpha += g[c] * (p.color[c] * T - behind[c] / (1 - alpha));
          behind[c] += p.color[c] * alpha * T;
        }
        // alpha = 0.99 is a constant there: no gradient to the geometry or opacity (decisions.md).
        if (alphaClamped) continue;
        out.v_opacity[s] += gauss * vAlpha;
        // d alpha / d power = opacity * gauss.
        const vPower = p.opacity * gauss * vAlpha;
        const dx = p.mean2d[0] - (i + 0.5);
        const dy = p.mean2d[1] - (j + 0.5);
        const [A, B, C] = p.conic;
        out.v_mean2d[s * 2] += vPower * -(A * dx + B * dy);
        out.v_mean2d[s * 2 + 1] += vPower * -(B * dx + C * dy);
        out.v_conic[s * 3] += vPower * (-0.5 * dx * dx);
        out.v_conic[s * 3 + 1] += vPower * (-dx * dy);
        out.v_conic[s * 3 + 2] += vPower * (-0.5 * dy * dy);
      }
    }
  }
  return out;
}
