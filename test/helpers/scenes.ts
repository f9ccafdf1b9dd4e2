/** Random test scenes and cameras for GPU-vs-reference tests (seeded, reproducible). */
import type { Camera } from '../../src/io/camera';
import { type SplatScene, shCoeffCount } from '../../src/io/scene';
import { rng } from './compare';

export interface RandomSceneOptions {
  count: number;
  shDegree: number;
  seed: number;
  /** Fraction of splats placed behind the camera. */
  behind?: number;
  /** Fraction of huge splats (covering many tiles). */
  huge?: number;
  /** Fraction of degenerate splats (one scale ~0, or zero quaternion). */
  degenerate?: number;
  /** SH magnitude; large values push colours below 0 (clamped). */
  shScale?: number;
}

/** A camera at the origin looking down +z (COLMAP), principal point off-centre. */
export function testCamera(width: number, height: number): Camera {
  return { width, height, fx: width * 0.9, fy: width * 0.9, cx: width * 0.52, cy: height * 0.47, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };
}

/** Splats in the view frustum at depths 2..8, with optional adversarial ones. */
export function randomScene(cam: Camera, o: RandomSceneOptions): SplatScene {
  const r = rng(o.seed);
  const n = o.count;
  const K = shCoeffCount(o.shDegree);
  const scene: SplatScene = {
    count: n,
    shDegree: o.shDegree,
    means: new Float32Array(n * 3),
    logScales: new Float32Array(n * 3),
    quats: new Float32Array(n * 4),
    opacityLogits: new Float32Array(n),
    sh: new Float32Array(n * K * 3),
  };
  for (let i = 0; i < n; i++) {
    const z = 2 + 6 * r();
    // Up to 20% outside the image on each side, so some splats are partly off-screen.
    const u = (-0.2 + 1.4 * r()) * cam.width;
    const v = (-0.2 + 1.4 * r()) * cam.height;
    const x = ((u - cam.cx) / cam.fx) * z;
    const y = ((v - cam.cy) / cam.fy) * z;
    const kind = r();
    const behind = kind < (o.behind ?? 0);
    scene.means.set([x, y, behind ? -z : z], i * 3);
    const base = Math.log(0.02 + 0.06 * r());
    const huge = kind >= (o.behind ?? 0) && kind < (o.behind ?? 0) + (o.huge ?? 0);
    for (let a = 0; a < 3; a++) scene.logScales[i * 3 + a] = huge ? Math.log(0.6 + r()) : base + 0.8 * (r() - 0.5);
    const degenerate = r() < (o.degenerate ?? 0);
    if (degenerate) scene.logScales[i * 3 + Math.floor(r() * 3)] = -30;
    const q = [r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5];
    scene.quats.set(q, i * 4);
    scene.opacityLogits[i] = -2 + 5 * r();
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) {
        const s = k === 0 ? (r() - 0.5) * 3 : (r() - 0.5) * (o.shScale ?? 0.6);
        scene.sh[(i * K + k) * 3 + c] = s;
      }
    }
  }
  return scene;
}
