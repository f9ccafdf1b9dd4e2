import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SH_C0, SceneFormatError, type SplatScene, emptyScene, shCoeffCount } from '../../../src/io/scene';
import { halfToFloat, readKsplat } from '../../../src/io/formats/ksplat';
import { readSplat } from '../../../src/io/formats/splat';
import { expectClose, rng } from '../../helpers/compare';
import { splatTransformDecode } from '../../helpers/splat-transform';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const load = (p: string) => new Uint8Array(readFileSync(path.join(DATA, p)));

/** The independent decode: splat-transform's ksplat reader to INRIA `.ply`, read back by our ply reader. */
const oracle = (bytes: Uint8Array): Promise<SplatScene> => splatTransformDecode(bytes, 'input.ksplat', 'ksplat');

const sigmoid = (x: ArrayLike<number>) => Array.from(x, (v) => 1 / (1 + Math.exp(-v)));
const normalised = (q: Float32Array) => {
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i += 4) {
    const n = Math.hypot(q[i], q[i + 1], q[i + 2], q[i + 3]);
    for (let a = 0; a < 4; a++) out[i + a] = q[i + a] / n;
  }
  return out;
};

/** Round-to-nearest binary16 encoding of a finite number below 65504. */
function toHalf(v: number): number {
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  // Subnormal: a multiple of 2^-24 (rounding up to 0x400 yields the smallest normal, correctly).
  if (a === 0 || e < -14) return sign | Math.round(a / 2 ** -24);
  let m = a / 2 ** e - 1;
  let mi = Math.round(m * 1024);
  if (mi === 1024) {
    mi = 0;
    e++;
  }
  m = mi;
  if (e > 15) throw new Error(`test value ${v} overflows f16`);
  return sign | ((e + 15) << 10) | m;
}

interface SectionSpec {
  /** Splats per bucket; leading lengths equal to `bucketSize` are full buckets, the rest partial. */
  buckets: number[];
  degree: number;
  /** Extra empty splat records after the used ones (maxSplatCount - splatCount). */
  slack: number;
  /** Stored quantisation range; 0 means the reader's default 32767. */
  quantRange: number;
}

const BUCKET_SIZE = 64;
const BLOCK_SIZE = 2;
const SH_RANGE: [number, number] = [-2, 2];

/**
 * Independent `.ksplat` encoder for the test, written from the format description: main header,
 * section headers, then per section partial bucket lengths, bucket centres and splat records.
 * Splats are assigned to buckets in order; each bucket's centre is the midpoint of its means.
 */
function encodeKsplat(scene: SplatScene, level: number, sections: SectionSpec[]): Uint8Array {
  const centerB = level === 0 ? 12 : 6;
  const floatB = level === 0 ? 4 : 2;
  const shB = [4, 2, 1][level];
  const k3 = shCoeffCount(scene.shDegree) * 3;
  const sizes = sections.map((s) => {
    const count = s.buckets.reduce((a, b) => a + b, 0);
    const perSplat = centerB + 3 * floatB + 4 * floatB + 4 + (shCoeffCount(s.degree) - 1) * 3 * shB;
    const partial = s.buckets.filter((b) => b !== BUCKET_SIZE).length;
    return { count, perSplat, partial, bytes: partial * 4 + s.buckets.length * 12 + (count + s.slack) * perSplat };
  });
  const total = 4096 + sections.length * 1024 + sizes.reduce((a, s) => a + s.bytes, 0);
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  out[0] = 0;
  out[1] = 1;
  v.setUint32(4, sections.length, true);
  v.setUint32(8, sections.length, true);
  v.setUint32(12, sizes.reduce((a, s) => a + s.count + sections.length, 0), true);
  v.setUint32(16, scene.count, true);
  v.setUint16(20, level, true);
  v.setFloat32(36, SH_RANGE[0], true);
  v.setFloat32(40, SH_RANGE[1], true);
  let at = 4096 + sections.length * 1024;
  let first = 0;
  sections.forEach((sec, s) => {
    const { count, perSplat, partial } = sizes[s];
    const range = sec.quantRange || 32767;
    const h = 4096 + s * 1024;
    const full = sec.buckets.length - partial;
    v.setUint32(h, count, true);
    v.setUint32(h + 4, count + sec.slack, true);
    v.setUint32(h + 8, BUCKET_SIZE, true);
    v.setUint32(h + 12, sec.buckets.length, true);
    v.setFloat32(h + 16, BLOCK_SIZE, true);
    v.setUint16(h + 20, 12, true);
    v.setUint32(h + 24, sec.quantRange, true);
    v.setUint32(h + 32, full, true);
    v.setUint32(h + 36, partial, true);
    v.setUint16(h + 40, sec.degree, true);
    sec.buckets.slice(full).forEach((len, p) => v.setUint32(at + p * 4, len, true));
    const centres = at + partial * 4;
    const records = centres + sec.buckets.length * 12;
    let j = 0;
    sec.buckets.forEach((len, b) => {
      const centre = [0, 1, 2].map((a) => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let t = 0; t < len; t++) {
          lo = Math.min(lo, scene.means[(first + j + t) * 3 + a]);
          hi = Math.max(hi, scene.means[(first + j + t) * 3 + a]);
        }
        if (hi - lo > BLOCK_SIZE) throw new Error('test scene bucket wider than the block');
        return Math.fround((lo + hi) / 2);
      });
      centre.forEach((c, a) => v.setFloat32(centres + b * 12 + a * 4, c, true));
      for (let t = 0; t < len; t++, j++) {
        const i = first + j;
        const o = records + j * perSplat;
        const f = (p: number, x: number) => (level === 0 ? v.setFloat32(p, x, true) : v.setUint16(p, toHalf(x), true));
        for (let a = 0; a < 3; a++) {
          const x = scene.means[i * 3 + a];
          if (level === 0) v.setFloat32(o + a * 4, x, true);
          else v.setUint16(o + a * 2, Math.round((x - centre[a]) / (BLOCK_SIZE / 2 / range)) + range, true);
          f(o + centerB + a * floatB, Math.exp(scene.logScales[i * 3 + a]));
        }
        const q = scene.quats.subarray(i * 4, i * 4 + 4);
        const n = Math.hypot(q[0], q[1], q[2], q[3]);
        for (let a = 0; a < 4; a++) f(o + centerB + 3 * floatB + a * floatB, q[a] / n);
        const c = o + centerB + 7 * floatB;
        for (let a = 0; a < 3; a++) out[c + a] = Math.round((0.5 + SH_C0 * scene.sh[i * k3 + a]) * 255);
        out[c + 3] = Math.round(255 / (1 + Math.exp(-scene.opacityLogits[i])));
        let p = c + 4;
        for (let band = 1; band <= sec.degree; band++) {
          for (let ch = 0; ch < 3; ch++) {
            for (let coeff = band * band; coeff < (band + 1) * (band + 1); coeff++, p += shB) {
              const x = scene.sh[i * k3 + coeff * 3 + ch];
              if (level === 0) v.setFloat32(p, x, true);
              else if (level === 1) v.setUint16(p, toHalf(x), true);
              else out[p] = Math.round(((x - SH_RANGE[0]) / (SH_RANGE[1] - SH_RANGE[0])) * 255);
            }
          }
        }
      }
    });
    at += sizes[s].bytes;
    first += count;
  });
  return out;
}

const SECTIONS: SectionSpec[] = [
  { buckets: [64, 64, 20, 7], degree: 2, slack: 3, quantRange: 0 },
  // Sizes keep every section a multiple of 4 bytes: readers built on typed-array views
  // (GaussianSplats3D, splat-transform) need the next section's f32 bucket centres aligned.
  { buckets: [0, 0, 0], degree: 3, slack: 4, quantRange: 0 },
  { buckets: [64, 30], degree: 1, slack: 0, quantRange: 16383 },
];

/** Scene laid out bucket by bucket, each bucket inside one block; bands past a section's degree are zero. */
function testScene(seed: number): SplatScene {
  const r = rng(seed);
  const sizes = SECTIONS.flatMap((s) => s.buckets);
  const n = sizes.reduce((a, b) => a + b, 0);
  const s = emptyScene(n, 2);
  const k3 = shCoeffCount(2) * 3;
  let i = 0;
  let section = 0;
  let inSection = 0;
  for (const len of sizes) {
    const centre = [r() * 40 - 20, r() * 40 - 20, r() * 40 - 20];
    for (let t = 0; t < len; t++, i++) {
      while (inSection >= SECTIONS[section].buckets.reduce((a, b) => a + b, 0)) {
        section++;
        inSection = 0;
      }
      inSection++;
      for (let a = 0; a < 3; a++) {
        s.means[i * 3 + a] = centre[a] + (r() - 0.5) * BLOCK_SIZE * 0.99;
        // exp(-9) = 1.2e-4 stays a normal f16 (>= 6.1e-5), so f16 error is relative 2^-11.
        s.logScales[i * 3 + a] = -9 + r() * 9;
      }
      for (let a = 0; a < 4; a++) s.quats[i * 4 + a] = r() * 2 - 1;
      s.opacityLogits[i] = (r() - 0.5) * 10;
      const used = shCoeffCount(SECTIONS[section].degree) * 3;
      for (let j = 0; j < k3; j++) s.sh[i * k3 + j] = j < 3 ? (r() - 0.5) / SH_C0 : j < used ? (r() - 0.5) * 3.6 : 0;
    }
  }
  return s;
}

describe('readKsplat', () => {
  it('decodes the minimal fixture like the .splat of the same four splats and like splat-transform', async () => {
    const bytes = load('splat/minimal.ksplat');
    const { scene, format } = readKsplat(bytes, 'minimal.ksplat');
    expect(format).toBe('ksplat');
    expect(scene.count).toBe(4);
    expect(scene.shDegree).toBe(0);
    const splat = readSplat(load('splat/minimal.splat'), 'minimal.splat').scene;
    expectClose(scene.means, splat.means, 0, 0, 'means');
    expectClose(scene.logScales, splat.logScales, 1e-7, 0, 'logScales');
    expectClose(scene.sh, splat.sh, 1e-6, 0, 'colour');
    expectClose(scene.opacityLogits, splat.opacityLogits, 1e-6, 0, 'opacity');
    // .splat rotation bytes carry 1/128 steps; the ksplat stores f32.
    expectClose(normalised(scene.quats), normalised(splat.quats), 1 / 128, 0, 'quats');
    const ref = await oracle(bytes);
    expectClose(scene.means, ref.means, 0, 0, 'oracle means');
    expectClose(scene.quats, ref.quats, 0, 0, 'oracle quats');
  });

  for (const level of [0, 1, 2]) {
    it(`decodes compression level ${level} with sections, partial buckets and SH within its quantisation`, async () => {
      const src = testScene(100 + level);
      const bytes = encodeKsplat(src, level, SECTIONS);
      const { scene: back, warnings } = readKsplat(bytes, `l${level}.ksplat`);
      expect(warnings).toEqual([]);
      expect(back.count).toBe(src.count);
      expect(back.shDegree).toBe(2);
      // Level 0 stores f32. Levels 1-2: centres in steps of blockSize / 2 / range (range 32767
      // or 16383 here), rounded: half a step; scales, rotations as f16: relative 2^-11.
      const posTol = level === 0 ? 0 : BLOCK_SIZE / 2 / 16383 / 2 + 1e-6;
      expectClose(back.means, src.means, posTol, 1e-7, 'means');
      expectClose(back.logScales, src.logScales, level === 0 ? 1e-6 : 2 ** -11 + 1e-6, 0, 'logScales');
      expectClose(normalised(back.quats), normalised(src.quats), level === 0 ? 1e-6 : 2 ** -11, 0, 'quats');
      // Colour and opacity: 8 bits, rounded: half of 1/255 in 0..1.
      const k3 = shCoeffCount(2) * 3;
      const dc = (s: SplatScene) => Array.from({ length: s.count * 3 }, (_, j) => 0.5 + SH_C0 * s.sh[Math.floor(j / 3) * k3 + (j % 3)]);
      expectClose(dc(back), dc(src), 0.5 / 255 + 1e-6, 0, 'colour');
      expectClose(sigmoid(back.opacityLogits), sigmoid(src.opacityLogits), 0.5 / 255 + 1e-6, 0, 'opacity');
      // SH rest: f32 exact; f16 relative 2^-11 of |v| <= 1.8; 8 bits over [-2, 2]: half of 4/255.
      const rest = (s: SplatScene) => Array.from({ length: s.count * (k3 - 3) }, (_, j) => s.sh[Math.floor(j / (k3 - 3)) * k3 + 3 + (j % (k3 - 3))]);
      const shTol = [1e-7, 1.8 * 2 ** -11, 0.5 * (4 / 255) + 1e-6][level];
      expectClose(rest(back), rest(src), shTol, 0, 'sh rest');

      // splat-transform places SH of sections below the file's highest degree in the wrong
      // f_rest columns, so its comparison uses the same scene with every section at degree 2.
      const uniform = encodeKsplat(src, level, SECTIONS.map((sec) => ({ ...sec, degree: 2 })));
      // Zeros of the padded band 2 come back as the nearest 8-bit level at level 2.
      expectClose(readKsplat(uniform, 'uniform.ksplat').scene.sh, back.sh, shTol, 0, 'uniform-degree sh');
      const ref = await oracle(uniform);
      expect(ref.count).toBe(back.count);
      expectClose(back.means, ref.means, 1e-6, 1e-6, 'oracle means');
      expectClose(back.logScales, ref.logScales, 1e-6, 1e-6, 'oracle logScales');
      expectClose(back.quats, ref.quats, 1e-7, 0, 'oracle quats');
      expectClose(readKsplat(uniform, 'uniform.ksplat').scene.sh, ref.sh, 1e-6, 1e-6, 'oracle sh');
      expectClose(sigmoid(back.opacityLogits), sigmoid(ref.opacityLogits), 1e-7, 0, 'oracle opacity');
    });
  }

  it('rejects bad headers, truncation and inconsistent counts with SceneFormatError', () => {
    const good = encodeKsplat(testScene(5), 1, SECTIONS);
    const edit = (f: (v: DataView) => void) => {
      const b = good.slice();
      f(new DataView(b.buffer));
      return b;
    };
    expect(() => readKsplat(good.subarray(0, 3000), 'short.ksplat')).toThrow(/short\.ksplat \(ksplat\): file is 3000 bytes/);
    expect(() => readKsplat(good.subarray(0, good.length - 1), 'cut.ksplat')).toThrow(/section 2: .*truncated/);
    expect(() => readKsplat(edit((v) => v.setUint8(1, 0)), 'v.ksplat')).toThrow(/unsupported version 0\.0/);
    expect(() => readKsplat(edit((v) => v.setUint16(20, 3, true)), 'l.ksplat')).toThrow(/compression level 3/);
    expect(() => readKsplat(edit((v) => v.setUint32(4, 0xffffffff, true)), 'm.ksplat')).toThrow(/4294967295 sections/);
    expect(() => readKsplat(edit((v) => v.setUint32(16, 1e9, true)), 'n.ksplat')).toThrow(/header says 1000000000 splats but its sections hold 249/);
    expect(() => readKsplat(edit((v) => v.setUint32(16, 0, true)), 'z.ksplat')).toThrow(/0 splats/);
    // First section claims more splats than its buckets cover.
    expect(() => readKsplat(edit((v) => v.setUint32(4096, 157, true)), 'b.ksplat')).toThrow(/section 0: .*(room for|cover)/);
    expect(() => readKsplat(edit((v) => v.setUint16(4096 + 40, 4, true)), 'd.ksplat')).toThrow(SceneFormatError);
  });

  it('decodes f16 values exactly, subnormals and specials included', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(toHalf(0.1))).toBeCloseTo(0.1, 3);
  });
});
