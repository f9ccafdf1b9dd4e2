/**
 * The radix sort alone against the copy limit, at sizes larger than a frame's (a frame sorts
 * 10k-840k keys; the viewer 16-bit keys, the tile sort 16-bit tile ids, the depth sort 32 bits):
 * random keys, every pass timed with timestamp queries, median over runs. A pass's bytes are its
 * keys and values read and written once (16 B a pair), as in bench/render-bench.ts. Sorts up to
 * KernelShapes.sortSingleMaxKeys run one-workgroup passes on CPU adapters (`*.single`).
 */
import { createBufferWithData } from '../src/gpu/buffers';
import { RadixSort } from '../src/kernels/radix-sort';
import type { Limits } from './calibrate';
import { PassProfiler } from './pass-profiler';
import { xorshift32 } from './sort';
import { median, round } from './timing';

export interface SortStage {
  keys: number;
  bits: number;
  passes: number;
  /** Median ms of a whole pass: count, histogram scan and scatter. */
  msPerPass: number;
  gbs: number;
  ofLimit: number;
}

export const SORT_CASES: readonly [number, number][] = [
  [10_000, 32],
  [31_000, 16],
  [317_000, 16],
  [1_000_000, 32],
];

export async function benchSortStages(device: GPUDevice, limits: Limits, runs: number, cases = SORT_CASES): Promise<SortStage[]> {
  const sorter = new RadixSort(device, 'bench.sort');
  const prof = new PassProfiler(device);
  const random = xorshift32(7);
  const out: SortStage[] = [];
  for (const [count, bits] of cases) {
    const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
    const keys = createBufferWithData(device, 'bench.sort.keys', Uint32Array.from({ length: count }, () => (random() & mask) >>> 0));
    const values = createBufferWithData(device, 'bench.sort.values', Uint32Array.from({ length: count }, (_, i) => i));
    const countBuffer = createBufferWithData(device, 'bench.sort.count', new Uint32Array([count]));
    const totals: number[] = [];
    let passes = 0;
    for (let r = 0; r <= runs; r++) {
      prof.install();
      const enc = device.createCommandEncoder({ label: 'bench.sort' });
      sorter.encode(enc, { keys, values, countBuffer, maxCount: count, bits });
      prof.uninstall();
      device.queue.submit([enc.finish()]);
      const times = await prof.collect();
      if (r === 0) continue; // warm-up
      totals.push(times.reduce((s, t) => s + t.ms, 0));
      passes = times.filter((t) => t.label === 'bench.sort.count' || t.label === 'bench.sort.single').reduce((s, t) => s + t.passes, 0);
    }
    const msPerPass = median(totals) / passes;
    const gbs = (count * 16) / msPerPass / 1e6;
    out.push({ keys: count, bits, passes, msPerPass: round(msPerPass, 3), gbs: round(gbs, 3), ofLimit: round(gbs / limits.copyGBs, 3) });
    for (const b of [keys, values, countBuffer]) b.destroy();
  }
  prof.destroy();
  sorter.destroy();
  return out;
}
