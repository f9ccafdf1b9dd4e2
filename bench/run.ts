/**
 * `npm run bench`: forward (projection / sort / raster), backward and loss times for 10^4,
 * 10^5 and 10^6 splats at 1280x720 and for the playbot scene, per-intersection buffer bytes, and
 * training speed on buddha13. Writes bench/results/<adapter>.json and the table in
 * bench/README.md. Medians over several runs; each stage is submitted and awaited on its own.
 * Options: --quick (fewer runs, skips 10^6), --runs N, --train-iters N, --max-splats N (skip the
 * synthetic sizes above N: on SwiftShader 10^6 splats at 1280x720 take hours per run).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { lookAtCamera, type Camera } from '../src/io/camera';
import { readPly } from '../src/io/ply';
import { type SplatScene, sceneBounds } from '../src/io/scene';
import { GaussianBuffers } from '../src/render/gaussian-buffers';
import { ForwardPass } from '../src/render/forward-pass';
import { BackwardPass } from '../src/render/backward-pass';
import { ImageLoss } from '../src/kernels/image-loss';
import { ISECT_GRAD_BYTES } from '../src/kernels/rasterize-backward';
import { STORAGE } from '../src/gpu/buffers';
import { median, round, timeSubmit } from './timing';
import { syntheticScene } from './synthetic';
import { benchTraining, type TrainBench } from './train';
import { writeReport } from './report';

import type { RenderBench } from './render-bench';

async function benchRender(device: GPUDevice, name: string, scene: SplatScene, cam: Camera, runs: number): Promise<RenderBench> {
  const gaussians = GaussianBuffers.upload(device, scene);
  const fwd = new ForwardPass(device);
  const bwd = new BackwardPass(device);
  const loss = new ImageLoss(device);
  const opts = { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
  await fwd.renderExact(gaussians, cam, opts); // sizes every buffer
  const target = device.createBuffer({ label: 'bench.target', size: cam.width * cam.height * 16, usage: STORAGE });
  const vImage = device.createBuffer({ label: 'bench.vImage', size: cam.width * cam.height * 16, usage: STORAGE });
  loss.setTarget(target, cam.width, cam.height);
  const t: Record<string, number[]> = { project: [], sort: [], raster: [], loss: [], backward: [] };
  for (let r = 0; r < runs + 1; r++) {
    const encs: GPUCommandEncoder[] = [device.createCommandEncoder()];
    fwd.encode(encs[0], gaussians, cam, opts, () => {
      encs.push(device.createCommandEncoder());
      return encs[encs.length - 1];
    });
    const stages = encs.map((e) => e.finish());
    const ms = [await timeSubmit(device, [stages[0]]), await timeSubmit(device, [stages[1]]), await timeSubmit(device, [stages[2]])];
    let enc = device.createCommandEncoder();
    loss.encode(enc, fwd.image.buffer, vImage);
    const lossMs = await timeSubmit(device, [enc.finish()]);
    enc = device.createCommandEncoder();
    bwd.encode(enc, fwd, gaussians, vImage);
    const bwdMs = await timeSubmit(device, [enc.finish()]);
    if (r === 0) continue; // warm-up: pipeline compilation, first-touch allocations
    t.project.push(ms[0]);
    t.sort.push(ms[1]);
    t.raster.push(ms[2]);
    t.loss.push(lossMs);
    t.backward.push(bwdMs);
  }
  await fwd.checkCapacity();
  const m = (k: string) => round(median(t[k]), 3);
  const result: RenderBench = {
    name,
    splats: scene.count,
    width: cam.width,
    height: cam.height,
    intersections: fwd.stats.intersections,
    ms: { project: m('project'), sort: m('sort'), raster: m('raster'), forward: round(m('project') + m('sort') + m('raster'), 3), loss: m('loss'), backward: m('backward') },
    perIntersectionBytes: {
      'tile ids + sort scratch': 8,
      'slots + sort scratch': 8,
      'splat index by slot': 4,
      'backward partial gradients': ISECT_GRAD_BYTES,
    },
  };
  for (const b of [target, vImage]) b.destroy();
  gaussians.destroy();
  fwd.destroy();
  bwd.destroy();
  loss.destroy();
  return result;
}

export async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : quick ? 2 : 5;
  const itersArg = argv.indexOf('--train-iters');
  const ctx = await requestNodeDevice();
  const device = ctx.device;
  console.error(`adapter: ${ctx.adapterName}`);
  const results: RenderBench[] = [];
  const W = 1280;
  const H = 720;
  const maxArg = argv.indexOf('--max-splats');
  const maxSplats = maxArg >= 0 ? Number(argv[maxArg + 1]) : Infinity;
  const skipped: number[] = [];
  for (const n of quick ? [1e4, 1e5] : [1e4, 1e5, 1e6]) {
    if (n > maxSplats) {
      skipped.push(n);
      continue;
    }
    const { scene, camera } = syntheticScene(n, W, H, 3, 42);
    console.error(`rendering ${n} synthetic SH-3 splats at ${W}x${H} ...`);
    results.push(await benchRender(device, `synthetic ${n.toExponential(0)}`, scene, camera, runs));
    console.error(JSON.stringify(results[results.length - 1].ms));
  }
  const ply = await readPly(new Uint8Array(readFileSync(resolve('scenes/playbot-31000.ply'))), 'playbot-31000.ply');
  const b = sceneBounds(ply.scene);
  const c = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2);
  const cam = lookAtCamera([c[0], c[1] - 0.3, c[2] - 2.6], c, [0, -1, 0], W, H, 50);
  console.error('rendering playbot-31000 ...');
  results.push(await benchRender(device, 'playbot-31000', ply.scene, cam, runs));
  let train: TrainBench | undefined;
  const iters = itersArg >= 0 ? Number(argv[itersArg + 1]) : quick ? 20 : 100;
  if (iters > 0) {
    console.error(`training buddha13 for ${iters} iterations ...`);
    train = await benchTraining(device, iters);
  }
  const report = { adapter: ctx.adapterName, date: new Date().toISOString(), runs, render: results, train, skipped };
  mkdirSync(resolve('bench/results'), { recursive: true });
  const slug = ctx.adapterName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'adapter';
  const file = resolve('bench/results', `${slug}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeReport(resolve('bench/README.md'), report);
  console.error(`wrote ${file} and bench/README.md`);
  device.destroy();
  return 0;
}
