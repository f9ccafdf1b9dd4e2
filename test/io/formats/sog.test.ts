import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { SceneFormatError, type SplatScene, emptyScene, shCoeffCount } from '../../../src/io/scene';
import { readPly } from '../../../src/io/ply';
import { isSogMeta, readSog, readSogBundle, writeSog } from '../../../src/io/formats/sog';
import { encodeWebpLossless, wasmWebpDecoder } from '../../../src/io/formats/webp-codec';
import { expectClose, rng } from '../../helpers/compare';
import { splatTransformDecode } from '../../helpers/splat-transform';
import { SHARED_DATA, startViewer } from '../../e2e/browser';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const SOG_DIRS = readdirSync(path.join(DATA, 'sog')).filter((d) => !d.endsWith('.txt'));

function loadDir(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const f of readdirSync(path.join(DATA, 'sog', dir))) files.set(f, new Uint8Array(readFileSync(path.join(DATA, 'sog', dir, f))));
  return files;
}

const sourceOf = (files: Map<string, Uint8Array>) => ({
  meta: JSON.parse(new TextDecoder().decode(files.get('meta.json'))) as unknown,
  readFile: async (name: string) => {
    const b = files.get(name);
    if (!b) throw new Error('no such file');
    return b;
  },
});

/** @playcanvas/splat-transform reads the files (meta.json or a .sog bundle) and writes INRIA .ply; our ply reader reads that. */
const oracle = (files: Map<string, Uint8Array>, entry: string): Promise<SplatScene> => splatTransformDecode(files, entry, 'sog');

const sigmoid = (x: ArrayLike<number>) => Array.from(x, (v) => 1 / (1 + Math.exp(-v)));

/** Both decoders dequantise the same bytes; only f32 rounding differs (1e-5 absolute, 1e-5 relative for exp'd means). */
function expectSameDecode(ours: SplatScene, ref: SplatScene, name: string): void {
  expect(ours.count).toBe(ref.count);
  expect(ours.shDegree).toBe(ref.shDegree);
  expectClose(ours.means, ref.means, 1e-5, 1e-5, `${name} means`);
  expectClose(ours.logScales, ref.logScales, 1e-5, 0, `${name} logScales`);
  expectClose(sigmoid(ours.opacityLogits), sigmoid(ref.opacityLogits), 1e-6, 0, `${name} opacity`);
  expectClose(ours.quats, ref.quats, 1e-5, 0, `${name} quats`);
  expectClose(ours.sh, ref.sh, 1e-5, 0, `${name} sh`);
}

function randomScene(n: number, degree: number, seed: number): SplatScene {
  const r = rng(seed);
  const s = emptyScene(n, degree);
  for (let i = 0; i < n * 3; i++) {
    s.means[i] = (r() - 0.5) * 10;
    s.logScales[i] = -7 + r() * 5;
  }
  for (let i = 0; i < n * 4; i++) s.quats[i] = r() * 2 - 1;
  for (let i = 0; i < n; i++) s.opacityLogits[i] = (r() - 0.5) * 10;
  const k3 = shCoeffCount(degree) * 3;
  for (let i = 0; i < n; i++) for (let j = 0; j < k3; j++) s.sh[i * k3 + j] = j < 3 ? (r() - 0.5) * 4 : (r() - 0.5) * 0.6;
  return s;
}

/** The codebooks a written bundle declares, from its meta.json. */
function codebooksOf(bundle: Uint8Array): { scales: number[]; sh0: number[]; shN?: number[] } {
  const meta = JSON.parse(new TextDecoder().decode(unzipSync(bundle)['meta.json']));
  return { scales: meta.scales.codebook, sh0: meta.sh0.codebook, shN: meta.shN?.codebook };
}

/** Each decoded value is the codebook entry nearest its source value (brute force over the 256 entries). */
function expectNearestEntry(back: ArrayLike<number>, src: ArrayLike<number>, book: number[], name: string): void {
  for (let i = 0; i < src.length; i++) {
    let best = Infinity;
    for (const b of book) best = Math.min(best, Math.abs(Math.fround(b) - src[i]));
    // 1e-6: the codebook is stored as f32 and JSON round trips it exactly; only ties may differ.
    if (Math.abs(back[i] - src[i]) > best + 1e-6) throw new Error(`${name}[${i}]: ${back[i]} for ${src[i]}, nearest entry is ${best} away`);
  }
}

/**
 * SOG quantisation: means 16 bits of log-space (step scaled by |x| + 1), opacity 8-bit,
 * quaternions 8-bit smallest three, scales / colours / SH through 256-entry codebooks.
 */
function expectWithinSogQuantisation(back: SplatScene, src: SplatScene, bundle: Uint8Array, name: string): void {
  expect(back.count).toBe(src.count);
  expect(back.shDegree).toBe(src.shDegree);
  const logT = (x: number) => Math.sign(x) * Math.log(Math.abs(x) + 1);
  for (let a = 0; a < 3; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < src.count; i++) {
      lo = Math.min(lo, logT(src.means[i * 3 + a]));
      hi = Math.max(hi, logT(src.means[i * 3 + a]));
    }
    const half = (hi - lo) / 65535 / 2;
    for (let i = 0; i < src.count; i++) {
      const x = src.means[i * 3 + a];
      // d/dt of the inverse transform is |x| + 1; the 1e-6 covers f32 storage.
      const tol = half * (Math.abs(x) + 1) * 1.001 + 1e-6 * (Math.abs(x) + 1);
      if (Math.abs(back.means[i * 3 + a] - x) > tol) throw new Error(`${name} mean[${i}, ${a}] ${back.means[i * 3 + a]} vs ${x} (tol ${tol})`);
    }
  }
  const books = codebooksOf(bundle);
  expectNearestEntry(back.logScales, src.logScales, books.scales, `${name} logScales`);
  const k3 = shCoeffCount(src.shDegree) * 3;
  const part = (s: SplatScene, dc: boolean) => Float64Array.from(Array.from(s.sh).filter((_, j) => (j % k3 < 3) === dc));
  expectNearestEntry(part(back, true), part(src, true), books.sh0, `${name} f_dc`);
  expectClose(sigmoid(back.opacityLogits), sigmoid(src.opacityLogits), 0.5 / 255 + 1e-6, 0, `${name} opacity`);
  // 8-bit components of magnitude <= sqrt(1/2): half a step is sqrt 2 / 255 / 2 = 0.0028 each,
  // and the rebuilt largest component absorbs the others' errors.
  const a = unit(back.quats);
  const b = unit(src.quats);
  for (let i = 0; i < a.length; i += 4) {
    const dot = a[i] * b[i] + a[i + 1] * b[i + 1] + a[i + 2] * b[i + 2] + a[i + 3] * b[i + 3];
    if (dot < 0) for (let c = 0; c < 4; c++) a[i + c] = -a[i + c];
  }
  expectClose(a, b, 0.006, 0, `${name} quats`);
}

function unit(q: Float32Array): Float64Array {
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i += 4) {
    const n = Math.hypot(q[i], q[i + 1], q[i + 2], q[i + 3]);
    for (let a = 0; a < 4; a++) out[i + a] = q[i + a] / n;
  }
  return out;
}

describe('readSog', () => {
  it('decodes every shared SOG the same way splat-transform does, unbundled and bundled', async () => {
    expect(SOG_DIRS.length).toBeGreaterThan(0);
    for (const dir of SOG_DIRS) {
      const files = loadDir(dir);
      const source = sourceOf(files);
      expect(isSogMeta(source.meta)).toBe(true);
      const { scene, format, warnings } = await readSog(source, `${dir}/meta.json`, { decodeWebp: wasmWebpDecoder });
      expect(format).toBe('sog');
      expect(warnings).toEqual([]);
      expect(scene.count).toBe((source.meta as { count: number }).count);
      expectSameDecode(scene, await oracle(files, 'meta.json'), dir);
      const bundle = zipSync(Object.fromEntries([...files].map(([k, v]) => [k, v])));
      const fromBundle = (await readSogBundle(bundle, `${dir}.sog`)).scene;
      expectSameDecode(fromBundle, scene, `${dir} bundled`);
    }
  });

  it('agrees with the INRIA .ply of playbot-31000 within SOG quantisation', async () => {
    const sog = (await readSog(sourceOf(loadDir('playbot-31000')), 'playbot-31000/meta.json')).scene;
    const ply = (await readPly(new Uint8Array(readFileSync(path.join(DATA, 'ply/playbot-31000.ply'))), 'playbot-31000.ply')).scene;
    expect(sog.count).toBe(ply.count);
    // The .ply carries an all-zero band 3 that the SOG (2 bands) leaves out.
    expect(sog.shDegree).toBe(2);
    expect(ply.shDegree).toBe(3);
    const k3 = shCoeffCount(3) * 3;
    const k2 = shCoeffCount(2) * 3;
    const plySh = Float32Array.from({ length: ply.count * k2 }, (_, j) => ply.sh[Math.floor(j / k2) * k3 + (j % k2)]);
    expect(Array.from(ply.sh).every((v, j) => j % k3 < k2 || v === 0)).toBe(true);
    // The .ply was decoded from this SOG: means agree to f32 rounding of exp, the codebook values exactly.
    expectClose(sog.means, ply.means, 1e-6, 1e-5, 'means');
    expectClose(sog.logScales, ply.logScales, 1e-6, 0, 'logScales');
    expectClose(sog.sh, plySh, 1e-6, 0, 'sh');
    expectClose(sigmoid(sog.opacityLogits), sigmoid(ply.opacityLogits), 1e-6, 0, 'opacity');
    expectClose(unit(sog.quats), unit(ply.quats), 1e-6, 0, 'quats');
  });

  it('decodes version 1 (mins/maxs instead of codebooks) as splat-transform does', async () => {
    const n = 300;
    const r = rng(99);
    const w = 20;
    const h = Math.ceil(n / w);
    const tex = (fill: (i: number, c: number) => number) => {
      const t = new Uint8Array(w * h * 4);
      for (let i = 0; i < w * h; i++) for (let c = 0; c < 4; c++) t[i * 4 + c] = i < n ? fill(i, c) : 255;
      return encodeWebpLossless(t, w, h);
    };
    const byte = () => Math.floor(r() * 256);
    const coeffs = 3;
    const paletteRows = 2;
    const centroids = new Uint8Array(64 * coeffs * paletteRows * 4).map((_, i) => (i % 4 === 3 ? 255 : byte()));
    const files = new Map<string, Uint8Array>([
      ['means_l.webp', await tex(() => byte())],
      ['means_u.webp', await tex(() => byte())],
      ['quats.webp', await tex((_, c) => (c === 3 ? 252 + Math.floor(r() * 4) : byte()))],
      ['scales.webp', await tex(() => byte())],
      ['sh0.webp', await tex(() => byte())],
      ['shN_centroids.webp', await encodeWebpLossless(centroids, 64 * coeffs, paletteRows)],
      ['shN_labels.webp', await tex((_, c) => (c === 0 ? Math.floor(r() * 128) : c === 3 ? 255 : 0))],
    ]);
    const meta = {
      means: { shape: [n, 3], dtype: 'float32', mins: [-1.2, -0.4, -2], maxs: [1.5, 0.9, 0.3], files: ['means_l.webp', 'means_u.webp'] },
      scales: { shape: [n, 3], dtype: 'float32', mins: [-8, -7, -6], maxs: [-1, -2, 0], files: ['scales.webp'] },
      quats: { shape: [n, 4], dtype: 'uint8', encoding: 'quaternion_packed', files: ['quats.webp'] },
      sh0: { shape: [n, 1, 4], dtype: 'float32', mins: [-2, -1.5, -1, -6], maxs: [2, 1.5, 3, 5], files: ['sh0.webp'] },
      shN: { shape: [n, 3, 3], dtype: 'float32', mins: -0.7, maxs: 0.8, quantization: 8, files: ['shN_centroids.webp', 'shN_labels.webp'] },
    };
    files.set('meta.json', strToU8(JSON.stringify(meta)));
    expect(isSogMeta(meta)).toBe(true);
    const ours = (await readSog(sourceOf(files), 'v1/meta.json')).scene;
    expect(ours.shDegree).toBe(1);
    expectSameDecode(ours, await oracle(files, 'meta.json'), 'v1');
  });

  it('rejects bad metadata, missing or corrupt images and broken bundles with SceneFormatError', async () => {
    const files = loadDir('playbot-8406');
    const good = sourceOf(files);
    const bad = async (p: Promise<unknown>, pattern: RegExp) => {
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SceneFormatError);
      expect((err as Error).message).toMatch(/^bad\.sog \(sog\): /);
      expect((err as Error).message).toMatch(pattern);
    };
    const withMeta = (patch: (m: Record<string, unknown>) => void) => {
      const meta = structuredClone(good.meta) as Record<string, unknown>;
      patch(meta);
      return readSog({ meta, readFile: good.readFile }, 'bad.sog');
    };
    await bad(readSog({ meta: [1, 2], readFile: good.readFile }, 'bad.sog'), /not a JSON object/);
    await bad(withMeta((m) => (m.version = 3)), /unsupported SOG version 3/);
    await bad(withMeta((m) => (m.count = 0)), /0 splats/);
    await bad(withMeta((m) => (m.count = 4e9)), /more than/);
    await bad(withMeta((m) => (m.count = 100000)), /fewer than the 100000 needed/);
    await bad(withMeta((m) => (m.count = 10)), /count and image disagree/);
    await bad(withMeta((m) => delete m.quats), /no 'quats' object/);
    await bad(withMeta((m) => ((m.scales as Record<string, unknown>).codebook = [1, 2])), /scales\.codebook/);
    await bad(withMeta((m) => ((m.means as Record<string, unknown>).files = ['nope.webp', 'means_u.webp'])), /cannot read 'nope\.webp'/);
    await bad(withMeta((m) => ((m.means as Record<string, unknown>).files = ['meta.json', 'means_u.webp'])), /'meta\.json' is not a WebP/);
    const corrupt = new Map(files);
    const q = files.get('quats.webp')!.slice();
    q.fill(0x5a, 100, 400);
    corrupt.set('quats.webp', q);
    await bad(readSog(sourceOf(corrupt), 'bad.sog'), /corrupt WebP 'quats\.webp'/);
    const bundle = zipSync(Object.fromEntries(files));
    await bad(readSogBundle(bundle.subarray(0, bundle.length - 100), 'bad.sog'), /corrupt zip/);
    await bad(readSogBundle(strToU8('{"version":2,"count":1,"means":{}}'), 'bad.sog'), /wrong magic/);
    await bad(readSogBundle(zipSync({ 'a.txt': strToU8('x') }), 'bad.sog'), /no meta\.json/);
    await bad(readSogBundle(zipSync({ 'meta.json': strToU8('{nope') }), 'bad.sog'), /not valid JSON/);
    expect(isSogMeta({ version: 2, count: 3 })).toBe(false);
    expect(isSogMeta({ element: 'vertex' })).toBe(false);
  });

  it('never hangs or throws anything but SceneFormatError on mutated bundles', async () => {
    const bundle = await writeSog(randomScene(50, 1, 4));
    const r = rng(77);
    const start = performance.now();
    let decoded = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      let m: Uint8Array = bundle.slice();
      if (t % 2 === 0) for (let f = 1 + Math.floor(r() * 4); f > 0; f--) m[Math.floor(r() * m.length)] ^= 1 << Math.floor(r() * 8);
      else m = m.subarray(0, Math.floor(r() * m.length));
      try {
        await readSogBundle(m, 'fuzz.sog');
        decoded++;
      } catch (e) {
        if (!(e instanceof SceneFormatError)) throw new Error(`trial ${t}: ${String(e)}`);
      }
    }
    expect(performance.now() - start).toBeLessThan(30_000);
    expect(decoded).toBeLessThan(trials);
  });
});

describe('writeSog', () => {
  it('round trips within SOG quantisation and splat-transform reads the bundle the same way', async () => {
    for (const degree of [0, 3]) {
      const src = randomScene(400, degree, 31 + degree);
      const bytes = await writeSog(src);
      const back = (await readSogBundle(bytes, 'rt.sog')).scene;
      expectWithinSogQuantisation(back, src, bytes, `degree ${degree}`);
      // Every splat has its own palette entry below 65536 splats: SH rest only loses the codebook rounding.
      const k3 = shCoeffCount(degree) * 3;
      const rest = (s: SplatScene) => Float64Array.from(Array.from(s.sh).filter((_, j) => j % k3 >= 3));
      if (degree > 0) expectNearestEntry(rest(back), rest(src), codebooksOf(bytes).shN!, 'sh rest');
      expectSameDecode(await oracle(new Map([['rt.sog', bytes]]), 'rt.sog'), back, `oracle degree ${degree}`);
    }
  });

  it('re-encodes the shared playbot-8406 SOG within quantisation', async () => {
    const src = (await readSog(sourceOf(loadDir('playbot-8406')), 'playbot-8406/meta.json')).scene;
    const bytes = await writeSog(src);
    const back = (await readSogBundle(bytes, 'pb.sog')).scene;
    expectWithinSogQuantisation(back, src, bytes, 'playbot-8406');
  });

  it('clusters SH into a 65536-entry palette above 65536 splats', async () => {
    const src = randomScene(66000, 1, 8);
    const bytes = await writeSog(src);
    const back = (await readSogBundle(bytes, 'big.sog')).scene;
    expect(back.count).toBe(66000);
    // Median cut of 66000 uniform 9-D vectors into 65536 cells leaves most splats alone and
    // pairs the rest; the mean error stays well below the spread of the data (0.17 rms).
    let err = 0;
    for (let i = 0; i < back.count; i++) for (let j = 3; j < 12; j++) err += (back.sh[i * 12 + j] - src.sh[i * 12 + j]) ** 2;
    expect(Math.sqrt(err / (back.count * 9))).toBeLessThan(0.05);
  }, 60_000);
});

describe('readSog in headless Chromium', () => {
  it('decodes with the platform WebP decoder (and its wasm fallback) exactly as in Node', async () => {
    const dir = 'playbot-8406';
    const node = (await readSog(sourceOf(loadDir(dir)), 'meta.json', { decodeWebp: wasmWebpDecoder })).scene;
    const nodeMeansL = await wasmWebpDecoder(loadDir(dir).get('means_l.webp')!);
    const session = await startViewer({ width: 64, height: 64 });
    try {
      await session.page.goto(`${session.baseUrl}/index.html`);
      // A string, so vitest does not rewrite the page's dynamic imports.
      const result = (await session.page.evaluate(`(async () => {
        const sog = await import('/src/io/formats/sog.ts');
        const codec = await import('/src/io/formats/webp-codec.ts');
        const get = async (n) => {
          const r = await fetch('/@fs${SHARED_DATA}/sog/${dir}/' + n);
          if (!r.ok) throw new Error(n + ': HTTP ' + r.status);
          return new Uint8Array(await r.arrayBuffer());
        };
        const meta = JSON.parse(new TextDecoder().decode(await get('meta.json')));
        const { scene } = await sog.readSog({ meta, readFile: get }, 'meta.json');
        const meansL = await codec.browserWebpDecoder(await get('means_l.webp'));
        return {
          platformDefault: codec.defaultWebpDecoder() === codec.browserWebpDecoder,
          meansL: Array.from(meansL.rgba),
          count: scene.count,
          means: Array.from(scene.means), logScales: Array.from(scene.logScales), quats: Array.from(scene.quats),
          opacityLogits: Array.from(scene.opacityLogits), sh: Array.from(scene.sh),
        };
      })()`)) as Record<string, number[]> & { platformDefault: boolean; count: number };
      expect(session.errors).toEqual([]);
      expect(result.platformDefault).toBe(true);
      // means_l is fully opaque, so the canvas path (not the wasm fallback) decoded it, bit-exactly.
      expect(result.meansL).toEqual(Array.from(nodeMeansL.rgba));
      expect(result.count).toBe(node.count);
      // Same bytes and the same f32 arithmetic: identical results.
      for (const key of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) expectClose(result[key], node[key], 0, 0, key);
    } finally {
      await session.close();
    }
  }, 120_000);
});
