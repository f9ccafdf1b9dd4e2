import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryReadFileSystem, readFile, type Options } from '@playcanvas/splat-transform';
import { describe, expect, it } from 'vitest';
import { readPly } from '../../src/io/ply';
import { writePly } from '../../src/io/ply-writer';
import { type SplatScene, shCoeffCount } from '../../src/io/scene';
import { rng } from '../helpers/compare';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data/ply');

/** A scene with random values, including raw quats of any norm and large/small magnitudes. */
function randomScene(n: number, shDegree: number, seed: number): SplatScene {
  const r = rng(seed);
  const fill = (len: number, scale: number): Float32Array => Float32Array.from({ length: len }, () => (r() * 2 - 1) * scale);
  return {
    count: n,
    shDegree,
    means: fill(n * 3, 100),
    logScales: fill(n * 3, 8),
    quats: fill(n * 4, 3),
    opacityLogits: fill(n, 20),
    sh: fill(n * shCoeffCount(shDegree) * 3, 2),
  };
}

const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.slice().buffer);

function expectBitEqual(actual: SplatScene, expected: SplatScene): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.shDegree).toBe(expected.shDegree);
  for (const k of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) {
    const a = bits(actual[k]);
    const e = bits(expected[k]);
    expect(a.length, k).toBe(e.length);
    const bad = a.findIndex((v, i) => v !== e[i]);
    expect(bad, `first differing index in ${k}`).toBe(-1);
  }
}

function splitHeader(bytes: Uint8Array): { header: string; data: Float32Array } {
  const text = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const end = text.indexOf('end_header\n') + 'end_header\n'.length;
  return { header: text.slice(0, end), data: new Float32Array(bytes.slice(end).buffer) };
}

describe('writePly', () => {
  it('writes the exact INRIA header for degree 1', () => {
    const { header, data } = splitHeader(writePly(randomScene(3, 1, 1)));
    const props = 'x y z nx ny nz f_dc_0 f_dc_1 f_dc_2 f_rest_0 f_rest_1 f_rest_2 f_rest_3 f_rest_4 f_rest_5 f_rest_6 f_rest_7 f_rest_8 opacity scale_0 scale_1 scale_2 rot_0 rot_1 rot_2 rot_3';
    expect(header).toBe(`ply\nformat binary_little_endian 1.0\nelement vertex 3\n${props.split(' ').map((p) => `property float ${p}\n`).join('')}end_header\n`);
    expect(data.length).toBe(3 * 26);
  });

  it('puts every value at its INRIA offset (f_rest channel-major, normals zero)', () => {
    const n = 4;
    const k = 16;
    const scene = randomScene(n, 3, 2);
    // Encode (splat, coefficient, channel) in the value so a misplaced one is recognisable.
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) for (let c = 0; c < 3; c++) scene.sh[(i * k + j) * 3 + c] = 1000 * i + 10 * j + c;
    const { data } = splitHeader(writePly(scene));
    for (let i = 0; i < n; i++) {
      const row = data.subarray(i * 62, (i + 1) * 62);
      expect(Array.from(row.subarray(0, 3))).toEqual(Array.from(scene.means.subarray(i * 3, i * 3 + 3)));
      expect(Array.from(row.subarray(3, 6))).toEqual([0, 0, 0]);
      expect(Array.from(row.subarray(6, 9))).toEqual([1000 * i, 1000 * i + 1, 1000 * i + 2]);
      // f_rest_{c*15 + (j-1)} = coefficient j of channel c.
      expect(row[9 + 0 * 15 + 0]).toBe(1000 * i + 10);
      expect(row[9 + 1 * 15 + 0]).toBe(1000 * i + 11);
      expect(row[9 + 2 * 15 + 14]).toBe(1000 * i + 152);
      expect(row[9 + 0 * 15 + 7]).toBe(1000 * i + 80);
      expect(row[54]).toBe(scene.opacityLogits[i]);
      expect(Array.from(row.subarray(55, 58))).toEqual(Array.from(scene.logScales.subarray(i * 3, i * 3 + 3)));
      expect(Array.from(row.subarray(58, 62))).toEqual(Array.from(scene.quats.subarray(i * 4, i * 4 + 4)));
    }
  });

  it('round trips bit for bit through readPly for SH degrees 0..3 and odd counts', async () => {
    for (const [n, degree] of [[1, 0], [7, 1], [33, 2], [257, 3]]) {
      const scene = randomScene(n, degree, 10 + degree);
      const { scene: back, warnings } = await readPly(writePly(scene), 'rt.ply');
      expect(warnings).toEqual([]);
      expectBitEqual(back, scene);
    }
  });

  it('reproduces the real playbot files byte for byte', async () => {
    for (const file of ['playbot-1873.ply', 'playbot-8406.ply']) {
      const original = new Uint8Array(readFileSync(path.join(DATA, file)));
      const written = writePly((await readPly(original, file)).scene);
      expect(written.length).toBe(original.length);
      expect(Buffer.compare(Buffer.from(written), Buffer.from(original))).toBe(0);
    }
  });

  it('rejects a scene whose arrays do not match its count and degree', () => {
    const scene = randomScene(5, 2, 3);
    expect(() => writePly({ ...scene, sh: scene.sh.subarray(0, 5 * 4 * 3) })).toThrow(/sh has 60 values, expected 135 for 5 splats of SH degree 2/);
    expect(() => writePly({ ...scene, shDegree: 4 })).toThrow(/SH degree 4 is not 0..3/);
    expect(() => writePly({ ...scene, quats: scene.quats.subarray(4) })).toThrow(/quats has 16 values, expected 20/);
  });
});

describe('@playcanvas/splat-transform reads written files', () => {
  it('library: every column equals the scene bit for bit', async () => {
    const scene = randomScene(300, 2, 21);
    const fs = new MemoryReadFileSystem();
    fs.set('ours.ply', writePly(scene));
    const tables = await readFile({ filename: 'ours.ply', inputFormat: 'ply', options: {} as Options, params: [], fileSystem: fs });
    expect(tables.length).toBe(1);
    const t = tables[0];
    expect(t.numRows).toBe(300);
    const col = (name: string): Float32Array => {
      const c = t.getColumnByName(name);
      if (!c) throw new Error(`splat-transform has no column ${name}`);
      return Float32Array.from(c.data as ArrayLike<number>);
    };
    const k = 9;
    const pick = (arr: Float32Array, stride: number, off: number): Float32Array => Float32Array.from({ length: 300 }, (_, i) => arr[i * stride + off]);
    for (let a = 0; a < 3; a++) {
      expect(bits(col('xyz'[a]))).toEqual(bits(pick(scene.means, 3, a)));
      expect(bits(col(`scale_${a}`))).toEqual(bits(pick(scene.logScales, 3, a)));
      expect(bits(col(`f_dc_${a}`))).toEqual(bits(pick(scene.sh, k * 3, a)));
      // splat-transform also treats f_rest as channel-major: f_rest_{a*8 + (j-1)}.
      for (let j = 1; j < k; j++) expect(bits(col(`f_rest_${a * (k - 1) + j - 1}`))).toEqual(bits(pick(scene.sh, k * 3, j * 3 + a)));
    }
    for (let a = 0; a < 4; a++) expect(bits(col(`rot_${a}`))).toEqual(bits(pick(scene.quats, 4, a)));
    expect(bits(col('opacity'))).toEqual(bits(scene.opacityLogits));
  });

  it('CLI converts a written file to CSV with the same splat count and values', () => {
    const scene = randomScene(123, 3, 22);
    const dir = mkdtempSync(path.join(tmpdir(), 'ply-writer-'));
    try {
      writeFileSync(path.join(dir, 'in.ply'), writePly(scene));
      const cli = path.join(ROOT, 'node_modules/@playcanvas/splat-transform/bin/cli.mjs');
      const r = spawnSync(process.execPath, [cli, 'in.ply', 'out.csv'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      const lines = readFileSync(path.join(dir, 'out.csv'), 'utf8').trim().split('\n');
      expect(lines.length).toBe(1 + 123);
      const names = lines[0].split(',');
      expect(names.length).toBe(62);
      const row = lines[50].split(',').map(Number);
      // CSV prints each f32 as a shortest double string, so Math.fround recovers it exactly.
      expect(Math.fround(row[names.indexOf('y')])).toBe(scene.means[49 * 3 + 1]);
      expect(Math.fround(row[names.indexOf('f_rest_31')])).toBe(scene.sh[(49 * 16 + 2) * 3 + 2]);
      expect(Math.fround(row[names.indexOf('rot_0')])).toBe(scene.quats[49 * 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
