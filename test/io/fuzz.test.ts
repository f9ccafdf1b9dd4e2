/**
 * Every reader against seeded random damage to real files: bit flips (biased to the header,
 * where counts and offsets live), truncations, and counts inflated to absurd values. Each case
 * must decode to a well-formed scene or throw SceneFormatError, within a time bound, and never
 * allocate from an unchecked count (that would show as a RangeError or an out-of-memory crash).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SceneFormatError, type LoadedScene, type SplatScene, shCoeffCount } from '../../src/io/scene';
import { readPly } from '../../src/io/ply';
import { writePly } from '../../src/io/ply-writer';
import { readSplat } from '../../src/io/formats/splat';
import { readKsplat } from '../../src/io/formats/ksplat';
import { readCompressedPly } from '../../src/io/formats/compressed-ply';
import { readSpz } from '../../src/io/formats/spz';
import { readSog, readSogBundle } from '../../src/io/formats/sog';
import { loadScene } from '../../src/io/load';
import { rng } from '../helpers/compare';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const load = (p: string) => new Uint8Array(readFileSync(path.join(DATA, p)));

/**
 * Per-case bound. Undamaged inputs decode in a few milliseconds here; 2 s leaves room for two
 * shared cores under load while still catching a reader that walks an absurd count.
 */
const CASE_MS = 2000;

type Reader = (bytes: Uint8Array, file: string) => LoadedScene | Promise<LoadedScene>;

interface Target {
  name: string;
  bytes: Uint8Array;
  read: Reader;
  cases: number;
  /** Byte range holding counts and offsets: flips and inflation aim here half the time. */
  headerBytes: number;
  /** Offsets of little-endian u32 counts worth inflating. */
  countOffsets?: number[];
}

/** The first `n` splats of `scene`, so fuzzing runs on small but real data. */
function firstSplats(s: SplatScene, n: number): SplatScene {
  const k3 = shCoeffCount(s.shDegree) * 3;
  return {
    count: n,
    shDegree: s.shDegree,
    means: s.means.slice(0, n * 3),
    logScales: s.logScales.slice(0, n * 3),
    quats: s.quats.slice(0, n * 4),
    opacityLogits: s.opacityLogits.slice(0, n),
    sh: s.sh.slice(0, n * k3),
  };
}

function plyHeaderLength(bytes: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 8192));
  return text.indexOf('end_header') + 'end_header\n'.length;
}

/** One seeded mutation of `t.bytes`. */
function mutate(t: Target, r: () => number): Uint8Array {
  const kind = r();
  const src = t.bytes;
  const pos = (limit: number) => Math.floor(r() * limit);
  const inHeader = () => (r() < 0.5 ? pos(Math.min(t.headerBytes, src.length)) : pos(src.length));
  if (kind < 0.4) {
    const out = src.slice();
    const flips = 1 + pos(8);
    for (let f = 0; f < flips; f++) out[inHeader()] ^= 1 << pos(8);
    return out;
  }
  if (kind < 0.6) return src.slice(0, pos(src.length));
  if (kind < 0.7) {
    // Bytes overwritten with random values (corrupts compressed streams wholesale).
    const out = src.slice();
    const at = inHeader();
    for (let i = at; i < Math.min(out.length, at + 1 + pos(64)); i++) out[i] = pos(256);
    return out;
  }
  if (kind < 0.8) {
    // Extra garbage appended: a reader must not read it as more splats.
    const out = new Uint8Array(src.length + 1 + pos(300));
    out.set(src);
    for (let i = src.length; i < out.length; i++) out[i] = pos(256);
    return out;
  }
  // Inflated counts: a known count field, or any aligned header word, set to an absurd value.
  const out = src.slice();
  const huge = [0xffffffff, 0x7fffffff, 0x80000000, 1e9, 65536, 2 ** 24 + 1][pos(6)];
  const offsets = t.countOffsets ?? [];
  const at = offsets.length > 0 && r() < 0.7 ? offsets[pos(offsets.length)] : pos(Math.max(1, Math.min(t.headerBytes, src.length) >> 2)) * 4;
  if (at + 4 <= out.length) new DataView(out.buffer).setUint32(at, huge, true);
  return out;
}

/** PLY counts are text: replace one `element <name> <n>` count with a large or odd number. */
function mutatePlyCount(src: Uint8Array, r: () => number): Uint8Array {
  const headerEnd = plyHeaderLength(src);
  const header = new TextDecoder('latin1').decode(src.subarray(0, headerEnd));
  const matches = [...header.matchAll(/element (\w+) (\d+)/g)];
  const m = matches[Math.floor(r() * matches.length)];
  const values = ['4294967296', '99999999999999999999', '0', String(Number(m[2]) + 1), String(Number(m[2]) * 1000), '-5', '1e9'];
  const replaced = header.replace(m[0], `element ${m[1]} ${values[Math.floor(r() * values.length)]}`);
  const head = new Uint8Array([...replaced].map((c) => c.charCodeAt(0)));
  const out = new Uint8Array(head.length + src.length - headerEnd);
  out.set(head);
  out.set(src.subarray(headerEnd), head.length);
  return out;
}

function checkWellFormed(s: SplatScene, label: string): void {
  const k3 = shCoeffCount(s.shDegree) * 3;
  expect(s.count, label).toBeGreaterThan(0);
  expect(s.means.length, label).toBe(s.count * 3);
  expect(s.logScales.length, label).toBe(s.count * 3);
  expect(s.quats.length, label).toBe(s.count * 4);
  expect(s.opacityLogits.length, label).toBe(s.count);
  expect(s.sh.length, label).toBe(s.count * k3);
  for (const a of [s.means, s.logScales, s.quats, s.opacityLogits, s.sh]) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`${label}: non-finite value ${a[i]} at ${i}`);
  }
}

interface Tally {
  decoded: number;
  rejected: number;
  worstMs: number;
}

async function runCase(read: Reader, bytes: Uint8Array, label: string, tally: Tally): Promise<void> {
  const t0 = performance.now();
  let result: LoadedScene | undefined;
  try {
    result = await read(bytes, label);
  } catch (e) {
    if (!(e instanceof SceneFormatError)) throw new Error(`${label}: threw ${(e as Error)?.name}: ${(e as Error)?.message} instead of SceneFormatError`);
    expect(e.file, label).toBe(label);
    tally.rejected++;
  }
  const ms = performance.now() - t0;
  tally.worstMs = Math.max(tally.worstMs, ms);
  if (ms > CASE_MS) throw new Error(`${label}: took ${ms.toFixed(0)} ms (bound ${CASE_MS} ms)`);
  if (result) {
    checkWellFormed(result.scene, label);
    tally.decoded++;
  }
}

async function fuzz(t: Target, seed: number, extra?: (r: () => number) => Uint8Array): Promise<Tally> {
  const r = rng(seed);
  const tally: Tally = { decoded: 0, rejected: 0, worstMs: 0 };
  await runCase(t.read, t.bytes, `${t.name}#original`, tally);
  expect(tally.decoded, `${t.name}: the undamaged file must decode`).toBe(1);
  for (let c = 0; c < t.cases; c++) {
    const bytes = extra && r() < 0.25 ? extra(r) : mutate(t, r);
    await runCase(t.read, bytes, `${t.name}#${c}`, tally);
  }
  // Damage must be noticed sometimes; a reader that accepts everything is not checking.
  expect(tally.rejected, `${t.name}: rejected count`).toBeGreaterThan(t.cases / 10);
  return tally;
}

const report = (name: string, t: Tally) => console.log(`fuzz ${name}: ${t.decoded} decoded, ${t.rejected} rejected, worst ${t.worstMs.toFixed(1)} ms`);

describe('fuzzed real files: decode or SceneFormatError, in bounded time', () => {
  it('.splat', async () => {
    const bytes = load('splat/playbot-31000.splat').subarray(0, 64 * 32);
    report('splat', await fuzz({ name: 'splat', bytes, read: readSplat, cases: 400, headerBytes: 64 }, 1));
    report('splat-minimal', await fuzz({ name: 'splat-minimal', bytes: load('splat/minimal.splat'), read: readSplat, cases: 200, headerBytes: 128 }, 2));
  });

  it('.ksplat', async () => {
    const bytes = load('splat/minimal.ksplat');
    // Main header counts (sections, splats) and the section header's counts and sizes.
    const countOffsets = [4, 8, 12, 16, 20, 4096, 4100, 4104, 4108, 4116, 4120, 4128, 4132, 4136];
    report('ksplat', await fuzz({ name: 'ksplat', bytes, read: readKsplat, cases: 600, headerBytes: 4096 + 1024 + 16, countOffsets }, 3));
  });

  it('compressed .ply', async () => {
    const bytes = load('compressed/test-64.compressed.ply');
    const t: Target = { name: 'compressed-ply', bytes, read: readCompressedPly, cases: 600, headerBytes: plyHeaderLength(bytes) + 72 };
    report('compressed-ply', await fuzz(t, 4, (r) => mutatePlyCount(bytes, r)));
  });

  it('INRIA .ply', async () => {
    const full = (await readPly(load('ply/playbot-1873.ply'), 'playbot-1873.ply')).scene;
    const bytes = writePly(firstSplats(full, 40));
    const t: Target = { name: 'ply', bytes, read: readPly, cases: 500, headerBytes: plyHeaderLength(bytes) };
    report('ply', await fuzz(t, 5, (r) => mutatePlyCount(bytes, r)));
    const donut = load('ply/donut-45624-sh0-nonormals.ply');
    const donutHead = plyHeaderLength(donut);
    // The donut's own header with its first 30 rows (14 floats each: SH 0, no normals).
    const fixed = mutateFixedCount(donut.slice(0, donutHead + 30 * 56), 30);
    report('ply-donut', await fuzz({ name: 'ply-donut', bytes: fixed, read: readPly, cases: 200, headerBytes: plyHeaderLength(fixed) }, 6));
  });

  it('.spz (gzip, raw and v4 containers, and damaged gzip payloads)', async () => {
    for (const [i, file] of ['minimal-v2.spz', 'minimal-v3.spz', 'minimal-raw.spz', 'minimal-v4.spz'].entries()) {
      const bytes = load(`splat/${file}`);
      const t: Target = { name: file, bytes, read: readSpz, cases: 250, headerBytes: 48, countOffsets: file.includes('v4') ? [8, 12, 16, 24, 28] : [8] };
      report(file, await fuzz(t, 10 + i));
    }
    // Damage inside the gzip payload, re-wrapped in a valid gzip stream, reaches the parser.
    const payload = gunzipSync(load('splat/minimal-v3.spz'));
    const inner: Target = { name: 'spz-payload', bytes: payload, read: (b, f) => readSpz(gzipSync(b), f), cases: 300, headerBytes: 16, countOffsets: [4, 8, 12] };
    report('spz-payload', await fuzz(inner, 20));
  });

  it('SOG (meta.json and WebP images)', async () => {
    const dir = 'sog/playbot-8406';
    const meta = load(`${dir}/meta.json`);
    const images = new Map<string, Uint8Array>();
    const readImage = async (name: string) => {
      const b = images.get(name) ?? load(path.join(dir, name));
      images.set(name, b);
      return b;
    };
    // Damaged meta.json text: flips, cuts and count edits; the images stay intact.
    const viaMeta: Reader = (b, f) => {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(b));
      } catch {
        throw new SceneFormatError(f, 'sog', 'meta.json is not valid JSON');
      }
      return readSog({ meta: json, readFile: readImage }, f);
    };
    report('sog-meta', await fuzz({ name: 'sog-meta', bytes: meta, read: viaMeta, cases: 150, headerBytes: meta.length }, 30));
    // One damaged image at a time, the meta.json intact.
    const metaJson = JSON.parse(new TextDecoder().decode(meta));
    for (const [i, image] of ['means_l.webp', 'quats.webp', 'shN_labels.webp'].entries()) {
      const original = load(path.join(dir, image));
      const viaImage: Reader = (b, f) =>
        readSog({ meta: metaJson, readFile: async (name) => (name === image ? b : readImage(name)) }, f);
      report(`sog-${image}`, await fuzz({ name: `sog-${image}`, bytes: original, read: viaImage, cases: 40, headerBytes: 64 }, 40 + i));
    }
  });

  it('bundled .sog and format detection through loadScene', async () => {
    // Bundle the shared SOG ourselves: a zip of meta.json and its images.
    const { zipSync } = await import('fflate');
    const dir = 'sog/playbot-8406';
    const names = ['meta.json', 'means_l.webp', 'means_u.webp', 'quats.webp', 'scales.webp', 'sh0.webp', 'shN_centroids.webp', 'shN_labels.webp'];
    const bundle = zipSync(Object.fromEntries(names.map((n) => [n, load(path.join(dir, n))])), { level: 0 });
    report('sog-bundle', await fuzz({ name: 'sog-bundle', bytes: bundle, read: readSogBundle, cases: 60, headerBytes: 128 }, 50));
    // loadScene must turn any damage to any format into SceneFormatError, detection included.
    const r = rng(60);
    const samples = ['splat/minimal.splat', 'splat/minimal.ksplat', 'compressed/test-64.compressed.ply', 'splat/minimal-v4.spz', 'splat/minimal-v3.spz'];
    const tally: Tally = { decoded: 0, rejected: 0, worstMs: 0 };
    for (let c = 0; c < 400; c++) {
      const file = samples[c % samples.length];
      const bytes = mutate({ name: file, bytes: load(file), read: readSplat, cases: 0, headerBytes: 64 }, r);
      const name = ['scene.ply', 'scene.splat', 'scene.bin', path.basename(file)][Math.floor(r() * 4)];
      await runCase((b, f) => loadScene({ name: f, bytes: b }), bytes, name, tally);
    }
    report('loadScene', tally);
  });
});

/** Sets the vertex count of a PLY header to `n` (the donut slice keeps its original count). */
function mutateFixedCount(bytes: Uint8Array, n: number): Uint8Array {
  const headerEnd = plyHeaderLength(bytes);
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, headerEnd)).replace(/element vertex \d+/, `element vertex ${n}`);
  const head = new Uint8Array([...header].map((c) => c.charCodeAt(0)));
  const out = new Uint8Array(head.length + bytes.length - headerEnd);
  out.set(head);
  out.set(bytes.subarray(headerEnd), head.length);
  return out;
}
