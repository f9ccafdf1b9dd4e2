/** Scenes and a device for the tests of what one GPU holds (WebGPU's default 128 MiB bindings). */
import { type SplatScene, shCoeffCount } from '../../src/io/scene';
import { requestNodeDevice } from '../../src/gpu/node-gpu';
import { getTestDevice } from './gpu';

/**
 * A second Dawn device with WebGPU's default buffer limits; `errors` collects its uncaptured GPU
 * errors (the test asserts none). The shared test device is made first: it fixes the toggles.
 */
export async function smallLimitsDevice(): Promise<{ device: GPUDevice; errors: string[] }> {
  await getTestDevice();
  const errors: string[] = [];
  const { device } = await requestNodeDevice({ defaultBufferLimits: true, onError: (m) => errors.push(m) });
  return { device, errors };
}

/** `count` SH-3 splats: `own`'s first, the rest tiny and far outside every view (culled, but in every buffer). */
export function paddedScene(own: SplatScene, count: number): SplatScene {
  const s: SplatScene = {
    count,
    shDegree: 3,
    means: new Float32Array(count * 3).fill(-1e4),
    logScales: new Float32Array(count * 3).fill(-5),
    quats: new Float32Array(count * 4),
    opacityLogits: new Float32Array(count),
    sh: new Float32Array(count * shCoeffCount(3) * 3),
  };
  for (let i = 0; i < count; i++) s.quats[i * 4] = 1;
  s.means.set(own.means);
  s.logScales.set(own.logScales);
  s.quats.set(own.quats);
  s.opacityLogits.set(own.opacityLogits);
  s.sh.set(own.sh);
  return s;
}

/**
 * `n` SH-0 splats of scale 3 at the origin (depths 1e-5 apart, so their order is defined): seen
 * from (0, 0, -4) each covers a view of up to 1024 px with focal length half its width.
 */
export function wideSplats(n: number): SplatScene {
  const s: SplatScene = { count: n, shDegree: 0, means: new Float32Array(n * 3), logScales: new Float32Array(n * 3).fill(Math.log(3)), quats: new Float32Array(n * 4), opacityLogits: new Float32Array(n).fill(2), sh: new Float32Array(n * 3).fill(0.5) };
  for (let i = 0; i < n; i++) {
    s.quats[i * 4] = 1;
    s.means[i * 3 + 2] = i * 1e-5;
  }
  return s;
}
