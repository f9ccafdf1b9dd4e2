/**
 * The peers harness's camera (../shared/tools/peers/run.mjs cameraFor), for benchmarks in Node
 * and in the browser: no Node imports here.
 */
import { lookAtCamera, type Camera } from '../src/io/camera';
import type { SplatScene } from '../src/io/scene';

/** The peers harness's camera for a scene (../shared/tools/peers/run.mjs cameraFor). */
export function harnessCamera(scene: SplatScene, width: number, height: number, up = [0, -1, 0], turnDegrees = 0): Camera {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let a = 0; a < 3; a++) {
    const v = Float64Array.from({ length: scene.count }, (_, i) => scene.means[3 * i + a]).sort();
    const pct = (p: number) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
    lo.push(pct(0.01));
    hi.push(pct(0.99));
  }
  const c = lo.map((l, i) => (l + hi[i]) / 2);
  const r = Math.hypot(...hi.map((h, i) => h - lo[i])) / 2;
  const dist = r / Math.sin((50 * Math.PI) / 360);
  const d0 = [0.3 * up[0], 0.3 * up[1], 0.3 * up[2] + 1];
  // Turned by `turnDegrees` about the up axis through the target (Rodrigues), for orbiting frames.
  const a = (turnDegrees * Math.PI) / 180;
  const ul = Math.hypot(...up);
  const k = up.map((v) => v / ul);
  const kxd = [k[1] * d0[2] - k[2] * d0[1], k[2] * d0[0] - k[0] * d0[2], k[0] * d0[1] - k[1] * d0[0]];
  const kd = k[0] * d0[0] + k[1] * d0[1] + k[2] * d0[2];
  const dir = d0.map((v, i) => v * Math.cos(a) + kxd[i] * Math.sin(a) + k[i] * kd * (1 - Math.cos(a)));
  const len = Math.hypot(...dir);
  const eye = c.map((x, i) => x + (dir[i] / len) * dist);
  return { ...lookAtCamera(eye, c, up, width, height, 50), near: dist / 100 };
}
