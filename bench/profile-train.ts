/** Development aid: per-pass GPU time of training steps on buddha13 (timestamp queries). */
import { resolve } from 'node:path';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { loadColmapDataset } from '../src/io/colmap/dataset';
import { nodeDirectorySource } from '../src/io/colmap/node-source';
import { initFromPoints } from '../src/train/init';
import { Trainer } from '../src/train/trainer';
import { PassProfiler } from './pass-profiler';

export async function main(argv: string[]): Promise<number> {
  const steps = Number(argv[0] ?? 5);
  const resolution = Number(argv[1] ?? 2);
  const toggles = argv.includes('--noinit') ? ['enable-dawn-features=disable_workgroup_init'] : [];
  const { device, adapterName } = await requestNodeDevice({ dawnToggles: toggles });
  const dataset = await loadColmapDataset(nodeDirectorySource(resolve('scenes/buddha13')), { resolution, evalSplit: true });
  const trainer = new Trainer(device, dataset, initFromPoints(dataset.points), { iterations: 1000, seed: 0, schedule: argv.includes('--scaled') ? 'scaled' : 'reference' });
  await trainer.step();
  const prof = new PassProfiler(device);
  prof.install();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await trainer.step();
  const wall = (performance.now() - t0) / steps;
  const times = await prof.collect();
  times.sort((a, b) => b.ms - a.ms);
  const total = times.reduce((s, t) => s + t.ms, 0) / steps;
  console.log(`${adapterName} ${dataset.train[0].camera.width}x${dataset.train[0].camera.height} splats=${trainer.state.count} wall ${wall.toFixed(1)} ms/step, GPU passes ${total.toFixed(1)} ms/step`);
  for (const t of times) console.log(`${(t.ms / steps).toFixed(2).padStart(10)} ms  ${String(t.passes / steps).padStart(5)}x  ${t.label}`);
  prof.destroy();
  trainer.destroy();
  device.destroy();
  return 0;
}
