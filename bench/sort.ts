/**
 * Radix sort and prefix sum micro-benchmark: milliseconds and millions of keys per second for
 * random u32 keys at several sizes, 32-bit keys (the depth sort) and 16-bit keys (a tile sort of
 * up to 65,536 tiles), and the exclusive scan. Each figure is `iterations` encodes in one
 * submission after a warm-up, so the queue round trip is paid once.
 * `node scripts/run-ts.mjs bench/sort.ts [--sizes 10000,1000000] [--iterations N]`; nothing runs on
 * import except through `main`.
 */
import { createBufferWithData } from '../src/gpu/buffers';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { PrefixSum } from '../src/kernels/prefix-sum';
import { RadixSort } from '../src/kernels/radix-sort';
import { round, timeSubmit } from './timing';

export interface SortBenchResult {
  count: number;
  /** Milliseconds per sort of `count` pairs by 32 and by 16 key bits, and per scan. */
  sort32Ms: number;
  sort16Ms: number;
  scanMs: number;
  /** Millions of pairs sorted per second at 32 bits. */
  sort32Mkeys: number;
}

async function timeIt(device: GPUDevice, iterations: number, record: (enc: GPUCommandEncoder) => void): Promise<number> {
  const warm = device.createCommandEncoder({ label: 'bench.sort.warmup' });
  record(warm);
  await timeSubmit(device, [warm.finish()]);
  const enc = device.createCommandEncoder({ label: 'bench.sort' });
  for (let i = 0; i < iterations; i++) record(enc);
  return (await timeSubmit(device, [enc.finish()])) / iterations;
}

/** xorshift32 from `seed` (non-zero): reproducible random u32 keys without a dependency. */
export function xorshift32(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

export async function benchSort(device: GPUDevice, sizes = [10_000, 100_000, 1_000_000, 4_000_000], iterations = 10): Promise<SortBenchResult[]> {
  const sorter = new RadixSort(device, 'bench.RadixSort');
  const scan = new PrefixSum(device, 'bench.PrefixSum');
  const results: SortBenchResult[] = [];
  const random = xorshift32(12345);
  for (const count of sizes) {
    const keys = createBufferWithData(device, 'bench.keys', Uint32Array.from({ length: count }, random));
    const values = createBufferWithData(device, 'bench.values', Uint32Array.from({ length: count }, (_, i) => i));
    const countBuffer = createBufferWithData(device, 'bench.count', new Uint32Array([count]));
    const scanIn = createBufferWithData(device, 'bench.scanIn', Uint32Array.from({ length: count }, () => random() & 63));
    const scanOut = device.createBuffer({ label: 'bench.scanOut', size: (count + 1) * 4, usage: 0x80 | 0x8 | 0x4 });
    // Re-sorting sorted output costs the same as sorting random keys: every pass does the same work.
    const sortBits = (bits: number) => (enc: GPUCommandEncoder) => {
      sorter.encode(enc, { keys, values, countBuffer, maxCount: count, bits });
    };
    const sort32Ms = await timeIt(device, iterations, sortBits(32));
    const sort16Ms = await timeIt(device, iterations, sortBits(16));
    const scanMs = await timeIt(device, iterations, (enc) => scan.encode(enc, { input: scanIn, output: scanOut, count }));
    results.push({ count, sort32Ms: round(sort32Ms, 3), sort16Ms: round(sort16Ms, 3), scanMs: round(scanMs, 3), sort32Mkeys: round(count / sort32Ms / 1000, 3) });
    for (const b of [keys, values, countBuffer, scanIn, scanOut]) b.destroy();
  }
  sorter.destroy();
  scan.destroy();
  return results;
}

export async function main(argv: string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = arg('--sizes')?.split(',').map(Number);
  const iterations = Number(arg('--iterations') ?? 10);
  if (sizes?.some((n) => !Number.isInteger(n) || n < 1)) {
    console.error(`bench/sort.ts: --sizes must be positive integers, got ${arg('--sizes')}`);
    return 2;
  }
  const ctx = await requestNodeDevice();
  console.log(`adapter: ${ctx.adapterName}`);
  console.table(await benchSort(ctx.device, sizes, iterations));
  return 0;
}
