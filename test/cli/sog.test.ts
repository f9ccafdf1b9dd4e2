/**
 * SOG through the CLI (bin/splat.mjs, so under vite's module runner, which the in-process
 * format tests never exercised): writing a bundled .sog, reading it back, reading the shared
 * unbundled meta.json (by file and by folder) and a bundle zipped from it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { readPly } from '../../src/io/ply';
import { sceneBounds } from '../../src/io/scene';
import { expectClose } from '../helpers/compare';
import { DATA, ROOT, splat, tempDir } from './run-cli';

const tmp = tempDir('splat-sog-');
const SOG_DIR = join(DATA, 'sog/playbot-8406');

async function plyBounds(path: string) {
  const scene = (await readPly(new Uint8Array(readFileSync(path)), path)).scene;
  return sceneBounds(scene);
}

/**
 * SOG stores positions as 16 bits per axis of sign(x) ln(1 + |x|) over the scene's range
 * (about +-1.5 here): a step near 5e-5 in world units; 1e-3 leaves room for the log mapping.
 */
const SOG_POSITION_TOLERANCE = 1e-3;

describe('SOG in the CLI', () => {
  it('converts scenes/playbot-31000.ply to .sog and reads it back', async () => {
    const out = join(tmp, 'out.sog');
    const c = await splat(['convert', join(ROOT, 'scenes/playbot-31000.ply'), out]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/out\.sog: sog, 31000 splats, SH degree 3/);
    expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]); // a zip
    const r = await splat(['info', out]);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info).toMatchObject({ format: 'sog', splats: 31000, shDegree: 3, warnings: [] });
    const want = await plyBounds(join(ROOT, 'scenes/playbot-31000.ply'));
    expectClose(Float32Array.from([...info.bounds.min, ...info.bounds.max]), Float32Array.from([...want.min, ...want.max]), SOG_POSITION_TOLERANCE, 0, 'bounds');
  });

  it('reads the shared meta.json, its folder, and a .sog bundled from it', async () => {
    const want = await plyBounds(join(DATA, 'ply/playbot-8406.ply'));
    const bundle = join(tmp, 'playbot-8406.sog');
    writeFileSync(bundle, zipSync(Object.fromEntries(readdirSync(SOG_DIR).map((n) => [n, new Uint8Array(readFileSync(join(SOG_DIR, n)))]))));
    for (const input of [join(SOG_DIR, 'meta.json'), SOG_DIR, bundle]) {
      const r = await splat(['info', input]);
      expect(r.code, `${input}: ${r.stderr}`).toBe(0);
      const info = JSON.parse(r.stdout);
      expect(info, input).toMatchObject({ format: 'sog', splats: 8406, shDegree: 2 });
      expectClose(Float32Array.from([...info.bounds.min, ...info.bounds.max]), Float32Array.from([...want.min, ...want.max]), SOG_POSITION_TOLERANCE, 0, input);
    }
  });

  it('converts meta.json to the same scene as the shared .ply', async () => {
    const out = join(tmp, 'from-sog.ply');
    const r = await splat(['convert', join(SOG_DIR, 'meta.json'), out]);
    expect(r.code, r.stderr).toBe(0);
    const got = (await readPly(new Uint8Array(readFileSync(out)), out)).scene;
    const want = (await readPly(new Uint8Array(readFileSync(join(DATA, 'ply/playbot-8406.ply'))), 'playbot-8406.ply')).scene;
    expect(got.count).toBe(8406);
    expectClose(got.means, want.means, SOG_POSITION_TOLERANCE, 0, 'means');
  });

  it('a folder without meta.json is refused naming it', async () => {
    const r = await splat(['info', tmp]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`splat info: ${tmp}: is a folder without a meta.json; name a scene file (.ply .splat .ksplat .spz .sog or a SOG meta.json)\n`);
  });
});
