import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MemoryFileSystem,
  MemoryReadFileSystem,
  type Options,
  type OutputFormat,
  getInputFormat,
  readFile,
  writeFile,
} from '@playcanvas/splat-transform';
import { SH_C0, SceneFormatError, type SplatScene, shCoeffCount } from '../../../src/io/scene';
import { readPly } from '../../../src/io/ply';
import { readCompressedPly } from '../../../src/io/formats/compressed-ply';
import { expectClose } from '../../helpers/compare';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const load = (p: string) => new Uint8Array(readFileSync(path.join(DATA, p)));

/** splat-transform reads `bytes` (named `name`) and writes `outName` in `format`. */
async function convert(bytes: Uint8Array, name: string, outName: string, format: OutputFormat): Promise<Uint8Array> {
  const source = new MemoryReadFileSystem();
  source.set(name, bytes);
  const options = {} as Options;
  const [table] = await readFile({ filename: name, inputFormat: getInputFormat(name), options, params: [], fileSystem: source });
  // splat-transform decodes opacity bytes 0 and 255 to -+Infinity, which our ply reader would
  // drop; +-20 keeps the splats (sigmoid within 2e-9 of 0 or 1).
  const opacity = table.getColumnByName('opacity');
  if (opacity) for (let i = 0; i < opacity.data.length; i++) if (!Number.isFinite(opacity.data[i]) && !Number.isNaN(opacity.data[i])) opacity.data[i] = Math.sign(opacity.data[i]) * 20;
  const out = new MemoryFileSystem();
  await writeFile({ filename: outName, outputFormat: format, dataTable: table, options }, out);
  return out.results.get(outName)!;
}

/** The independent decode: splat-transform's reader to INRIA `.ply`, read back by our ply reader. */
async function oracle(bytes: Uint8Array): Promise<SplatScene> {
  const ply = await convert(bytes, 'input.compressed.ply', 'oracle.ply', 'ply');
  return (await readPly(ply, 'oracle.ply')).scene;
}

const sigmoid = (x: ArrayLike<number>) => Array.from(x, (v) => 1 / (1 + Math.exp(-v)));

/** Quaternions normalised, with the sign of `b` flipped where needed to face `a` (q ~ -q). */
function alignedQuats(a: Float32Array, b: Float32Array): [Float64Array, Float64Array] {
  const na = new Float64Array(a.length);
  const nb = new Float64Array(b.length);
  for (let i = 0; i < a.length; i += 4) {
    const la = Math.hypot(a[i], a[i + 1], a[i + 2], a[i + 3]);
    const lb = Math.hypot(b[i], b[i + 1], b[i + 2], b[i + 3]);
    const dot = a[i] * b[i] + a[i + 1] * b[i + 1] + a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3];
    const s = dot < 0 ? -1 : 1;
    for (let c = 0; c < 4; c++) {
      na[i + c] = a[i + c] / la;
      nb[i + c] = (s * b[i + c]) / lb;
    }
  }
  return [na, nb];
}

function axisRange(values: Float32Array, axis: number, width: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = axis; i < values.length; i += width) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return hi - lo;
}

/**
 * Source index for each splat of `back` (the writer reorders splats spatially): the source
 * splat nearest in position and log-scale, each measured in quantisation steps. Brute force is
 * fine for 2k splats; the test asserts the result is a permutation.
 */
function matchSplats(back: SplatScene, src: SplatScene, meanStep: number[], scaleStep: number[]): Int32Array {
  const order = new Int32Array(back.count);
  for (let i = 0; i < back.count; i++) {
    let best = -1;
    let bestCost = Infinity;
    for (let j = 0; j < src.count; j++) {
      let cost = 0;
      for (let a = 0; a < 3 && cost < bestCost; a++) {
        cost += ((back.means[i * 3 + a] - src.means[j * 3 + a]) / meanStep[a]) ** 2;
        cost += ((back.logScales[i * 3 + a] - src.logScales[j * 3 + a]) / scaleStep[a]) ** 2;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = j;
      }
    }
    order[i] = best;
  }
  return order;
}

function permuted(s: SplatScene, order: Int32Array): SplatScene {
  const k3 = shCoeffCount(s.shDegree) * 3;
  const pick = (a: Float32Array, w: number) => {
    const out = new Float32Array(order.length * w);
    order.forEach((j, i) => out.set(a.subarray(j * w, j * w + w), i * w));
    return out;
  };
  return { ...s, count: order.length, means: pick(s.means, 3), logScales: pick(s.logScales, 3), quats: pick(s.quats, 4), opacityLogits: pick(s.opacityLogits, 1), sh: pick(s.sh, k3) };
}

describe('readCompressedPly', () => {
  for (const [file, count, degree] of [
    ['compressed/test-64.compressed.ply', 64, 3],
    ['compressed/guitar.compressed.ply', 90854, 0],
  ] as const) {
    it(`decodes ${file} as splat-transform does, splat by splat`, async () => {
      const bytes = load(file);
      const { scene: ours, format, warnings } = readCompressedPly(bytes, file);
      expect(format).toBe('compressed-ply');
      expect(warnings).toEqual([]);
      expect(ours.count).toBe(count);
      expect(ours.shDegree).toBe(degree);
      const ref = await oracle(bytes);
      expect(ref.count).toBe(count);
      expect(ref.shDegree).toBe(degree);
      // Both decoders read the same quantised bits (positions 11/10/11-bit steps of the chunk
      // range, colour and opacity 1/255, rotation sqrt(2)/1023, SH 8/256), so they must agree
      // far inside one step: f32 rounding of a lerp (relative 1e-6 of the chunk bounds).
      expectClose(ours.means, ref.means, 1e-5, 1e-6, `${file} means`);
      expectClose(ours.logScales, ref.logScales, 1e-5, 1e-6, `${file} logScales`);
      expectClose(ours.sh, ref.sh, 1e-5, 1e-6, `${file} sh`);
      // Opacity bytes 0 and 255 map to +-Inf in splat-transform and to finite logits here.
      expectClose(sigmoid(ours.opacityLogits), sigmoid(ref.opacityLogits), 1e-6, 0, `${file} opacity`);
      const [qa, qb] = alignedQuats(ours.quats, ref.quats);
      expectClose(qa, qb, 1e-6, 0, `${file} quats`);
    });
  }

  it('recovers an INRIA scene compressed by splat-transform within the format quantisation', async () => {
    const plyBytes = load('ply/playbot-1873.ply');
    const original = (await readPly(plyBytes, 'playbot-1873.ply')).scene;
    const packed = await convert(plyBytes, 'input.ply', 'out.compressed.ply', 'compressed-ply');
    const back = readCompressedPly(packed, 'out.compressed.ply').scene;
    expect(back.count).toBe(original.count);
    expect(back.shDegree).toBe(original.shDegree);
    // Each chunk quantises into its own range, at most the scene's range, in 2^10 - 1 steps on
    // the coarsest axis (y): one step bounds the error (the encoder rounds, half a step).
    const meanStep = [0, 1, 2].map((a) => axisRange(original.means, a, 3) / 1023);
    const scaleStep = [0, 1, 2].map((a) => axisRange(original.logScales, a, 3) / 1023);
    const order = matchSplats(back, original, meanStep, scaleStep);
    expect(new Set(order).size).toBe(original.count);
    const src = permuted(original, order);
    for (let a = 0; a < 3; a++) {
      const pick = (s: Float32Array) => Array.from({ length: src.count }, (_, i) => s[i * 3 + a]);
      expectClose(pick(back.means), pick(src.means), meanStep[a], 0, `means axis ${a}`);
      expectClose(pick(back.logScales), pick(src.logScales), scaleStep[a], 0, `logScales axis ${a}`);
    }
    // Colour: 8 bits over each chunk's colour range, which lies inside the scene's range (not
    // clamped to 0..1: f_dc may reach past it), so one step is at most that range / 255.
    const k3 = shCoeffCount(src.shDegree) * 3;
    const dc = (s: SplatScene) => Array.from({ length: s.count * 3 }, (_, j) => 0.5 + SH_C0 * s.sh[Math.floor(j / 3) * k3 + (j % 3)]);
    const colourStep = Math.max(...[0, 1, 2].map((c) => axisRange(Float32Array.from(dc(src)), c, 3))) / 255;
    expectClose(dc(back), dc(src), colourStep, 0, 'colour');
    expectClose(sigmoid(back.opacityLogits), sigmoid(src.opacityLogits), 1 / 255, 0, 'opacity');
    // Rotation: three 10-bit components in +-1/sqrt(2) (step sqrt(2)/1023 = 1.4e-3); the fourth,
    // derived from unit length, can carry about twice that.
    const [qa, qb] = alignedQuats(back.quats, src.quats);
    expectClose(qa, qb, 3e-3, 0, 'quats');
    // SH rest: 8 bits over [-4, 4] (step 8/256); values beyond are clamped.
    const rest = (s: SplatScene) => Array.from({ length: s.count * (k3 - 3) }, (_, j) => {
      const i = Math.floor(j / (k3 - 3));
      return Math.min(4, Math.max(-4, s.sh[i * k3 + 3 + (j % (k3 - 3))]));
    });
    expectClose(rest(back), rest(src), 8 / 256, 0, 'sh rest');
  });

  it('rejects inconsistent files with a SceneFormatError naming file and format', () => {
    const bytes = load('compressed/test-64.compressed.ply');
    const text = new TextDecoder('latin1').decode(bytes.subarray(0, 2000));
    const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length;
    expect(() => readCompressedPly(bytes.subarray(0, headerEnd + 100), 'cut.ply')).toThrow(/cut\.ply \(compressed-ply\): .*truncated/);
    // One more vertex than the chunk element can hold.
    const more = new TextEncoder().encode(text.slice(0, headerEnd).replace('element vertex 64', 'element vertex 257'));
    // Room for 193 more rows of 16 packed bytes and 45 SH bytes, so only the chunk count is wrong.
    const grown = new Uint8Array(more.length + bytes.length + 193 * 61);
    grown.set(more);
    grown.set(bytes.subarray(headerEnd), more.length);
    expect(() => readCompressedPly(grown, 'grown.ply')).toThrow(/1 chunks for 257 splats/);
    expect(() => readCompressedPly(load('ply/playbot-1873.ply').subarray(0, 4000), 'plain.ply')).toThrow(SceneFormatError);
  });
});
