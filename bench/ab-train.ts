/**
 * Development aid: A/B of shader versions on training steps in one process, so both sides see
 * the same machine load. B compiles the listed shader files from another checkout's shaders/
 * directory (e.g. a `git worktree` of the previous commit); steps alternate A, B, A, B, ... and
 * the per-pass GPU times (timestamp queries) are reported as medians with the B/A ratio.
 * `node scripts/run-ts.mjs bench/ab-train.ts --old ../base/shaders --files rasterize.wgsl [--steps 6] [--resolution 2]`
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { SHADER_SOURCES } from '../src/gpu/wgsl';
import { loadColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import { initFromPoints } from '../src/train/init';
import { Trainer } from '../src/train/trainer';
import { PassProfiler } from './pass-profiler';
import { median } from './timing';

export async function main(argv: string[]): Promise<number> {
  const arg = (name: string, dflt: string): string => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : dflt;
  };
  const oldDir = arg('--old', '');
  const files = arg('--files', '').split(',').filter(Boolean);
  const steps = Number(arg('--steps', '6'));
  const resolution = Number(arg('--resolution', '2'));
  const toggles = argv.includes('--init') ? [] : ['enable-dawn-features=disable_workgroup_init'];
  const { device, adapterName } = await requestNodeDevice({ dawnToggles: toggles });
  const dataset = await loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution, evalSplit: true });
  const init = initFromPoints(dataset.points);
  const config = { iterations: 10_000, seed: 0 };
  const a = new Trainer(device, dataset, init, config);
  const sources = SHADER_SOURCES as Map<string, string>;
  const saved = new Map(files.map((f) => [f, sources.get(f)!]));
  for (const f of files) sources.set(f, readFileSync(resolve(oldDir, f), 'utf8'));
  const b = new Trainer(device, dataset, init, config);
  for (const [f, text] of saved) sources.set(f, text);
  await a.step();
  await b.step();
  const prof = new PassProfiler(device);
  prof.install();
  const times: Record<'A' | 'B', Map<string, number[]>> = { A: new Map(), B: new Map() };
  const walls: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let s = 0; s < steps; s++) {
    for (const [name, t] of [['A', a], ['B', b]] as const) {
      const t0 = performance.now();
      await t.step();
      walls[name].push(performance.now() - t0);
      for (const p of await prof.collect()) {
        const list = times[name].get(p.label) ?? [];
        list.push(p.ms);
        times[name].set(p.label, list);
      }
    }
  }
  prof.destroy();
  console.log(`${adapterName}; A = this checkout, B = ${files.join(', ')} from ${oldDir}; ${steps} alternating steps`);
  console.log(`step wall: A ${median(walls.A).toFixed(1)} ms, B ${median(walls.B).toFixed(1)} ms, B/A ${(median(walls.B) / median(walls.A)).toFixed(2)}`);
  const labels = [...times.A.keys()].sort((x, y) => median(times.A.get(y)!) - median(times.A.get(x)!));
  for (const l of labels) {
    const ma = median(times.A.get(l)!);
    const mb = median(times.B.get(l) ?? [NaN]);
    console.log(`${ma.toFixed(2).padStart(10)} ${mb.toFixed(2).padStart(10)}  B/A ${(mb / ma).toFixed(2).padStart(6)}  ${l}`);
  }
  a.destroy();
  b.destroy();
  device.destroy();
  return 0;
}
