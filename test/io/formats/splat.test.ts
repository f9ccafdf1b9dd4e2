import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SH_C0, SceneFormatError, type SplatScene, emptyScene, shCoeffCount } from '../../../src/io/scene';
import { readPly } from '../../../src/io/ply';
import { SPLAT_BYTES_PER_SPLAT, readSplat, splatDropsSh, writeSplat } from '../../../src/io/formats/splat';
import { expectClose, rng } from '../../helpers/compare';
import { splatTransformDecode } from '../../helpers/splat-transform';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const load = (p: string) => new Uint8Array(readFileSync(path.join(DATA, p)));

/** @playcanvas/splat-transform decodes `bytes` and writes INRIA `.ply`; our ply reader reads that back. */
const oracle = (bytes: Uint8Array, ext: string): Promise<SplatScene> => splatTransformDecode(bytes, `input${ext}`);

const sigmoid = (x: ArrayLike<number>) => Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
const colour = (s: SplatScene) => {
  const k3 = shCoeffCount(s.shDegree) * 3;
  const out: number[] = [];
  for (let i = 0; i < s.count; i++) for (let c = 0; c < 3; c++) out.push(Math.min(1, Math.max(0, 0.5 + SH_C0 * s.sh[i * k3 + c])));
  return out;
};
const normalised = (q: Float32Array) => {
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i += 4) {
    const n = Math.hypot(q[i], q[i + 1], q[i + 2], q[i + 3]);
    for (let a = 0; a < 4; a++) out[i + a] = q[i + a] / n;
  }
  return out;
};

// Quantisation of .splat: positions and scales are f32 (exact / exp-log round trip, 1e-6
// relative); colour and opacity are 8-bit (step 1/255 in 0..1); rotation components are
// 8-bit with step 1/128 before normalisation.
const COLOUR_STEP = 1 / 255;
const ROT_STEP = 1 / 128;

describe('readSplat', () => {
  it('decodes the minimal fixture to the bytes it holds', () => {
    const { scene, format, warnings } = readSplat(load('splat/minimal.splat'), 'minimal.splat');
    expect(format).toBe('splat');
    expect(warnings).toEqual([]);
    expect(scene.count).toBe(4);
    expect(scene.shDegree).toBe(0);
    expect(Array.from(scene.means.slice(0, 3))).toEqual([-1, 0, -1]);
    // Scales are stored as f32 0.1; the log is taken in float64 of that f32.
    expectClose(scene.logScales.slice(0, 3), [0, 1, 2].map(() => Math.log(Math.fround(0.1))), 1e-7);
    // RGBA bytes 0x55 0x55 0x80 0xe6, rotation bytes 0x80 0x80 0x80 0xff.
    expectClose(scene.sh.slice(0, 3), [0x55, 0x55, 0x80].map((b) => (b / 255 - 0.5) / SH_C0), 1e-6);
    expectClose([scene.opacityLogits[0]], [Math.log(0xe6 / 255 / (1 - 0xe6 / 255))], 1e-6);
    expectClose(scene.quats.slice(0, 4), [0, 0, 0, 1], 1e-7);
  });

  it('agrees with splat-transform on every shared .splat file, splat by splat', async () => {
    for (const file of ['splat/minimal.splat', 'splat/playbot-31000.splat']) {
      const bytes = load(file);
      const ours = readSplat(bytes, file).scene;
      const ref = await oracle(bytes, '.splat');
      expect(ours.count).toBe(ref.count);
      expectClose(ours.means, ref.means, 0, 0, `${file} means`);
      // Both take log of the same f32 scale; the only difference is f32 storage of the result.
      expectClose(ours.logScales, ref.logScales, 1e-6, 1e-6, `${file} logScales`);
      // Same colour bytes through (b / 255 - 0.5) / SH_C0; f32 rounding only.
      expectClose(ours.sh, ref.sh, 1e-5, 0, `${file} sh`);
      expectClose(sigmoid(ours.opacityLogits), sigmoid(ref.opacityLogits), 1e-6, 0, `${file} opacity`);
      // splat-transform decodes rotation bytes as b / 127.5 - 1, antimatter15 as (b - 128) / 128:
      // after normalising they differ by well under one 8-bit step.
      expectClose(normalised(ours.quats), normalised(ref.quats), ROT_STEP, 0, `${file} quats`);
    }
  });

  it('matches the INRIA .ply of the same scene within .splat quantisation', async () => {
    const splat = readSplat(load('splat/playbot-31000.splat'), 'playbot-31000.splat').scene;
    const ply = (await readPly(load('ply/playbot-31000.ply'), 'playbot-31000.ply')).scene;
    expect(splat.count).toBe(ply.count);
    // The converter sorted splats by size * opacity; positions are exact f32, so match on them.
    const key = (m: Float32Array, i: number) => `${m[i * 3]},${m[i * 3 + 1]},${m[i * 3 + 2]}`;
    const plyIndex = new Map<string, number>();
    for (let i = 0; i < ply.count; i++) plyIndex.set(key(ply.means, i), i);
    const order = Array.from({ length: splat.count }, (_, i) => plyIndex.get(key(splat.means, i)) ?? -1);
    expect(order.filter((j) => j < 0).length).toBe(0);
    expect(new Set(order).size).toBe(ply.count);
    const pick = <T extends Float32Array>(a: T, width: number) => {
      const out = new Float32Array(splat.count * width);
      order.forEach((j, i) => out.set(a.subarray(j * width, j * width + width), i * width));
      return out;
    };
    const plyPicked: SplatScene = {
      ...ply,
      means: pick(ply.means, 3),
      logScales: pick(ply.logScales, 3),
      quats: pick(ply.quats, 4),
      opacityLogits: pick(ply.opacityLogits, 1),
      sh: pick(ply.sh, shCoeffCount(ply.shDegree) * 3),
    };
    expectClose(splat.logScales, plyPicked.logScales, 1e-5, 0, 'logScales');
    // Colours and opacities were quantised to 8 bits (convert.py truncates: up to one full step).
    expectClose(colour(splat), colour(plyPicked), COLOUR_STEP + 1e-6, 0, 'colour');
    expectClose(sigmoid(splat.opacityLogits), sigmoid(plyPicked.opacityLogits), COLOUR_STEP + 1e-6, 0, 'opacity');
    const a = normalised(splat.quats);
    const b = normalised(plyPicked.quats);
    // q and -q are the same rotation; compare with the sign that aligns them.
    for (let i = 0; i < a.length; i += 4) {
      const dot = a[i] * b[i] + a[i + 1] * b[i + 1] + a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3];
      if (dot < 0) for (let c = 0; c < 4; c++) b[i + c] = -b[i + c];
    }
    // Each component is off by at most half a step plus the renormalisation of four such errors.
    expectClose(a, b, 2 * ROT_STEP, 0, 'quats');
  });

  it('rejects empty and truncated files with a SceneFormatError naming the file', () => {
    expect(() => readSplat(new Uint8Array(0), 'empty.splat')).toThrow(SceneFormatError);
    const bytes = load('splat/minimal.splat');
    expect(() => readSplat(bytes.subarray(0, 100), 'cut.splat')).toThrow(/cut\.splat \(splat\): size 100 bytes is not a multiple of 32/);
  });
});

function randomScene(n: number, degree: number, seed: number): SplatScene {
  const r = rng(seed);
  const s = emptyScene(n, degree);
  for (let i = 0; i < n * 3; i++) {
    s.means[i] = (r() - 0.5) * 20;
    s.logScales[i] = -6 + r() * 6;
  }
  for (let i = 0; i < n * 4; i++) s.quats[i] = r() * 2 - 1;
  for (let i = 0; i < n; i++) s.opacityLogits[i] = (r() - 0.5) * 12;
  // DC colours inside the representable 0..1 range, higher bands anywhere.
  const k3 = shCoeffCount(degree) * 3;
  for (let i = 0; i < n; i++) for (let j = 0; j < k3; j++) s.sh[i * k3 + j] = j < 3 ? (r() - 0.5) / SH_C0 : (r() - 0.5) * 2;
  return s;
}

describe('writeSplat', () => {
  it('round trips within .splat quantisation', () => {
    const src = randomScene(1000, 2, 7);
    const bytes = writeSplat(src);
    expect(bytes.length).toBe(1000 * SPLAT_BYTES_PER_SPLAT);
    const back = readSplat(bytes, 'rt.splat').scene;
    expect(back.shDegree).toBe(0);
    expectClose(back.means, src.means, 0, 0, 'means');
    expectClose(back.logScales, src.logScales, 1e-6, 1e-6, 'logScales');
    // Rounded to nearest: half a step.
    expectClose(colour(back), colour(src), COLOUR_STEP / 2 + 1e-6, 0, 'colour');
    expectClose(sigmoid(back.opacityLogits), sigmoid(src.opacityLogits), COLOUR_STEP / 2 + 1e-6, 0, 'opacity');
    expectClose(normalised(back.quats), normalised(src.quats), ROT_STEP, 0, 'quats');
    expect(splatDropsSh(src)).toBe(true);
  });

  it('writes files splat-transform reads back to the same scene', async () => {
    const src = randomScene(300, 0, 11);
    const bytes = writeSplat(src);
    const ours = readSplat(bytes, 'w.splat').scene;
    const ref = await oracle(bytes, '.splat');
    expectClose(ref.means, src.means, 0, 0, 'means');
    expectClose(ref.logScales, src.logScales, 1e-6, 1e-6, 'logScales');
    expectClose(colour(ref), colour(src), COLOUR_STEP / 2 + 1e-6, 0, 'colour');
    expectClose(sigmoid(ref.opacityLogits), sigmoid(ours.opacityLogits), 1e-6, 0, 'opacity');
    // Half a step of rounding in the writer plus splat-transform's b / 127.5 - 1 decode, which
    // drifts from (b - 128) / 128 by up to one step at b = 255.
    expectClose(normalised(ref.quats), normalised(src.quats), 1.5 * ROT_STEP, 0, 'quats');
    expect(splatDropsSh(src)).toBe(false);
  });

  it('writes a zero or non-finite quaternion as the identity', () => {
    const s = emptyScene(2, 0);
    s.quats.set([0, 0, 0, 0, NaN, 0, 0, 0]);
    const back = readSplat(writeSplat(s), 'q.splat').scene;
    expectClose(back.quats, [1, 0, 0, 0, 1, 0, 0, 0], 0.01);
  });
});
