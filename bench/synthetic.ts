/** Seeded synthetic scenes for the benchmarks: splats filling a camera's view at depths 2..10. */
import type { Camera } from '../src/io/camera';
import { type SplatScene, shCoeffCount } from '../src/io/scene';
import { seededRandom } from '../src/train/random';

export function syntheticScene(n: number, width: number, height: number, shDegree: number, seed: number): { scene: SplatScene; camera: Camera } {
  const camera: Camera = { width, height, fx: width * 0.8, fy: width * 0.8, cx: width / 2, cy: height / 2, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 0] };
  const r = seededRandom(seed);
  const K = shCoeffCount(shDegree);
  const scene: SplatScene = {
    count: n,
    shDegree,
    means: new Float32Array(n * 3),
    logScales: new Float32Array(n * 3),
    quats: new Float32Array(n * 4),
    opacityLogits: new Float32Array(n),
    sh: new Float32Array(n * K * 3),
  };
  // Splat size shrinks with the count so the screen coverage stays like a real scene's
  // (about 10-40 splats deep per pixel), as in a trained capture of that many splats.
  const size = 0.5 / Math.cbrt(n);
  for (let i = 0; i < n; i++) {
    const z = 2 + 8 * r();
    const x = ((r() * 1.1 - 0.55) * width * z) / camera.fx;
    const y = ((r() * 1.1 - 0.55) * height * z) / camera.fy;
    scene.means.set([x, y, z], i * 3);
    for (let a = 0; a < 3; a++) scene.logScales[i * 3 + a] = Math.log(size * z * (0.3 + r()));
    scene.quats.set([r() - 0.5, r() - 0.5, r() - 0.5, r() - 0.5], i * 4);
    scene.opacityLogits[i] = -1 + 4 * r();
    for (let k = 0; k < K * 3; k++) scene.sh[i * K * 3 + k] = (r() - 0.5) * (k < 3 ? 2 : 0.3);
  }
  return { scene, camera };
}
