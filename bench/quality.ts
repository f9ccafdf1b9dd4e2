/**
 * `npm run bench:quality`: held-out quality of short runs, the reference schedule against the
 * scaled one (src/train/schedule.ts), on buddha13 and on a capture rendered from playbot-31000
 * (bench/capture.ts: 40 views at 640x480, generated on first use into bench/.data/), both
 * trained at 1/2 size. Every run appends to bench/results/quality.json (a run of the same scene,
 * length and label replaces the older one), and bench/README.md's quality block is rewritten
 * from that file, so long runs can be made one at a time.
 *
 *   node scripts/run-ts.mjs bench/quality.ts [--scenes buddha13,playbot,buddha13-quarter] [--steps 1000,5000]
 *     [--schedules reference,scaled] [--variant 'name={"scaledSchedule":{"startDivisor":1}}']
 *     [--eval-every N] [--results FILE] [--report-only]
 *
 * A variant is a label and a TrainConfig (JSON) trained next to the schedules, for ablations.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { loadColmapDataset, type ColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import type { TrainConfig } from '../src/train/config';
import { writeCapture, CAPTURE_DEFAULTS } from './capture';
import { type QualityRun, qualityRun } from './quality-run';
import { writeQualityReport } from './quality-report';
import { arg } from './args';

const CAPTURE_DIR = 'bench/.data/playbot-ring';

interface SceneSpec {
  name: string;
  load(): Promise<ColmapDataset>;
}

const SCENES: Record<string, SceneSpec> = {
  buddha13: {
    name: 'buddha13 (1/2)',
    load: () => loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution: 2, evalSplit: true }),
  },
  // A quarter of the pixels: long runs (5,000 steps of the reference grow past 100k splats) in
  // a quarter of the time.
  'buddha13-quarter': {
    name: 'buddha13 (1/4)',
    load: () => loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution: 4, evalSplit: true }),
  },
  playbot: {
    name: 'playbot ring (1/2)',
    async load() {
      if (!existsSync(resolve(CAPTURE_DIR, 'sparse/0/images.bin'))) {
        console.error(`rendering the playbot capture into ${CAPTURE_DIR} (bench/capture.ts)`);
        await writeCapture({ ...CAPTURE_DEFAULTS, out: resolve(CAPTURE_DIR) });
      }
      return loadColmapDataset(nodeDirectorySource(resolve(CAPTURE_DIR)), { resolution: 2, evalSplit: true });
    },
  },
};

function list(argv: string[], name: string, dflt: string): string[] {
  return (arg(argv, name) ?? dflt).split(',').filter(Boolean);
}

export function loadResults(path: string): QualityRun[] {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as QualityRun[]) : [];
}

function saveResult(path: string, run: QualityRun): void {
  const all = loadResults(path).filter((r) => !(r.scene === run.scene && r.iterations === run.iterations && r.label === run.label));
  all.push(run);
  writeFileSync(path, `${JSON.stringify(all, null, 1)}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const resultsPath = resolve(arg(argv, '--results') ?? 'bench/results/quality.json');
  const readme = resolve(arg(argv, '--readme') ?? 'bench/README.md');
  if (argv.includes('--report-only')) {
    writeQualityReport(readme, loadResults(resultsPath));
    return 0;
  }
  const scenes = list(argv, '--scenes', 'buddha13,playbot');
  const steps = list(argv, '--steps', '1000,5000').map(Number);
  const runs: [string, Partial<TrainConfig>][] = list(argv, '--schedules', 'reference,scaled').map((s) => [s, { schedule: s as TrainConfig['schedule'] }]);
  for (let i = argv.indexOf('--variant'); i >= 0; i = argv.indexOf('--variant', i + 1)) {
    const text = argv[i + 1];
    const eq = text.indexOf('=');
    runs.push([text.slice(0, eq), JSON.parse(text.slice(eq + 1)) as Partial<TrainConfig>]);
  }
  for (const s of scenes) if (!SCENES[s]) throw new Error(`unknown scene ${s} (known: ${Object.keys(SCENES).join(', ')})`);
  const { device, adapterName } = await requestNodeDevice();
  console.error(`adapter: ${adapterName}`);
  for (const s of scenes) {
    const dataset = await SCENES[s].load();
    for (const n of steps) {
      for (const [label, config] of runs) {
        const evalEvery = Number(arg(argv, '--eval-every') ?? Math.max(1, Math.round(n / 20)));
        const run = await qualityRun(device, SCENES[s].name, dataset, label, { seed: 0, ...config, iterations: n }, evalEvery, (l) => console.error(l));
        console.log(JSON.stringify({ ...run, curve: undefined }));
        saveResult(resultsPath, run);
        writeQualityReport(readme, loadResults(resultsPath));
      }
    }
  }
  device.destroy();
  return 0;
}
