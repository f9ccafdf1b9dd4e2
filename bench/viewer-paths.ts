/**
 * The viewer's two paths on one scene and camera (the peers harness's camera: the 1st-99th
 * percentile box of the splat centres filling a 50 degree vertical fov from +z tilted toward up),
 * in Node: GPU time per frame of the tile rasterizer (exact) and of the sorted quads, per pass,
 * and how far apart their images are.
 * `node scripts/run-ts.mjs bench/viewer-paths.ts [scene.ply] [--size 640x480] [--frames N]`
 */
import { readFileSync } from 'node:fs';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { lookAtCamera, type Camera } from '../src/io/camera';
import { readPly } from '../src/io/ply';
import type { SplatScene } from '../src/io/scene';
import { SplatRenderer, type RenderOptions } from '../src/render/splat-renderer';
import { PassProfiler } from './pass-profiler';
import { median } from './timing';

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
