import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBufferWithData, readU32 } from '../../src/gpu/buffers';
import { PrefixSum, scanLevels } from '../../src/kernels/prefix-sum';
import { CPU_SHAPES, GPU_SHAPES, type KernelShapes } from '../../src/gpu/kernel-shapes';
import { rng } from '../helpers/compare';
import { getTestDevice } from '../helpers/gpu';

const GARBAGE = 0xdeadbeef;
const STORAGE = 0x80 | 0x8 | 0x4;

/** Plain CPU reference: exclusive scan plus the total (count + 1 entries), exact in float64. */
function exclusiveScan(input: Uint32Array, count: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < count; i++) {
    out.push(sum);
    sum += input[i];
  }
  out.push(sum);
  return out;
}

function randomInput(count: number, seed: number, max: number): Uint32Array {
  const r = rng(seed);
  return Uint32Array.from({ length: count }, () => Math.floor(r() * max));
}

/** First index where two arrays differ, or -1 (reported instead of a million-element diff). */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function garbageBuffer(device: GPUDevice, label: string, words: number): GPUBuffer {
  return createBufferWithData(device, label, new Uint32Array(words).fill(GARBAGE));
}

/** A tiny chunk: many levels at small sizes, so every level of the recursion is exercised. */
const TINY: KernelShapes = { ...GPU_SHAPES, scanChunk: 3, chunkWorkgroup: 4 };

for (const shapes of [CPU_SHAPES, GPU_SHAPES, TINY]) {
  describe(`PrefixSum (${shapes.kind} shapes, chunk ${shapes.scanChunk})`, () => {
    let device: GPUDevice;
    let scan: PrefixSum;
    const S = shapes.scanChunk;

    beforeAll(async () => {
      device = await getTestDevice();
      scan = new PrefixSum(device, 'PrefixSum.test', shapes);
    });
    afterAll(() => scan?.destroy());

    /**
     * Scans input[0 .. count) of a buffer holding `extra` more garbage words; checks every output
     * word. With `gpuCount`, the count comes from a GPU buffer and `count + slack` is the CPU bound.
     */
    async function check(count: number, seed: number, max = 1000, extra = 3, gpuCount?: { slack: number }): Promise<void> {
      const data = randomInput(count + extra, seed, max);
      const input = createBufferWithData(device, 'test.input', data);
      const outWords = count + 1 + extra;
      const output = garbageBuffer(device, 'test.output', outWords);
      const total = garbageBuffer(device, 'test.total', 8);
      const countBuffer = gpuCount ? createBufferWithData(device, 'test.count', new Uint32Array([GARBAGE, count])) : undefined;
      const enc = device.createCommandEncoder();
      const bound = gpuCount ? count + gpuCount.slack : count;
      scan.encode(enc, { input, output, count: bound, countBuffer, countOffset: 4, totalOut: { buffer: total, offset: 12 } });
      device.queue.submit([enc.finish()]);
      const got = await readU32(device, output, outWords);
      const expected = exclusiveScan(data, count);
      const bad = firstDiff(got.subarray(0, count + 1), expected);
      expect(bad, `count ${count}: first bad index ${bad}: got ${got[bad]}, expected ${expected[bad]}`).toBe(-1);
      // Words past output[count] belong to the caller and must be untouched.
      expect(Array.from(got.subarray(count + 1))).toEqual(new Array(extra).fill(GARBAGE));
      const totals = await readU32(device, total, 8);
      expect(totals[3]).toBe(expected[count]);
      expect(totals[2]).toBe(GARBAGE);
      expect(totals[4]).toBe(GARBAGE);
      for (const b of [input, output, total, countBuffer]) b?.destroy();
    }

    it('scans sizes around the chunk and level boundaries exactly', async () => {
      // Three levels at the tiny chunk; the real chunks stop at 2 levels (S^3 would overflow the sums).
      const sizes = [0, 1, 2, S - 1, S, S + 1, S * S - 1, S * S, S * S + 1, 2 * S * S + 5, Math.min(S * S * S, 1 << 20) + 123];
      for (const [i, n] of sizes.entries()) await check(n, 100 + i);
      // The tiny chunk must actually reach several levels, or the recursion goes untested.
      if (S === 3) expect(scanLevels(S * S * S + 123, S)).toBeGreaterThanOrEqual(4);
    });

    if (S > 3) {
      it('scans one million elements with a total near 2^31 exactly', async () => {
        // Values up to 4096 over 2^20 elements: totals near 2^31, still below the u32 wrap.
        await check(1 << 20, 7, 4096);
      });
    } else {
      it('refuses counts that need more levels than the shader supports', () => {
        expect(() => scan.encode(device.createCommandEncoder(), { input: device.createBuffer({ size: 4 << 20, usage: STORAGE }), output: device.createBuffer({ size: (4 << 20) + 4, usage: STORAGE }), count: 1 << 20 })).toThrow(/scan levels/);
      });
    }

    it('reads the count from a GPU buffer below the CPU bound', async () => {
      await check(5000, 31, 1000, 3, { slack: 4000 });
      await check(S + 1, 32, 1000, 3, { slack: S * S });
      await check(0, 33, 1000, 3, { slack: 100 });
    });

    it('keeps two scans recorded in one encoder apart', async () => {
      const a = randomInput(5000, 1, 50);
      const b = randomInput(300, 2, 70000);
      const inA = createBufferWithData(device, 'test.inA', a);
      const inB = createBufferWithData(device, 'test.inB', b);
      const outA = garbageBuffer(device, 'test.outA', 5001);
      const outB = garbageBuffer(device, 'test.outB', 301);
      const totals = garbageBuffer(device, 'test.totals', 4);
      const enc = device.createCommandEncoder();
      scan.encode(enc, { input: inA, output: outA, count: 5000, totalOut: { buffer: totals, offset: 0 } });
      scan.encode(enc, { input: inB, output: outB, count: 300, totalOut: { buffer: totals, offset: 4 } });
      device.queue.submit([enc.finish()]);
      const ga = await readU32(device, outA, 5001);
      const gb = await readU32(device, outB, 301);
      expect(firstDiff(ga, exclusiveScan(a, 5000))).toBe(-1);
      expect(firstDiff(gb, exclusiveScan(b, 300))).toBe(-1);
      const t = await readU32(device, totals, 4);
      expect([t[0], t[1], t[2]]).toEqual([exclusiveScan(a, 5000)[5000], exclusiveScan(b, 300)[300], GARBAGE]);
      for (const buf of [inA, inB, outA, outB, totals]) buf.destroy();
    });
  });
}

describe('PrefixSum arguments', () => {
  it('rejects bad arguments with messages naming the problem', async () => {
    const device = await getTestDevice();
    const scan = new PrefixSum(device, 'PrefixSum.test');
    const small = device.createBuffer({ label: 'small', size: 16, usage: STORAGE });
    const big = device.createBuffer({ label: 'big', size: 64, usage: STORAGE });
    const enc = device.createCommandEncoder();
    expect(() => scan.encode(enc, { input: big, output: small, count: 4 })).toThrow(/output 'small' .* too small for 4 \+ 1/);
    expect(() => scan.encode(enc, { input: small, output: big, count: 5 })).toThrow(/input 'small' .* too small for 5/);
    expect(() => scan.encode(enc, { input: big, output: big, count: 1 })).toThrow(/different buffers/);
    expect(() => scan.encode(enc, { input: small, output: big, count: 1.5 })).toThrow(/non-negative integer/);
    expect(() => scan.encode(enc, { input: small, output: big, count: 1, totalOut: { buffer: small, offset: 14 } })).toThrow(
      /totalOut offset 14/,
    );
    expect(() => scan.encode(enc, { input: small, output: big, count: 1, countBuffer: small, countOffset: 16 })).toThrow(/countOffset 16/);
    enc.finish();
    small.destroy();
    big.destroy();
    scan.destroy();
  });
});
