/**
 * `npm run bench`: the adapter's limits (bench/calibrate.ts), then per scene one training-style
 * frame per run with every pass timed (bench/render-bench.ts) and its stages judged against the
 * limits, the radix sort alone at larger sizes (bench/sort-stages.ts), the viewer's frame (bench/viewer-bench.ts), and training speed on buddha13. Writes
 * bench/results/<adapter>.json and bench/README.md's generated block.
 * Options: --quick (fewer runs, skips 10^6), --runs N, --train-iters N, --max-splats N (skip the
 * synthetic sizes above N: on SwiftShader 10^6 splats at 1280x720 take minutes per run; a size
 * the adapter cannot hold is reported as not measured, with the failed allocation or limit),
 * --peer-scene FILE (the peers harness's smaller scene, default ../shared/data/ply/playbot-8406.ply;
 * the GPU machine has no ../shared), --from-json FILE (no measuring: put a results file measured
 * elsewhere, such as the GPU machine's, into bench/results/ and its section into bench/README.md),
 * --out FILE (write the results there only: bench/results/ and bench/README.md stay as they are).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { lookAtCamera } from '../src/io/camera';
import { readPly } from '../src/io/ply';
import { sceneBounds } from '../src/io/scene';
import { measureLimits } from './calibrate';
import { benchRender, type RenderBench, TooLargeForAdapter } from './render-bench';
import { benchSortStages } from './sort-stages';
import { benchViewer, type ViewerBench } from './viewer-bench';
import { syntheticScene } from './synthetic';
import { benchTraining, type TrainBench } from './train';
import { type Report, type SkippedCase, writeReport } from './report';
import { arg } from './args';

async function readScene(path: string) {
  return (await readPly(new Uint8Array(readFileSync(resolve(path))), path)).scene;
}

export async function main(argv: string[]): Promise<number> {
  const fromJson = arg(argv, '--from-json');
  if (fromJson) return importReport(fromJson);
  const quick = argv.includes('--quick');
  const runs = Number(arg(argv, '--runs') ?? (quick ? 2 : 5));
  const maxSplats = Number(arg(argv, '--max-splats') ?? Infinity);
  const iters = Number(arg(argv, '--train-iters') ?? (quick ? 20 : 100));
  const ctx = await requestNodeDevice();
  const device = ctx.device;
  console.error(`adapter: ${ctx.adapterName}`);
  const limits = await measureLimits(device);
  console.error(`limits: ${JSON.stringify(limits)}`);

  const render: RenderBench[] = [];
  const W = 1280;
  const H = 720;
  const skipped: SkippedCase[] = [];
  for (const n of quick ? [1e4, 1e5] : [1e4, 1e5, 1e6]) {
    if (n > maxSplats) {
      skipped.push({ splats: n, reason: 'skipped with --max-splats' });
      continue;
    }
    const { scene, camera } = syntheticScene(n, W, H, 3, 42);
    console.error(`frame: ${n} synthetic SH-3 splats at ${W}x${H} ...`);
    try {
      render.push(await benchRender(device, `synthetic ${n.toExponential(0)}`, scene, camera, runs, limits));
    } catch (e) {
      if (!(e instanceof TooLargeForAdapter)) throw e;
      console.error(`  not measured, too large for this adapter: ${e.message}`);
      skipped.push({ splats: n, reason: `too large for this adapter: ${e.detail}` });
    }
  }
  const playbot = await readScene('scenes/playbot-31000.ply');
  const b = sceneBounds(playbot);
  const c = [0, 1, 2].map((a) => (b.min[a] + b.max[a]) / 2);
  console.error('frame: playbot-31000 ...');
  render.push(await benchRender(device, 'playbot-31000', playbot, lookAtCamera([c[0], c[1] - 0.3, c[2] - 2.6], c, [0, -1, 0], W, H, 50), runs, limits));

  console.error('radix sort alone ...');
  const sort = await benchSortStages(device, limits, runs);

  const viewer: ViewerBench[] = [];
  for (const file of [arg(argv, '--peer-scene') ?? '../shared/data/ply/playbot-8406.ply', 'scenes/playbot-31000.ply']) {
    console.error(`viewer: ${file} ...`);
    viewer.push(await benchViewer(device, file.split('/').pop()!, await readScene(file), quick ? 3 : 8));
  }

  let train: TrainBench | undefined;
  if (iters > 0) {
    console.error(`training buddha13 for ${iters} iterations ...`);
    train = await benchTraining(device, iters);
  }
  const report = { adapter: ctx.adapterName, date: new Date().toISOString(), runs, limits, render, sort, viewer, train, skipped };
  const out = arg(argv, '--out');
  if (out) writeFileSync(resolve(out), `${JSON.stringify(report, null, 2)}\n`);
  else saveReport(report);
  device.destroy();
  return 0;
}

function saveReport(report: Report): void {
  mkdirSync(resolve('bench/results'), { recursive: true });
  const slug = report.adapter.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'adapter';
  const file = resolve('bench/results', `${slug}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeReport(resolve('bench/README.md'), report);
  console.error(`wrote ${file} and bench/README.md`);
}

function importReport(path: string): number {
  let report: Report;
  try {
    report = JSON.parse(readFileSync(resolve(path), 'utf8')) as Report;
  } catch (e) {
    throw new Error(`${path}: not readable as JSON (${(e as Error).message})`);
  }
  for (const key of ['adapter', 'date', 'limits', 'render', 'viewer'] as const) {
    if (!(key in report)) throw new Error(`${path}: not a bench results file (no "${key}")`);
  }
  saveReport(report);
  return 0;
}
