/**
 * The viewer's frame in Node: the sorted-quad path into a 640x480 texture from the peers
 * harness's camera, per pass, median over frames: with the camera still (the last projection
 * and order are drawn again) and orbiting (0.5 degrees per frame: projection, depth sort and
 * draw every frame); and the frame with the tile rasterizer ("exact"). In the browser the page adds presentation; the
 * side-by-side with other viewers is bench/README.md's harness table.
 */
import type { SplatScene } from '../src/io/scene';
import { SplatRenderer, type RenderOptions } from '../src/render/splat-renderer';
import { PassProfiler } from './pass-profiler';
import { median, round } from './timing';
import { harnessCamera } from './harness-camera';

export interface ViewerBench {
  name: string;
  splats: number;
  width: number;
  height: number;
  /** Median GPU ms per frame, sum of its passes: camera still, orbiting, tile rasterizer. */
  quadsMs: number;
  orbitMs: number;
  exactMs: number;
  /** Passes of the orbiting frame. */
  quadPasses: Record<string, number>;
}

async function frameMs(device: GPUDevice, r: SplatRenderer, scene: SplatScene, opts: RenderOptions, frames: number, target: GPUTexture, orbit: boolean): Promise<{ ms: number; passes: Record<string, number> }> {
  let cam = harnessCamera(scene, target.width, target.height);
  r.drawToTexture(cam, opts, target);
  await device.queue.onSubmittedWorkDone();
  const prof = new PassProfiler(device);
  const totals: number[] = [];
  const per: Record<string, number[]> = {};
  for (let f = 0; f < frames; f++) {
    if (orbit) cam = harnessCamera(scene, target.width, target.height, undefined, 0.5 * (f + 1));
    prof.install();
    r.drawToTexture(cam, opts, target);
    prof.uninstall();
    await device.queue.onSubmittedWorkDone();
    const times = await prof.collect();
    totals.push(times.reduce((s, t) => s + t.ms, 0));
    for (const t of times) (per[t.label] ??= []).push(t.ms);
  }
  prof.destroy();
  const passes: Record<string, number> = {};
  for (const [k, v] of Object.entries(per)) passes[k] = round(median(v), 2);
  return { ms: round(median(totals), 2), passes };
}

export async function benchViewer(device: GPUDevice, name: string, scene: SplatScene, frames: number, width = 640, height = 480): Promise<ViewerBench> {
  const r = new SplatRenderer(device);
  r.setScene(scene);
  const target = device.createTexture({ label: 'bench.viewer', size: [width, height], format: 'rgba8unorm', usage: 0x10 | 0x1 });
  const opts: RenderOptions = { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] };
  const still = await frameMs(device, r, scene, opts, frames, target, false);
  const orbit = await frameMs(device, r, scene, opts, frames, target, true);
  const exact = await frameMs(device, r, scene, { ...opts, exact: true }, Math.max(2, Math.ceil(frames / 3)), target, false);
  target.destroy();
  r.destroy();
  return { name, splats: scene.count, width, height, quadsMs: still.ms, orbitMs: orbit.ms, exactMs: exact.ms, quadPasses: orbit.passes };
}
