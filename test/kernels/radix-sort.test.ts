import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBufferWithData, readU32 } from '../../src/gpu/buffers';
import { composeWgsl } from '../../src/gpu/wgsl';
import { grid1d } from '../../src/gpu/dispatch';
import { RadixSort, chooseDigitBits, digitPlan } from '../../src/kernels/radix-sort';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { rng } from '../helpers/compare';
import { getTestDevice } from '../helpers/gpu';

const STORAGE = 0x80 | 0x8 | 0x4;
const GARBAGE = 0xdeadbeef;

/** CPU reference: Array.prototype.sort is stable, so equal masked keys keep their input order. */
function referenceSort(keys: Uint32Array, count: number, bits: number): { keys: Uint32Array; values: Uint32Array } {
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => ((keys[a] & mask) >>> 0) - ((keys[b] & mask) >>> 0));
  return { keys: Uint32Array.from(order, (i) => keys[i]), values: Uint32Array.from(order) };
}

/** Keys with many duplicates (so stability matters) and bits above any small `bits` set. */
function randomKeys(count: number, seed: number, distinct: number): Uint32Array {
  const r = rng(seed);
  const pool = Uint32Array.from({ length: distinct }, () => Math.floor(r() * 2 ** 32));
  pool[0] = 0xffffffff;
  if (distinct > 1) pool[1] = 0;
  return Uint32Array.from({ length: count }, () => pool[Math.floor(r() * distinct)]);
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function expectSame(what: string, got: Uint32Array, want: Uint32Array): void {
  const bad = firstDiff(got, want);
  expect(bad, `${what}: first bad index ${bad}: got ${got[bad]}, expected ${want[bad]}`).toBe(-1);
}

/** Tiny chunks and 3-bit digits: many chunks, passes and scan levels at small sizes. */
const TINY: KernelShapes = { ...GPU_SHAPES, sortMinChunk: 2, sortTargetChunks: 37, sortDigitBits: 3, chunkWorkgroup: 4, sortWorkgroup: 4, scanChunk: 3 };
/** The same with the CPU kernels (private digit counters, vec4 reads, chunks of 4 keys). */
const TINY_CPU: KernelShapes = { ...TINY, kind: 'cpu', sortPrivateDigits: true, sortWorkgroup: 3 };
/** One-workgroup passes (radix_sort_single.wgsl) at every size tested, with 3-bit digits. */
const SINGLE_TINY: KernelShapes = { ...TINY_CPU, sortSingleMaxKeys: 1 << 20 };
/** The CPU shapes without one-workgroup passes: the multi-dispatch CPU kernels at small sizes too. */
const CPU_MULTI: KernelShapes = { ...CPU_SHAPES, sortSingleMaxKeys: 0 };

const describeShapes = (s: KernelShapes): string =>
  `${s.kind} shapes, chunks of >= ${s.sortMinChunk}, ${s.sortDigitBits}-bit digits${s.sortPrivateDigits ? ', private digits' : ''}${s.sortSingleMaxKeys > 0 ? `, one workgroup up to ${s.sortSingleMaxKeys} keys` : ''}`;

for (const shapes of [CPU_SHAPES, CPU_MULTI, GPU_SHAPES, TINY, TINY_CPU, SINGLE_TINY]) describe(`RadixSort (${describeShapes(shapes)})`, () => {
  let device: GPUDevice;
  let sorter: RadixSort;
  // Chunk boundaries: the smallest chunk, and the count where chunks start to grow past it.
  const C = shapes.sortMinChunk;
  const BLOCK = C * Math.min(shapes.sortTargetChunks, 64);

  beforeAll(async () => {
    device = await getTestDevice();
    sorter = new RadixSort(device, 'RadixSort.test', shapes);
  });
  afterAll(() => sorter?.destroy());

  /** Sorts `count` pairs (values = original indices) and compares keys and values with the reference. */
  async function check(count: number, bits: number, seed: number, distinct: number, maxCount = count): Promise<void> {
    const stored = Math.max(maxCount, 1);
    const keyData = randomKeys(stored, seed, distinct);
    const keys = createBufferWithData(device, 'test.keys', keyData);
    const values = createBufferWithData(device, 'test.values', Uint32Array.from({ length: stored }, (_, i) => i));
    const countBuffer = createBufferWithData(device, 'test.count', new Uint32Array([GARBAGE, count]));
    const enc = device.createCommandEncoder();
    const out = sorter.encode(enc, { keys, values, countBuffer, countOffset: 4, maxCount, bits });
    device.queue.submit([enc.finish()]);
    const want = referenceSort(keyData, count, bits);
    expectSame(`keys (count ${count}, bits ${bits})`, await readU32(device, out.keys, count), want.keys);
    expectSame(`values (count ${count}, bits ${bits})`, await readU32(device, out.values, count), want.values);
    if (out.keys === keys && maxCount > count) {
      // Result in the caller's buffers: the words past the count must be untouched.
      const tail = await readU32(device, keys, maxCount - count, count * 4);
      expectSame('keys past the count', tail, keyData.subarray(count, maxCount));
    }
    for (const b of [keys, values, countBuffer]) b.destroy();
  }

  it('sorts sizes around the chunk boundaries by all 32 bits, stably', async () => {
    const sizes = [0, 1, 2, C - 1, C, C + 1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 123];
    for (const [i, n] of sizes.entries()) await check(n, 32, 10 + i, Math.max(1, n >> 3));
  });

  it('sorts by the low bits only, ignoring the bits above (odd and even pass counts)', async () => {
    // Odd and even pass counts leave the result in scratch or back in the inputs.
    for (const bits of [1, 5, 12, 31]) {
      await check(3 * BLOCK + 77, bits, 40 + bits, 500);
    }
    expect(new Set([1, 5, 12, 31].map((b) => digitPlan(b, chooseDigitBits(b, 3 * BLOCK + 77, shapes)).passes % 2)).size).toBe(2);
  });

  it('sorts with all keys equal (pure stability) and with all keys distinct', async () => {
    await check(2 * BLOCK + 5, 32, 50, 1);
    await check(2 * BLOCK + 5, 32, 51, 1 << 20);
  });

  it('reads the count from a GPU buffer smaller than maxCount', async () => {
    // 4 passes (16 bits) leave the result in the caller's buffers, where the tail is checked too.
    await check(3000, 16, 60, 200, 4096);
    await check(3000, 32, 61, 200, 10000);
    await check(0, 32, 62, 10, 5000);
  });

  it('matches the reference on random (count, maxCount, bits, duplicates) cases', async () => {
    const r = rng(99);
    for (let c = 0; c < 10; c++) {
      const count = Math.floor(r() * 3.5 * BLOCK);
      const maxCount = count + (r() < 0.5 ? 0 : Math.floor(r() * 2 * BLOCK));
      const bits = 1 + Math.floor(r() * 32);
      const distinct = [1, 2, 17, 1000, 1 << 20][Math.floor(r() * 5)];
      await check(count, bits, 200 + c, distinct, maxCount);
    }
  });

  it('clamps a GPU count above the buffers to their length instead of writing past them', async () => {
    const n = 3000;
    const keyData = randomKeys(n, 65, 100);
    const keys = createBufferWithData(device, 'test.keys', keyData);
    const values = createBufferWithData(device, 'test.values', Uint32Array.from({ length: n }, (_, i) => i));
    const countBuffer = createBufferWithData(device, 'test.count', new Uint32Array([1_000_000]));
    const enc = device.createCommandEncoder();
    const out = sorter.encode(enc, { keys, values, countBuffer, maxCount: n, bits: 32 });
    device.queue.submit([enc.finish()]);
    const want = referenceSort(keyData, n, 32);
    expectSame('keys', await readU32(device, out.keys, n), want.keys);
    expectSame('values', await readU32(device, out.values, n), want.values);
    for (const b of [keys, values, countBuffer]) b.destroy();
  });

  if (shapes.sortMinChunk > 2) {
    it('sorts one million pairs with many equal keys', async () => {
      await check(1_000_000, 32, 70, 50_000);
    });
  }

  it('keeps two sorts recorded in one encoder apart, over scratch holding an earlier result', async () => {
    // A larger sort first leaves unrelated data in the scratch buffers.
    await check(9000, 32, 80, 100);
    const a = randomKeys(7000, 81, 300);
    const b = randomKeys(700, 82, 40);
    const make = (label: string, data: Uint32Array): GPUBuffer => createBufferWithData(device, label, data);
    const keysA = make('keysA', a);
    const valsA = make('valsA', Uint32Array.from(a, (_, i) => i));
    const keysB = make('keysB', b);
    const valsB = make('valsB', Uint32Array.from(b, (_, i) => i));
    const counts = make('counts', new Uint32Array([7000, 700]));
    const copyA = device.createBuffer({ label: 'copyA', size: 2 * 7000 * 4, usage: STORAGE });
    const copyB = device.createBuffer({ label: 'copyB', size: 2 * 700 * 4, usage: STORAGE });
    const enc = device.createCommandEncoder();
    // 12 bits: 3 passes, so both results land in the shared scratch; A must be copied out before B runs.
    const outA = sorter.encode(enc, { keys: keysA, values: valsA, countBuffer: counts, maxCount: 7000, bits: 12 });
    enc.copyBufferToBuffer(outA.keys, 0, copyA, 0, 7000 * 4);
    enc.copyBufferToBuffer(outA.values, 0, copyA, 7000 * 4, 7000 * 4);
    const outB = sorter.encode(enc, { keys: keysB, values: valsB, countBuffer: counts, countOffset: 4, maxCount: 700, bits: 32 });
    enc.copyBufferToBuffer(outB.keys, 0, copyB, 0, 700 * 4);
    enc.copyBufferToBuffer(outB.values, 0, copyB, 700 * 4, 700 * 4);
    device.queue.submit([enc.finish()]);
    const gotA = await readU32(device, copyA, 14000);
    const gotB = await readU32(device, copyB, 1400);
    const wantA = referenceSort(a, 7000, 12);
    const wantB = referenceSort(b, 700, 32);
    expectSame('A keys', gotA.subarray(0, 7000), wantA.keys);
    expectSame('A values', gotA.subarray(7000), wantA.values);
    expectSame('B keys', gotB.subarray(0, 700), wantB.keys);
    expectSame('B values', gotB.subarray(700), wantB.values);
    for (const buf of [keysA, valsA, keysB, valsB, counts, copyA, copyB]) buf.destroy();
  });

  it('splits block grids over 65,535 workgroups like grid1d (setup kernel grid math)', async () => {
    // The sort cannot be run at 67M+ keys here, so the WGSL grid rule is run on its own.
    const groups = [0, 1, 65535, 65536, 65535 * 2 + 1, 1_000_003, 65535 * 65535];
    const code = `${composeWgsl('common/dispatch.wgsl')}
@group(0) @binding(0) var<storage, read_write> io: array<u32>;
@compute @workgroup_size(1) fn main() {
  for (var i = 0u; i < ${groups.length}u; i = i + 1u) {
    let g = grid_1d(io[4u * i]);
    io[4u * i + 1u] = g.x; io[4u * i + 2u] = g.y; io[4u * i + 3u] = g.z;
  }
}`;
    const module = device.createShaderModule({ label: 'test.sortGrid', code });
    const pipeline = device.createComputePipeline({ label: 'test.sortGrid', layout: 'auto', compute: { module, entryPoint: 'main' } });
    const io = createBufferWithData(device, 'test.io', Uint32Array.from(groups.flatMap((g) => [g, 0, 0, 0])));
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: io } }] }));
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([enc.finish()]);
    const got = await readU32(device, io, groups.length * 4);
    groups.forEach((g, i) => {
      const [x, y, z] = got.subarray(4 * i + 1, 4 * i + 4);
      expect(z).toBe(1);
      expect(x).toBeLessThanOrEqual(65535);
      expect(y).toBeLessThanOrEqual(65535);
      expect(x * y).toBeGreaterThanOrEqual(g);
      // Same split as the host's grid1d (for g > 0; an empty indirect grid dispatches nothing).
      if (g > 0) expect([x, y]).toEqual(grid1d(g, 1));
      else expect(x * y).toBe(0);
    });
    io.destroy();
  });

  it('rejects bad arguments with messages naming the problem', () => {
    const a = device.createBuffer({ label: 'a', size: 64, usage: STORAGE });
    const b = device.createBuffer({ label: 'b', size: 64, usage: STORAGE });
    const enc = device.createCommandEncoder();
    const base = { keys: a, values: b, countBuffer: a, maxCount: 16, bits: 32 };
    expect(() => sorter.encode(enc, { ...base, bits: 0 })).toThrow(/bits must be an integer in 1..32, got 0/);
    expect(() => sorter.encode(enc, { ...base, bits: 33 })).toThrow(/got 33/);
    expect(() => sorter.encode(enc, { ...base, maxCount: -1 })).toThrow(/maxCount must be a non-negative integer/);
    expect(() => sorter.encode(enc, { ...base, countOffset: 2 })).toThrow(/countOffset 2 .* inside 'a'/);
    expect(() => sorter.encode(enc, { ...base, countOffset: 64 })).toThrow(/countOffset 64/);
    expect(() => sorter.encode(enc, { ...base, values: a })).toThrow(/different buffers/);
    enc.finish();
    a.destroy();
    b.destroy();
  });
});
