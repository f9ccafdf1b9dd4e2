import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlyHeader } from '../../src/io/ply-header';
import { readPly } from '../../src/io/ply';
import { SceneFormatError, type SplatScene } from '../../src/io/scene';
import { rng } from '../helpers/compare';

const DATA = path.resolve(__dirname, '../../../shared/data/ply');
const load = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(DATA, name)));

/** Independent parse of an all-float32 file: the raw [N, stride] floats after `end_header\n`. */
function rawFloats(bytes: Uint8Array, floatsPerRow: number): { rows: Float32Array; names: string[] } {
  const marker = 'end_header\n';
  const text = Buffer.from(bytes.subarray(0, 4096)).toString('latin1');
  const end = text.indexOf(marker) + marker.length;
  const names = [...text.slice(0, end).matchAll(/^property float (\S+)$/gm)].map((m) => m[1]);
  expect(names.length).toBe(floatsPerRow);
  const rows = new Float32Array(bytes.slice(end).buffer);
  return { rows, names };
}

/** Float32 bit patterns, so equality checks are exact and NaN-aware. */
const bits = (a: Float32Array): Uint32Array => new Uint32Array(a.slice().buffer);

/** The scene an INRIA file must give, from raw rows and the float offset of each field. */
function expectedFromRows(
  rows: Float32Array, n: number, stride: number,
  at: { mean: number; dc: number; rest: number; opacity: number; scale: number; rot: number }, k: number,
): SplatScene {
  const s: SplatScene = {
    count: n, shDegree: Math.sqrt(k) - 1, means: new Float32Array(n * 3), logScales: new Float32Array(n * 3),
    quats: new Float32Array(n * 4), opacityLogits: new Float32Array(n), sh: new Float32Array(n * k * 3),
  };
  for (let i = 0; i < n; i++) {
    const r = i * stride;
    for (let a = 0; a < 3; a++) {
      s.means[i * 3 + a] = rows[r + at.mean + a];
      s.logScales[i * 3 + a] = rows[r + at.scale + a];
      s.sh[i * k * 3 + a] = rows[r + at.dc + a];
      for (let j = 1; j < k; j++) s.sh[(i * k + j) * 3 + a] = rows[r + at.rest + a * (k - 1) + j - 1];
    }
    for (let a = 0; a < 4; a++) s.quats[i * 4 + a] = rows[r + at.rot + a];
    s.opacityLogits[i] = rows[r + at.opacity];
  }
  return s;
}

/** -1 when equal bit for bit, else the first differing index. */
function firstMismatch(a: Float32Array, b: Float32Array): number {
  const x = bits(a);
  const y = bits(b);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

function expectScenesEqual(actual: SplatScene, expected: SplatScene): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.shDegree).toBe(expected.shDegree);
  for (const k of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) {
    expect(actual[k].length, k).toBe(expected[k].length);
    expect(firstMismatch(actual[k], expected[k]), `first differing index in ${k}`).toBe(-1);
  }
}

type Prop = { name: string; type: string };
type Format = 'ascii' | 'binary_little_endian' | 'binary_big_endian';

/** Test-only PLY builder: scalar properties only, values written per their declared type. */
function buildPly(format: Format, props: Prop[], rows: number[][], opts: { comment?: string; elementName?: string; count?: number } = {}): Uint8Array {
  const header =
    `ply\nformat ${format} 1.0\n${opts.comment !== undefined ? `comment ${opts.comment}\n` : ''}` +
    `element ${opts.elementName ?? 'vertex'} ${opts.count ?? rows.length}\n` +
    props.map((p) => `property ${p.type} ${p.name}\n`).join('') + 'end_header\n';
  const head = new TextEncoder().encode(header);
  if (format === 'ascii') {
    const body = rows.map((r) => r.map((v) => String(v)).join(' ')).join('\n') + '\n';
    return concat(head, new TextEncoder().encode(body));
  }
  const size: Record<string, number> = { float: 4, double: 8, uchar: 1, int: 4, short: 2 };
  const stride = props.reduce((s, p) => s + size[p.type], 0);
  const dv = new DataView(new ArrayBuffer(stride * rows.length));
  const le = format === 'binary_little_endian';
  rows.forEach((r, i) => {
    let o = i * stride;
    props.forEach((p, j) => {
      if (p.type === 'float') dv.setFloat32(o, r[j], le);
      else if (p.type === 'double') dv.setFloat64(o, r[j], le);
      else if (p.type === 'uchar') dv.setUint8(o, r[j]);
      else if (p.type === 'short') dv.setInt16(o, r[j], le);
      else dv.setInt32(o, r[j], le);
      o += size[p.type];
    });
  });
  return concat(head, new Uint8Array(dv.buffer));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** First `n` rows of a real file as plain numbers, with its property names. */
function realRows(file: string, floatsPerRow: number, n: number): { names: string[]; rows: number[][] } {
  const { rows, names } = rawFloats(load(file), floatsPerRow);
  return { names, rows: Array.from({ length: n }, (_, i) => Array.from(rows.subarray(i * floatsPerRow, (i + 1) * floatsPerRow))) };
}

async function expectError(bytes: Uint8Array, pattern: RegExp): Promise<SceneFormatError> {
  const err = await readPly(bytes, 'bad.ply').then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SceneFormatError);
  expect((err as Error).message).toContain('bad.ply (ply): ');
  expect((err as Error).message).toMatch(pattern);
  return err as SceneFormatError;
}

describe('parsePlyHeader', () => {
  it('parses a real INRIA header', () => {
    const h = parsePlyHeader(load('playbot-1873.ply'), 'playbot-1873.ply');
    expect(h.format).toBe('binary_little_endian');
    expect(h.elements.length).toBe(1);
    expect(h.elements[0]).toMatchObject({ name: 'vertex', count: 1873, stride: 62 * 4 });
    expect(h.elements[0].properties[9]).toEqual({ name: 'f_rest_0', type: 'float', size: 4 });
    // Independent: the file size is header + 1873 rows of 248 bytes.
    expect(h.dataOffset).toBe(466033 - 1873 * 248);
  });

  it('handles CRLF, comments, aliases and list properties', () => {
    const text = 'ply\r\nformat ascii 1.0\r\ncomment made by hand\r\nelement face 2\r\nproperty list uint8 int32 vertex_indices\r\n' +
      'element vertex 1\r\nproperty float32 x\r\nproperty uchar red\r\nend_header\r\n1 2 3\n';
    const h = parsePlyHeader(new TextEncoder().encode(text), 'h.ply');
    expect(h.comments).toEqual(['made by hand']);
    expect(h.dataOffset).toBe(text.indexOf('1 2 3'));
    expect(h.elements[0]).toEqual({ name: 'face', count: 2, stride: undefined, properties: [{ name: 'vertex_indices', type: 'int', listCountType: 'uchar', size: 4 }] });
    expect(h.elements[1].stride).toBe(5);
  });

  it('refuses bad headers with a clear error', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    const bad: [string | Uint8Array, RegExp][] = [
      ['PLY\nformat ascii 1.0\nend_header\n', /not a PLY file/],
      ['ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\n', /no 'end_header'/],
      ['ply\nformat binary_middle_endian 1.0\nend_header\n', /unknown format/],
      ['ply\nformat ascii 1.0\nproperty float x\nend_header\n', /before any element/],
      ['ply\nformat ascii 1.0\nelement vertex 1\nproperty float16 x\nend_header\n', /unknown property type 'float16'/],
      ['ply\nformat ascii 1.0\nelement vertex -4\nend_header\n', /invalid count '-4'/],
      ['ply\nelement vertex 1\nend_header\n', /no 'format' line/],
      // A 64 KiB comment pushes end_header past the limit.
      [`ply\nformat ascii 1.0\ncomment ${'a'.repeat(65536)}\nend_header\n`, /first 65536 bytes/],
    ];
    for (const [input, pattern] of bad) {
      expect(() => parsePlyHeader(typeof input === 'string' ? enc(input) : input, 'h.ply')).toThrow(pattern);
    }
  });
});

describe('readPly on real files', () => {
  for (const [file, n] of [['playbot-1873.ply', 1873], ['playbot-8406.ply', 8406], ['playbot-31000.ply', 31000]] as const) {
    it(`${file}: ${n} splats, degree 3 layout, values match the raw floats`, async () => {
      const bytes = load(file);
      const { scene, warnings, format } = await readPly(bytes, file);
      expect(format).toBe('ply');
      expect(warnings).toEqual([]);
      expect(scene.count).toBe(n);
      // The file declares 45 f_rest (degree 3); the README says band 3 is all zero.
      expect(scene.shDegree).toBe(3);
      const { rows } = rawFloats(bytes, 62);
      expect(rows.length).toBe(n * 62);
      const want = expectedFromRows(rows, n, 62, { mean: 0, dc: 6, rest: 9, opacity: 54, scale: 55, rot: 58 }, 16);
      expectScenesEqual(scene, want);
      let band2 = 0;
      let band3 = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 9 + 3; j < 9 + 45; j++) {
          // Per channel block of 15: entries 3..7 are band 2, 8..14 band 3.
          const k = ((j - 9) % 15) + 1;
          if (k >= 9) band3 = Math.max(band3, Math.abs(rows[i * 62 + j]));
          else if (k >= 4) band2 = Math.max(band2, Math.abs(rows[i * 62 + j]));
        }
      }
      expect(band3).toBe(0);
      expect(band2).toBeGreaterThan(0);
    });
  }

  it('f_rest channel-major: hand-checked values of splat 100', async () => {
    const bytes = load('playbot-1873.ply');
    const { scene } = await readPly(bytes, 'playbot-1873.ply');
    const { rows } = rawFloats(bytes, 62);
    const r = 100 * 62;
    // Coefficient 1 of green is f_rest_15; coefficient 5 of blue is f_rest_{30 + 4} = f_rest_34.
    expect(scene.sh[(100 * 16 + 1) * 3 + 1]).toBe(rows[r + 9 + 15]);
    expect(scene.sh[(100 * 16 + 5) * 3 + 2]).toBe(rows[r + 9 + 34]);
    expect(scene.sh[(100 * 16 + 2) * 3 + 0]).toBe(rows[r + 9 + 1]);
    expect(rows[r + 9 + 15]).not.toBe(rows[r + 9 + 1]);
  });

  it('donut: 45,624 splats, degree 0, no normals, unnormalised quats kept raw', async () => {
    const bytes = load('donut-45624-sh0-nonormals.ply');
    const { scene, warnings } = await readPly(bytes, 'donut.ply');
    expect(warnings).toEqual([]);
    expect(scene.count).toBe(45624);
    expect(scene.shDegree).toBe(0);
    const { rows, names } = rawFloats(bytes, 14);
    expect(names).not.toContain('nx');
    expectScenesEqual(scene, expectedFromRows(rows, 45624, 14, { mean: 0, dc: 3, rest: -1, opacity: 6, scale: 7, rot: 10 }, 1));
    let maxNormDev = 0;
    for (let i = 0; i < scene.count; i++) {
      const q = scene.quats.subarray(i * 4, i * 4 + 4);
      maxNormDev = Math.max(maxNormDev, Math.abs(Math.hypot(...q) - 1));
    }
    expect(maxNormDev).toBeGreaterThan(0.01);
  });
});

describe('readPly variants equal the binary float file', () => {
  const N = 150;
  const { names, rows } = realRows('playbot-1873.ply', 62, N);
  const floatProps = names.map((name) => ({ name, type: 'float' }));
  let reference: SplatScene;
  it('reference: binary little endian of the first rows', async () => {
    reference = (await readPly(buildPly('binary_little_endian', floatProps, rows), 'ref.ply')).scene;
    const full = (await readPly(load('playbot-1873.ply'), 'full.ply')).scene;
    expect(bits(reference.sh)).toEqual(bits(full.sh.subarray(0, N * 48)));
  });

  it('ASCII', async () => {
    expectScenesEqual((await readPly(buildPly('ascii', floatProps, rows), 'a.ply')).scene, reference);
  });

  it('double precision, big endian, and a misaligned data start', async () => {
    const doubles = names.map((name) => ({ name, type: 'double' }));
    expectScenesEqual((await readPly(buildPly('binary_little_endian', doubles, rows), 'd.ply')).scene, reference);
    expectScenesEqual((await readPly(buildPly('binary_big_endian', floatProps, rows), 'be.ply')).scene, reference);
    for (const comment of ['x', 'xy', 'xyz']) {
      const bytes = buildPly('binary_little_endian', floatProps, rows, { comment });
      expectScenesEqual((await readPly(bytes, 'm.ply')).scene, reference);
      // The same bytes as a Node Buffer (what readFileSync returns) one byte into a larger
      // buffer: its slice() is a view, not a copy, so the misaligned path must not rely on it.
      const wider = new ArrayBuffer(bytes.length + 2);
      const buffer = Buffer.from(wider, 1, bytes.length);
      buffer.set(bytes);
      expectScenesEqual((await readPly(buffer, 'b.ply')).scene, reference);
    }
  });

  it('shuffled properties, unknown properties, extra elements and lists are skipped', async () => {
    const rand = rng(7);
    const order = names.map((_, i) => i).sort(() => rand() - 0.5);
    expect(order).not.toEqual(names.map((_, i) => i));
    const props = [...order.map((i) => ({ name: names[i], type: i % 2 ? 'double' : 'float' })), { name: 'red', type: 'uchar' }];
    const shuffled = rows.map((r) => [...order.map((i) => r[i]), 200]);
    for (const format of ['binary_little_endian', 'ascii'] as const) {
      const body = buildPly(format, props, shuffled);
      const text = Buffer.from(body).toString('latin1');
      const headerEnd = text.indexOf('end_header\n') + 'end_header\n'.length;
      // A 'face' element with list rows before vertex, a list property 'tags' at the end of each
      // vertex row, and a 'camera' element after vertex.
      const head = text.slice(0, headerEnd)
        .replace('element vertex', 'element face 2\nproperty list uchar int vertex_indices\nproperty short flag\nelement vertex')
        .replace('end_header\n', 'property list uchar float tags\nelement camera 1\nproperty float fov\nend_header\n');
      let data: Uint8Array;
      if (format === 'ascii') {
        const lines = text.slice(headerEnd).trim().split('\n').map((l, i) => `${l} ${i % 3} ${'0.5 '.repeat(i % 3)}`.trim());
        data = new TextEncoder().encode(`3 1 2 3 -1\n0 7\n${lines.join('\n')}\n0.7\n`);
      } else {
        const face = new Uint8Array([3, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0, 7, 0]);
        const stride = (body.length - headerEnd) / N;
        const parts: Uint8Array[] = [face];
        for (let i = 0; i < N; i++) {
          parts.push(body.subarray(headerEnd + i * stride, headerEnd + (i + 1) * stride));
          const tags = new Uint8Array(1 + 4 * (i % 3));
          tags[0] = i % 3;
          parts.push(tags);
        }
        parts.push(new Uint8Array(new Float32Array([0.7]).buffer));
        data = concat(...parts);
      }
      const bytes = concat(new TextEncoder().encode(head), data);
      expectScenesEqual((await readPly(bytes, 'shuffled.ply')).scene, reference);
    }
  });
});

describe('readPly bad input', () => {
  const { names, rows } = realRows('playbot-1873.ply', 62, 20);
  const floatProps = names.map((name) => ({ name, type: 'float' }));
  const good = buildPly('binary_little_endian', floatProps, rows);

  it('truncated data names the claimed count and the byte shortfall', async () => {
    const cut = good.subarray(0, good.length - 100);
    await expectError(cut, /header claims 20 splats of 248 bytes \(4960 bytes needed\) but only 4860 bytes .* \(19 complete splats\)/);
    await expectError(buildPly('binary_little_endian', floatProps, rows, { count: 21 }), /header claims 21 splats/);
    await expectError(buildPly('ascii', floatProps, rows, { count: 21 }), /ASCII data ends early: splat 20 of the 21/);
  });

  it('an absurd count in a 1 KB file fails fast without allocating', async () => {
    const bytes = buildPly('binary_little_endian', floatProps, rows.slice(0, 1), { count: 4_000_000_000 });
    expect(bytes.length).toBeLessThan(2000);
    const t0 = performance.now();
    await expectError(bytes, /header claims 4000000000 splats/);
    await expectError(buildPly('ascii', floatProps, rows.slice(0, 1), { count: 4_000_000_000 }), /claims 4000000000 rows/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('missing properties, bad f_rest counts, zero count, no vertex element', async () => {
    const without = (drop: string[]): Prop[] => floatProps.filter((p) => !drop.includes(p.name));
    const cols = (props: Prop[]): number[][] => rows.map((r) => props.map((p) => r[names.indexOf(p.name)]));
    const build = (props: Prop[]): Uint8Array => buildPly('binary_little_endian', props, cols(props));
    await expectError(build(without(['rot_3'])), /missing required property rot_3$/);
    await expectError(build(without(['x', 'f_dc_1'])), /missing required properties x, f_dc_1$/);
    await expectError(build(without(['f_rest_44'])), /found 44 f_rest_\* properties; expected 0, 9, 24 or 45/);
    const gap = [...without(['f_rest_3']), { name: 'f_rest_45', type: 'float' }];
    await expectError(buildPly('binary_little_endian', gap, rows.map((r) => [...r.slice(0, 12), ...r.slice(13), 0])), /'f_rest_3' is missing/);
    await expectError(buildPly('binary_little_endian', floatProps, [], {}), /vertex element has 0 splats/);
    await expectError(buildPly('binary_little_endian', floatProps, rows, { elementName: 'point' }), /no 'vertex' element/);
    await expectError(buildPly('ascii', floatProps, [[...rows[0].slice(0, 61), 'abc' as unknown as number]]), /invalid number 'abc' in ASCII data at splat 0/);
  });

  it('NaN/Inf splats are dropped with a warning; the rest are unchanged', async () => {
    const bad = rows.map((r) => r.slice());
    bad[2][0] = NaN; // mean
    bad[5][9 + 20] = Infinity; // an f_rest value
    bad[11][54] = -Infinity; // opacity
    bad[19][61] = NaN; // rot_3, last value of the last splat
    const keep = rows.filter((_, i) => ![2, 5, 11, 19].includes(i));
    for (const format of ['binary_little_endian', 'ascii'] as const) {
      const { scene, warnings } = await readPly(buildPly(format, floatProps, bad), 'nan.ply');
      expect(warnings).toEqual(['dropped 4 splats with NaN/Inf values']);
      expectScenesEqual(scene, (await readPly(buildPly('binary_little_endian', floatProps, keep), 'keep.ply')).scene);
    }
    // A double beyond the f32 range becomes Inf when stored, so it is dropped too.
    const big = rows.map((r, i) => (i === 3 ? [1e300, ...r.slice(1)] : r));
    const doubles = names.map((name) => ({ name, type: 'double' }));
    const { scene, warnings } = await readPly(buildPly('binary_little_endian', doubles, big), 'big.ply');
    expect(warnings).toEqual(['dropped 1 splats with NaN/Inf values']);
    expect(scene.count).toBe(19);
    await expectError(buildPly('binary_little_endian', floatProps, rows.map((r) => [NaN, ...r.slice(1)])), /all 20 splats have NaN\/Inf values/);
  });
});

describe('readPly never crashes or hangs on corrupt input', () => {
  it('every truncation and random byte corruption resolves or fails with SceneFormatError', async () => {
    const { names, rows } = realRows('playbot-1873.ply', 62, 3);
    const props = names.map((name) => ({ name, type: 'float' }));
    const rand = rng(99);
    const t0 = performance.now();
    for (const format of ['binary_little_endian', 'ascii'] as const) {
      const good = buildPly(format, props, rows);
      const inputs: Uint8Array[] = [];
      for (let cut = 0; cut < good.length; cut += 7) inputs.push(good.subarray(0, cut));
      for (let t = 0; t < 300; t++) {
        const b = good.slice();
        for (let f = 0; f < 1 + (t % 4); f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        inputs.push(b);
      }
      for (const input of inputs) {
        const err = await readPly(input, 'fuzz.ply').then(() => undefined, (e: unknown) => e);
        if (err !== undefined && !(err instanceof SceneFormatError)) throw err;
      }
    }
    // Empty elements with absurd counts before the vertex element must not be walked row by row.
    const head = 'ply\nformat ascii 1.0\nelement nothing 4000000000\nelement vertex 1\n' + props.map((p) => `property float ${p.name}\n`).join('') + 'end_header\n';
    const { scene } = await readPly(new TextEncoder().encode(head + rows[0].join(' ') + '\n'), 'empty-el.ply');
    expect(scene.count).toBe(1);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});

describe('readPly on large files', () => {
  it('yields to the event loop and reports progress', async () => {
    const n = (1 << 18) * 2 + 1000;
    const props = ['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'];
    const head = new TextEncoder().encode(`ply\nformat binary_little_endian 1.0\nelement vertex ${n}\n${props.map((p) => `property float ${p}\n`).join('')}end_header\n`);
    const data = new Float32Array(n * 14);
    for (let i = 0; i < n; i++) data[i * 14] = i;
    const fractions: number[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const { scene } = await readPly(concat(head, new Uint8Array(data.buffer)), 'big.ply', { onProgress: (f) => fractions.push(f) });
    clearInterval(timer);
    expect(scene.count).toBe(n);
    expect(scene.means[(n - 1) * 3]).toBe(n - 1);
    expect(fractions).toEqual([(1 << 18) / n, (2 << 18) / n, 1]);
    expect(ticks).toBeGreaterThan(0);
  });
});
