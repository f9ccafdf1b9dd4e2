/**
 * Reference backward pass: the exact gradient of L = sum(vImage * image) of referenceRender with
 * respect to every raw parameter, plus the densification statistics. Rasterizer backward
 * (rasterize-backward.ts), then per splat the SH backward (sh-backward.ts) and the projection
 * backward (project-backward.ts); the three mean paths (2D mean, Jacobian, view direction) add up.
 */
import type { Camera } from '../io/camera';
import { shCoeffCount } from '../io/scene';
import { projectBackward } from './project-backward';
import { rasterizeBackward, type RasterGradients } from './rasterize-backward';
import { referenceProject, type ProjectedSplat } from './project';
import { shBackward } from './sh-backward';
import { resolveOptions, type ReferenceOptions, type ReferenceScene } from './types';

export interface DensifyStats {
  /** [N] |dL/d(2D mean)| in NDC units (pixel gradient times (W/2, H/2)); 0 where not visible. */
  gradNormNdc: Float64Array;
  /** [N] 1 where the splat was visible (projected and on at least one tile), else 0. */
  visible: Uint8Array;
  /** [N] screen radius in pixels; 0 where not visible. */
  radius: Float64Array;
}

export interface ReferenceGradients extends RasterGradients {
  /** [N, 3] */
  v_means: Float64Array;
  /** [N, 3] */
  v_logScales: Float64Array;
  /** [N, 4] through the normalisation. */
  v_quats: Float64Array;
  /** [N] through the sigmoid. */
  v_opacityLogits: Float64Array;
  /** [N, K, 3], K from the scene degree; zero above the active degree. */
  v_sh: Float64Array;
  densify: DensifyStats;
  projected: ProjectedSplat[];
}

export function referenceBackward(
  scene: ReferenceScene,
  camera: Camera,
  vImage: ArrayLike<number>,
  opts: ReferenceOptions = {},
): ReferenceGradients {
  const o = resolveOptions(scene, camera, opts, 'referenceBackward');
  const { width: W, height: H } = camera;
  const n = scene.count;
  const K = shCoeffCount(scene.shDegree);
  const projected = referenceProject(scene, camera, o);
  const raster = rasterizeBackward(projected, W, H, o.background, vImage);
  const out: ReferenceGradients = {
    ...raster,
    v_means: new Float64Array(n * 3),
    v_logScales: new Float64Array(n * 3),
    v_quats: new Float64Array(n * 4),
    v_opacityLogits: new Float64Array(n),
    v_sh: new Float64Array(n * K * 3),
    densify: { gradNormNdc: new Float64Array(n), visible: new Uint8Array(n), radius: new Float64Array(n) },
    projected,
  };
  for (let i = 0; i < n; i++) {
    const p = projected[i];
    if (!p.visible) continue;
    const vMean2d = raster.v_mean2d.subarray(2 * i, 2 * i + 2);
    const shG = shBackward(p, sliceOf(scene.sh, i * K * 3, (i + 1) * K * 3), o.shDegree, raster.v_color.subarray(3 * i, 3 * i + 3));
    out.v_sh.set(shG.v_sh, i * K * 3);
    const geo = projectBackward(p, camera, vMean2d, raster.v_conic.subarray(3 * i, 3 * i + 3), raster.v_opacity[i]);
    for (let a = 0; a < 3; a++) {
      out.v_means[3 * i + a] = geo.v_mean[a] + shG.v_mean[a];
      out.v_logScales[3 * i + a] = geo.v_logScale[a];
    }
    out.v_quats.set(geo.v_quat, 4 * i);
    // opacity = sigmoid(x) * compensation (1 without anti-aliasing) * dropScale (1 without dropout).
    const factor = p.compensation * p.dropScale;
    const sig = p.opacity / factor;
    out.v_opacityLogits[i] = sig * (1 - sig) * factor * raster.v_opacity[i];
    out.densify.gradNormNdc[i] = Math.hypot(vMean2d[0] * (W / 2), vMean2d[1] * (H / 2));
    out.densify.visible[i] = 1;
    out.densify.radius[i] = p.radius;
  }
  return out;
}

function sliceOf(a: ArrayLike<number>, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k < to; k++) out.push(a[k]);
  return out;
}
