import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SceneFormatError, type SplatScene } from '../../src/io/scene';
import { type FormatName, detectFormat, extensionNotice, loadScene, writeFormatFor, writeScene } from '../../src/io/load';
import { readPly } from '../../src/io/ply';
import { readSplat, splatPlausibility } from '../../src/io/formats/splat';
import { readKsplat } from '../../src/io/formats/ksplat';
import { readCompressedPly } from '../../src/io/formats/compressed-ply';
import { readSpz } from '../../src/io/formats/spz';
import { expectClose, rng } from '../helpers/compare';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const load = (p: string) => new Uint8Array(readFileSync(path.join(DATA, p)));
const sibling = (dir: string) => async (name: string) => load(path.join(dir, name));

/** Every shared splat file with the format its content says it is. */
const SHARED: [string, FormatName][] = [
  ['ply/playbot-1873.ply', 'ply'],
  ['ply/donut-45624-sh0-nonormals.ply', 'ply'],
  ['compressed/test-64.compressed.ply', 'compressed-ply'],
  ['compressed/guitar.compressed.ply', 'compressed-ply'],
  ['splat/minimal.splat', 'splat'],
  ['splat/playbot-31000.splat', 'splat'],
  ['splat/minimal.ksplat', 'ksplat'],
  ['splat/minimal-v2.spz', 'spz'],
  ['splat/minimal-v3.spz', 'spz'],
  ['splat/minimal-v4.spz', 'spz'],
  ['splat/minimal-raw.spz', 'spz'],
  ['sog/playbot-8406/meta.json', 'sog'],
];

function expectSameScene(a: SplatScene, b: SplatScene): void {
  expect(a.count).toBe(b.count);
  expect(a.shDegree).toBe(b.shDegree);
  expectClose(a.means, b.means, 0, 0, 'means');
  expectClose(a.logScales, b.logScales, 0, 0, 'logScales');
  expectClose(a.quats, b.quats, 0, 0, 'quats');
  expectClose(a.opacityLogits, b.opacityLogits, 0, 0, 'opacity');
  expectClose(a.sh, b.sh, 0, 0, 'sh');
}

describe('detectFormat', () => {
  it('names every shared file by its content', () => {
    for (const [file, format] of SHARED) expect(detectFormat(load(file), path.basename(file)), file).toBe(format);
  });

  it('trusts content over a wrong extension', () => {
    expect(detectFormat(load('ply/playbot-1873.ply'), 'scene.splat')).toBe('ply');
    expect(detectFormat(load('compressed/test-64.compressed.ply'), 'scene.ply')).toBe('compressed-ply');
    expect(detectFormat(load('splat/minimal.ksplat'), 'scene.splat')).toBe('ksplat');
    expect(detectFormat(load('splat/minimal-v4.spz'), 'scene.ply')).toBe('spz');
    expect(detectFormat(load('splat/minimal-v3.spz'), 'scene.ksplat')).toBe('spz');
    // A .splat has no magic; renamed .ply it is still recognised by its 32-byte records.
    expect(detectFormat(load('splat/minimal.splat'), 'scene.ply')).toBe('splat');
    expect(detectFormat(load('splat/playbot-31000.splat'), 'download')).toBe('splat');
  });

  it('lets the extension pick the reader when the content is too damaged to recognise', () => {
    // A ksplat cut inside its section headers fails the header check; its name still routes it
    // to the ksplat reader, which can say what is wrong.
    expect(detectFormat(load('splat/minimal.ksplat').subarray(0, 4100), 'cut.ksplat')).toBe('ksplat');
    expect(detectFormat(load('splat/minimal.splat').subarray(0, 33), 'cut.splat')).toBe('splat');
  });

  it('rejects empty, unknown and non-SOG JSON input with a SceneFormatError', () => {
    expect(() => detectFormat(new Uint8Array(0), 'empty.bin')).toThrow(/^empty\.bin: file is empty/);
    expect(() => detectFormat(new Uint8Array([1, 2, 3, 4, 5]), 'x.bin')).toThrow(/^x\.bin: unrecognised content \(first bytes 01 02 03 04, 5 bytes\): not a supported format/);
    expect(() => detectFormat(new TextEncoder().encode('{"hello": 1}'), 'meta.json')).toThrow(/meta\.json \(json\): JSON file is not a SOG meta\.json/);
  });
});

describe('garbage and .splat plausibility', () => {
  const random = (n: number, seed: number) => {
    const r = rng(seed);
    return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  };

  it('scores real .splat records as plausible and random bytes as not', () => {
    expect(splatPlausibility(load('splat/playbot-31000.splat'))).toBe(1);
    expect(splatPlausibility(load('splat/minimal.splat'))).toBe(1);
    // 375 random records (12,000 bytes: what the viewer used to show as invisible splats).
    expect(splatPlausibility(random(12_000, 1))).toBeLessThan(0.01);
  });

  it('refuses random bytes of a .splat size under any name, saying what the name claims', () => {
    const bytes = random(12_000, 2);
    expect(() => detectFormat(bytes, 'scene.ply')).toThrow(/^scene\.ply: unrecognised content \(first bytes [0-9a-f ]+, 12000 bytes\): named \.ply, but the content is not INRIA PLY, nor any other supported format/);
    expect(() => detectFormat(bytes, 'download')).toThrow(/^download: unrecognised content .*not a supported format/);
    expect(() => detectFormat(bytes, 'meta.json')).toThrow(/named \.json, but the content is not SOG meta\.json/);
    expect(() => detectFormat(bytes, 'x.splat')).toThrow(/^x\.splat \(splat\): not a \.splat file: 9\d% of its 375 32-byte records hold impossible values/);
  });

  it('accepts a .splat whose records were damaged in a few places', () => {
    const bytes = load('splat/playbot-31000.splat').slice();
    for (let i = 0; i < 100; i++) new DataView(bytes.buffer).setFloat32(i * 300 * 32 + 12, -1, true);
    expect(detectFormat(bytes, 'damaged.splat')).toBe('splat');
  });

  it('reads content that disagrees with its extension, with a notice naming both', async () => {
    const ply = await loadScene({ name: 'scene.splat', bytes: load('ply/playbot-1873.ply') });
    expect(ply.format).toBe('ply');
    expect(ply.warnings[0]).toBe('named .splat, but the content is INRIA PLY: read as INRIA PLY');
    const spz = await loadScene({ name: 'scene.ksplat', bytes: load('splat/minimal-v3.spz') });
    expect(spz.warnings[0]).toBe('named .ksplat, but the content is SPZ: read as SPZ');
    expect(extensionNotice('compressed-ply', 'a.ply')).toBeUndefined();
    expect(extensionNotice('splat', 'download')).toBeUndefined();
    expect(extensionNotice('sog', 'meta.json')).toBeUndefined();
    expect(extensionNotice('sog-bundle', 'scene.json')).toBe('named .json, but the content is bundled SOG: read as bundled SOG');
    const agreeing = await loadScene({ name: 'playbot-1873.ply', bytes: load('ply/playbot-1873.ply') });
    expect(agreeing.warnings).toEqual([]);
  });
});

describe('loadScene', () => {
  it('decodes every shared file exactly as its own reader does', async () => {
    const direct: Record<string, (b: Uint8Array, f: string) => Promise<{ scene: SplatScene }> | { scene: SplatScene }> = {
      ply: readPly,
      'compressed-ply': readCompressedPly,
      splat: readSplat,
      ksplat: readKsplat,
      spz: readSpz,
    };
    for (const [file, format] of SHARED) {
      const name = path.basename(file);
      const loaded = await loadScene({ name, bytes: load(file), readSibling: sibling(path.dirname(file)) });
      expect(loaded.format, file).toBe(format);
      expect(loaded.scene.count, file).toBeGreaterThan(0);
      const reader = direct[format];
      if (reader) expectSameScene(loaded.scene, (await reader(load(file), name)).scene);
    }
  });

  it('loads the unbundled SOG through its sibling images', async () => {
    const files = readdirSync(path.join(DATA, 'sog/playbot-8406'));
    expect(files).toContain('means_l.webp');
    const loaded = await loadScene({ name: 'meta.json', bytes: load('sog/playbot-8406/meta.json'), readSibling: sibling('sog/playbot-8406') });
    expect(loaded.scene.count).toBe(8406);
    // The same scene as the INRIA ply decoded from it, within SOG's 16-bit position step
    // (per-axis range / 65535 after the log transform; 1e-3 of the 1.4-unit extent is ample).
    const ply = (await readPly(load('ply/playbot-8406.ply'), 'playbot-8406.ply')).scene;
    expectClose(loaded.scene.means, ply.means, 1e-3, 0, 'means vs ply');
  });

  it('reports a SOG meta.json without a way to read its images', async () => {
    await expect(loadScene({ name: 'meta.json', bytes: load('sog/playbot-8406/meta.json') })).rejects.toThrow(/meta\.json \(sog\): .*WebP images/);
  });

  it('names file, detected format and problem for damaged files', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['a.splat', load('splat/minimal.splat').subarray(0, 40), /a\.splat \(splat\): size 40 bytes/],
      ['b.ksplat', load('splat/minimal.ksplat').subarray(0, 4100), /b\.ksplat \(ksplat\): header claims 1 sections, whose headers alone need 5120 bytes; file has 4100/],
      ['c.ply', load('compressed/test-64.compressed.ply').subarray(0, 3000), /c\.ply \(compressed-ply\): .*truncated/],
      ['d.spz', load('splat/minimal-v3.spz').subarray(0, 30), /d\.spz \(spz\): /],
      ['e.ply', load('ply/playbot-1873.ply').subarray(0, 5000), /e\.ply \(ply\): /],
    ];
    for (const [name, bytes, message] of cases) {
      const err = await loadScene({ name, bytes }).then(() => undefined, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(SceneFormatError);
      expect((err as Error).message, name).toMatch(message);
    }
  });
});

describe('writeScene', () => {
  it('picks the output format from the extension', () => {
    expect(writeFormatFor('out.ply')).toBe('ply');
    expect(writeFormatFor('OUT.SPLAT')).toBe('splat');
    expect(writeFormatFor('x.spz')).toBe('spz');
    expect(writeFormatFor('x.sog')).toBe('sog');
    expect(writeFormatFor('x.ksplat')).toBeUndefined();
    expect(writeFormatFor('x.compressed.ply')).toBeUndefined();
  });

  it('writes files that loadScene reads back as the same scene within each format', async () => {
    const src = (await readPly(load('ply/playbot-1873.ply'), 'playbot-1873.ply')).scene;
    const ply = await loadScene({ name: 'rt.ply', bytes: await writeScene(src, 'ply') });
    expect(ply.format).toBe('ply');
    expectSameScene(ply.scene, src);
    const splat = await loadScene({ name: 'rt.splat', bytes: await writeScene(src, 'splat') });
    expect(splat.format).toBe('splat');
    expect(splat.scene.shDegree).toBe(0);
    // .splat keeps f32 positions exactly.
    expectClose(splat.scene.means, src.means, 0, 0, 'splat means');
    const spz = await loadScene({ name: 'rt.spz', bytes: await writeScene(src, 'spz') });
    expect(spz.format).toBe('spz');
    expect(spz.scene.count).toBe(src.count);
    // SPZ positions: 24-bit fixed point with 12 fractional bits, step 1/4096 (half-step error).
    expectClose(spz.scene.means, src.means, 0.5 / 4096 + 1e-6, 0, 'spz means');
    const sog = await loadScene({ name: 'rt.sog', bytes: await writeScene(src, 'sog') });
    expect(sog.format).toBe('sog');
    expect(sog.scene.count).toBe(src.count);
    // SOG positions: 16 bits per axis of sign(x) log(1 + |x|) over the scene range (about
    // +-0.75 here): a step near 2e-5 in the log domain, 1e-4 is a safe bound in world units.
    expectClose(sog.scene.means, src.means, 1e-4, 0, 'sog means');
  });
});
