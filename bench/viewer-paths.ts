/**
 * The viewer's two paths on one scene and camera (the peers harness's camera: the 1st-99th
 * percentile box of the splat centres filling a 50 degree vertical fov from +z tilted toward up),
 * in Node: GPU time per frame of the tile rasterizer (exact) and of the sorted quads, per pass,
 * and how far apart their images are.
 * `node scripts/run-ts.mjs bench/viewer-paths.ts [scene.ply] [--size 640x480] [--frames N]`
 */
import { readFileSync } from 'node:fs';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { readPly } from '../src/io/ply';
import { SplatRenderer, type RenderOptions } from '../src/render/splat-renderer';
import { harnessCamera } from './harness-camera';
import { PassProfiler } from './pass-profiler';
import { median } from './timing';

export async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--') && a.endsWith('.ply')) ?? '../shared/data/ply/playbot-8406.ply';
  const sizeArg = argv.indexOf('--size');
  const [w, h] = (sizeArg >= 0 ? argv[sizeArg + 1] : '640x480').split('x').map(Number);
  const framesArg = argv.indexOf('--frames');
  const frames = framesArg >= 0 ? Number(argv[framesArg + 1]) : 5;
  const { device, adapterName } = await requestNodeDevice();
  const { scene } = await readPly(new Uint8Array(readFileSync(file)), file);
  const cam = harnessCamera(scene, w, h);
  const r = new SplatRenderer(device);
  r.setScene(scene);
  const opts: RenderOptions = { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] };
  const tile = await r.renderToImage(cam, { ...opts, exact: true });
  const quads = await r.renderSortedToImage(cam, opts);
  let sum = 0;
  let max = 0;
  let over2 = 0;
  for (let i = 0; i < tile.length; i++) {
    if (i % 4 === 3) continue;
    const d = Math.abs(Math.min(1, Math.max(0, tile[i])) - quads[i]);
    sum += d;
    max = Math.max(max, d);
    if (d > 2 / 255) over2++;
  }
  const values = (tile.length / 4) * 3;
  console.log(`${adapterName}: ${file} ${scene.count} splats at ${w}x${h}`);
  console.log(`image difference (quads vs tiles, 0..1): mean ${(sum / values).toExponential(2)}, max ${max.toFixed(4)}, > 2/255: ${((100 * over2) / values).toFixed(3)}%`);

  const target = device.createTexture({ size: [w, h], format: 'rgba8unorm', usage: 0x10 | 0x1 });
  const prof = new PassProfiler(device);
  for (const exact of [true, false]) {
    r.drawToTexture(cam, { ...opts, exact }, target);
    await device.queue.onSubmittedWorkDone();
    prof.install();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let f = 0; f < frames; f++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      r.drawToTexture(cam, { ...opts, exact }, target);
      await device.queue.onSubmittedWorkDone();
      const c1 = process.cpuUsage(c0);
      wall.push(performance.now() - t0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    prof.uninstall();
    const passes = await prof.collect();
    // CPU time of this process (SwiftShader's threads included) holds still when other jobs load the machine.
    console.log(`${exact ? 'tiles (exact)' : 'sorted quads '}: median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU per frame`);
    for (const p of passes.sort((a, b) => b.ms - a.ms)) console.log(`  ${(p.ms / frames).toFixed(2).padStart(9)} ms  ${p.label}`);
  }
  prof.destroy();
  target.destroy();
  r.destroy();
  device.destroy();
  return 0;
}
