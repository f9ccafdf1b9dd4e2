import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBufferWithData, readU32 } from '../../src/gpu/buffers';
import { PrefixSum, SCAN_BLOCK, ScanKernels } from '../../src/kernels/prefix-sum';
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

describe('PrefixSum', () => {
  let device: GPUDevice;
  let scan: PrefixSum;

  beforeAll(async () => {
    device = await getTestDevice();
    scan = new PrefixSum(device, 'PrefixSum.test');
  });
  afterAll(() => scan?.destroy());

  /** Scans input[0 .. count) of a buffer holding `extra` more garbage words; checks every output word. */
  async function check(count: number, seed: number, max = 1000, extra = 3): Promise<void> {
    const data = randomInput(count + extra, seed, max);
    const input = createBufferWithData(device, 'test.input', data);
    const outWords = count + 1 + extra;
    const output = garbageBuffer(device, 'test.output', outWords);
    const total = garbageBuffer(device, 'test.total', 8);
    const enc = device.createCommandEncoder();
    scan.encode(enc, { input, output, count, totalOut: { buffer: total, offset: 12 } });
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
    input.destroy();
    output.destroy();
    total.destroy();
  }

  it('scans sizes around the workgroup and chunk boundaries exactly', async () => {
    const sizes = [0, 1, 2, 255, 256, 257, SCAN_BLOCK - 1, SCAN_BLOCK, SCAN_BLOCK + 1, 2 * SCAN_BLOCK, 5 * SCAN_BLOCK + 123];
    for (const [i, n] of sizes.entries()) await check(n, 100 + i);
  });

  it('scans one million elements with a total near 2^31 exactly', async () => {
    // Values up to 4096 over 2^20 elements: totals near 2^31, still below the u32 wrap.
    await check(1 << 20, 7, 4096);
  });

  it('spine kernel: scans several tiles with a carry, and stops at the limit word', async () => {
    // PrefixSum only sends > SCAN_BLOCK elements through the spine past SCAN_BLOCK^2 elements, so
    // the multi-tile loop (and the `limit` binding the radix sort uses) is driven directly.
    const kernels = new ScanKernels(device, 'test.scan');
    const n = 3 * SCAN_BLOCK + 777;
    const data = randomInput(n, 21, 1 << 16);
    const input = createBufferWithData(device, 'test.input', data);
    for (const limit of [0xffffffff, 2 * SCAN_BLOCK + 5, 0]) {
      const limitBuf = createBufferWithData(device, 'test.limit', new Uint32Array([limit]));
      const output = garbageBuffer(device, 'test.output', n + 1);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(kernels.spine);
      pass.setBindGroup(0, device.createBindGroup({
        layout: kernels.spineLayout,
        entries: [
          { binding: 0, resource: { buffer: input, size: n * 4 } },
          { binding: 1, resource: { buffer: output, size: (n + 1) * 4 } },
          { binding: 2, resource: { buffer: limitBuf, size: 4 } },
        ],
      }));
      pass.dispatchWorkgroups(1);
      pass.end();
      device.queue.submit([enc.finish()]);
      const m = Math.min(n, limit);
      const got = await readU32(device, output, n + 1);
      const bad = firstDiff(got.subarray(0, m + 1), exclusiveScan(data, m));
      expect(bad, `limit ${limit}: first bad index ${bad}`).toBe(-1);
      expect(got.subarray(m + 1).every((v) => v === GARBAGE)).toBe(true);
      limitBuf.destroy();
      output.destroy();
    }
    input.destroy();
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

  it('rejects bad arguments with messages naming the problem', () => {
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
    enc.finish();
    small.destroy();
    big.destroy();
  });
});
