/** Random test scenes and cameras for GPU-vs-reference tests (seeded, reproducible). */
import type { Camera } from '../../src/io/camera';
import { type SplatScene, emptyScene, shCoeffCount } from '../../src/io/scene';
import { quatToRotation } from '../../src/reference/math';
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
  /** Fraction of splats with opacity above the 0.99 alpha cap (sigmoid(4.7..7.7)). */
  opaque?: number;
  /** Appends the splats of `branchSplats` after the `count` random ones. */
  branches?: boolean;
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
    // Drawn only when asked for, so scenes without opaque splats keep their random stream.
    const opaque = (o.opaque ?? 0) > 0 && r() < (o.opaque ?? 0);
    scene.opacityLogits[i] = opaque ? 4.7 + 3 * r() : -2 + 5 * r();
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) {
        const s = k === 0 ? (r() - 0.5) * 3 : (r() - 0.5) * (o.shScale ?? 0.6);
        scene.sh[(i * K + k) * 3 + c] = s;
      }
    }
  }
  return o.branches ? appendScenes(scene, branchSplats(cam, o.shDegree, o.seed)) : scene;
}

/**
 * Splats placed to reach the forward's rarer branches (for any camera looking down +z from the
 * origin, as testCamera): two per side of the Jacobian's widened frustum (x/z and y/z clamped low
 * and high) wide enough to reach into the image; one just behind and one just in front of the
 * near plane, both crossing it within 3 sigma; a stack of four 0.97-opaque splats whose pixels
 * stop at T_MIN; two above the alpha cap; one with red and green SH sums below 0 at any degree.
 */
function branchSplats(cam: Camera, shDegree: number, seed: number): SplatScene {
  const r = rng(seed ^ 0x9e3779b9);
  const { width: W, height: H } = cam;
  const near = cam.near ?? 0.01;
  const specs: { u: number; v: number; z: number; sigmaPx: number; logit: number }[] = [];
  const inside = (extent: number): number => (0.2 + 0.6 * r()) * extent;
  for (const u of [-0.35 * W, 1.35 * W]) for (let k = 0; k < 2; k++) specs.push({ u, v: inside(H), z: 3 + 2 * r(), sigmaPx: 0.2 * W, logit: 1 });
  for (const v of [-0.35 * H, 1.35 * H]) for (let k = 0; k < 2; k++) specs.push({ u: inside(W), v, z: 3 + 2 * r(), sigmaPx: 0.2 * H, logit: 1 });
  // sigma 0.003 world units: 3 sigma = 0.009 reaches across the near plane from 0.6 or 1.6 near.
  specs.push({ u: inside(W), v: inside(H), z: 0.6 * near, sigmaPx: (0.003 * cam.fx) / (0.6 * near), logit: -0.5 });
  specs.push({ u: inside(W), v: inside(H), z: 1.6 * near, sigmaPx: (0.003 * cam.fx) / (1.6 * near), logit: -1 });
  const [su, sv] = [inside(W), inside(H)];
  // Depths of the placed splats avoid each other's: a tie would be broken by f32 rounding.
  for (let k = 0; k < 4; k++) specs.push({ u: su + k * 0.3, v: sv - k * 0.2, z: 2.05 + 0.5 * k, sigmaPx: 3, logit: 3.5 });
  // Above the cap within 0.14 sigma of the centre: a few pixels wide at 12 px.
  for (let k = 0; k < 2; k++) specs.push({ u: inside(W), v: inside(H), z: 2.75 + 0.1 * k, sigmaPx: 12, logit: 9 });
  specs.push({ u: inside(W), v: inside(H), z: 3.2, sigmaPx: 4, logit: 1 });
  const K = shCoeffCount(shDegree);
  const out = emptyScene(specs.length, shDegree);
  specs.forEach((p, i) => {
    out.means.set([((p.u - cam.cx) / cam.fx) * p.z, ((p.v - cam.cy) / cam.fy) * p.z, p.z], i * 3);
    const ls = Math.log((p.sigmaPx * Math.abs(p.z)) / cam.fx);
    out.logScales.set([ls, ls + 0.2 * (r() - 0.5), ls + 0.2 * (r() - 0.5)], i * 3);
    out.quats.set([1, 0.3 * (r() - 0.5), 0.3 * (r() - 0.5), 0.3 * (r() - 0.5)], i * 4);
    out.opacityLogits[i] = p.logit;
    for (let k = 0; k < K * 3; k++) out.sh[i * K * 3 + k] = k < 3 ? (r() - 0.5) * 2 : (r() - 0.5) * 0.3;
  });
  // Red and green far below zero: clamped whatever the view direction adds.
  out.sh[(specs.length - 1) * K * 3] = -4;
  out.sh[(specs.length - 1) * K * 3 + 1] = -3;
  return out;
}

/** a's splats followed by b's (same SH degree). */
function appendScenes(a: SplatScene, b: SplatScene): SplatScene {
  const cat = (x: Float32Array, y: Float32Array): Float32Array => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    count: a.count + b.count,
    shDegree: a.shDegree,
    means: cat(a.means, b.means),
    logScales: cat(a.logScales, b.logScales),
    quats: cat(a.quats, b.quats),
    opacityLogits: cat(a.opacityLogits, b.opacityLogits),
    sh: cat(a.sh, b.sh),
  };
}

/**
 * The same splats seen by a camera moved to a random pose: the camera gets world-to-camera
 * rotation R (from a random unit quaternion within ~0.6 rad of identity) and translation t, and
 * every mean and splat rotation is moved so that camera-space geometry is unchanged (view
 * directions, and so SH colours, do change). Catches a transposed or dropped camera rotation,
 * which an identity camera cannot.
 */
export function posed(scene: SplatScene, cam: Camera, seed: number): { scene: SplatScene; cam: Camera } {
  const r = rng(seed ^ 0x2545f491);
  const h = [1, 0.3 * (r() - 0.5), 0.3 * (r() - 0.5), 0.3 * (r() - 0.5)];
  const n = Math.hypot(...h);
  const [w, x, y, z] = h.map((v) => v / n);
  const R = quatToRotation(w, x, y, z);
  const t = [r() - 0.5, r() - 0.5, r() - 0.5];
  const out: SplatScene = { ...scene, means: new Float32Array(scene.means.length), quats: new Float32Array(scene.quats.length) };
  for (let i = 0; i < scene.count; i++) {
    const c = [0, 1, 2].map((a) => scene.means[i * 3 + a] - t[a]);
    for (let a = 0; a < 3; a++) out.means[i * 3 + a] = R[a] * c[0] + R[3 + a] * c[1] + R[6 + a] * c[2];
    // q_world = conj(q_cam) * q_splat (Hamilton), so that R_cam R_world = R_splat.
    const [sw, sx, sy, sz] = scene.quats.subarray(i * 4, i * 4 + 4);
    out.quats.set(
      [w * sw + x * sx + y * sy + z * sz, w * sx - x * sw - y * sz + z * sy, w * sy + x * sz - y * sw - z * sx, w * sz - x * sy + y * sx - z * sw],
      i * 4,
    );
  }
  return { scene: out, cam: { ...cam, R, t } };
}

/** Every branch counter of referenceBranchCounts a branch scene (branches: true) must reach. */
export const EVERY_BRANCH = [
  'nearCulled',
  'nearCrossingVisible',
  'nearCrossingCulled',
  'jacobianXLow',
  'jacobianXHigh',
  'jacobianYLow',
  'jacobianYHigh',
  'clampedColorChannels',
  'alphaCapped',
  'alphaSkipped',
  'tStopped',
] as const;
