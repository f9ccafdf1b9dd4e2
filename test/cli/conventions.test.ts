/**
 * CLI conventions through bin/splat.mjs: help on stdout, exit codes (0 done, 1 failed, 2 called
 * wrongly), suggestions for near-miss commands and flags, every file error as "file: problem",
 * garbage refused naming the file, and the image format from the --out extension.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { rng } from '../helpers/compare';
import { DATA, splat, tempDir } from './run-cli';

const tmp = tempDir('splat-conv-');
const PLY = join(DATA, 'ply/playbot-1873.ply');
const COMMANDS = ['info', 'render', 'convert', 'train', 'eval'];

describe('help and usage', () => {
  it('--help lists every command on stdout and exits 0', async () => {
    for (const args of [['--help'], ['help']]) {
      const r = await splat(args);
      expect(r.code, args[0]).toBe(0);
      expect(r.stderr).toBe('');
      for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
    }
  });

  it('per-command help shows its usage line and every flag on stdout', async () => {
    const r = await splat(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: splat train <colmap-dir> --out scene\.ply \[flags\]/);
    for (const f of ['--out FILE', '--iters N', '--checkpoint-every N', '--checkpoint-dir DIR', '--resume FILE', '--export-every N']) expect(r.stdout).toContain(f);
    expect((await splat(['help', 'render'])).stdout).toMatch(/--out FILE +output image: \.png, or \.jpg\/\.jpeg/);
  });

  it('no arguments prints the usage on stderr and exits 2', async () => {
    const r = await splat([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^usage: splat <command>/);
  });

  it('an unknown command or flag exits 2 with a suggestion', async () => {
    const c = await splat(['trian', 'x']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/^splat: unknown command 'trian' \(did you mean 'train'\?\)/);
    const f = await splat(['train', 'scenes/buddha13', '--out', join(tmp, 'x.ply'), '--iter', '3']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^splat train: unknown flag --iter \(did you mean --iters\?\)\nusage: splat train /);
    const far = await splat(['info', PLY, '--zzzzzz']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/^splat info: unknown flag --zzzzzz\n/);
    const extra = await splat(['info', PLY, 'other.ply']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/unexpected argument 'other\.ply'/);
  });

  it('bad flag values are usage errors (exit 2)', async () => {
    const r = await splat(['train', 'scenes/buddha13', '--out', join(tmp, 'x.ply'), '--iters', 'many']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--iters must be a number, got "many"/);
  });
});

describe('files', () => {
  it('random bytes are refused naming the file, whatever the extension', async () => {
    const r = rng(11);
    const garbage = Uint8Array.from({ length: 12_000 }, () => Math.floor(r() * 256));
    for (const name of ['random.ply', 'random.splat', 'random.bin']) {
      writeFileSync(join(tmp, name), garbage);
      const res = await splat(['info', join(tmp, name)]);
      expect(res.code, name).toBe(1);
      expect(res.stdout, name).toBe('');
      expect(res.stderr, name).toMatch(new RegExp(`^splat info: ${join(tmp, name).replace(/[.]/g, '\\.')}( \\(splat\\))?: (unrecognised content|not a \\.splat file)`));
    }
    expect((await splat(['info', join(tmp, 'random.ply')])).stderr).toMatch(/named \.ply, but the content is not INRIA PLY/);
  });

  it('a file whose extension disagrees with its content is read, with a notice naming both', async () => {
    const renamed = join(tmp, 'really-a-ply.splat');
    writeFileSync(renamed, readFileSync(PLY));
    const r = await splat(['info', renamed]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'ply', splats: 1873, warnings: ['named .splat, but the content is INRIA PLY: read as INRIA PLY'] });
  });

  it('missing inputs and unwritable outputs are "file: problem", never a raw errno', async () => {
    const cam = join(tmp, 'nocam.json');
    const r = await splat(['render', PLY, '--camera', cam, '--out', join(tmp, 'x.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`splat render: ${cam}: cannot read: no such file or folder\n`);
    const camOk = join(tmp, 'cam.json');
    writeFileSync(camOk, JSON.stringify({ width: 8, height: 8, fx: 8, fy: 8, cx: 4, cy: 4, R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0, 3] }));
    const out = join(tmp, 'no-such-folder', 'x.png');
    const w = await splat(['render', PLY, '--camera', camOk, '--out', out]);
    expect(w.code).toBe(1);
    expect(w.stderr).toBe(`splat render: ${out}: cannot write: the folder ${join(tmp, 'no-such-folder')} does not exist\n`);
    const c = await splat(['convert', PLY, tmp]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/cannot tell the output format from the extension/);
    const d = await splat(['convert', PLY, join(tmp, 'no-such-folder', 'x.spz')]);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/x\.spz: cannot write: the folder .*no-such-folder does not exist/);
    for (const line of [r.stderr, w.stderr, d.stderr]) expect(line).not.toMatch(/ENOENT|EACCES|errno/);
  });
});

describe('render output format', () => {
  const cam = { width: 40, height: 32, fx: 38, fy: 38, cx: 20, cy: 16, R: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], t: [0, 0.5, 2.8] };

  it('writes a real JPEG for .jpg, matching the PNG render within JPEG error', async () => {
    const camPath = join(tmp, 'cam40.json');
    writeFileSync(camPath, JSON.stringify(cam));
    const png = join(tmp, 'a.png');
    const jpg = join(tmp, 'a.jpg');
    expect((await splat(['render', PLY, '--camera', camPath, '--out', png])).code).toBe(0);
    const r = await splat(['render', PLY, '--camera', camPath, '--out', jpg, '--quality', '95']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/a\.jpg: JPEG 40x32/);
    const bytes = readFileSync(jpg);
    expect([...bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const a = decodePng(readFileSync(png));
    const b = decodeJpeg(bytes, { useTArray: true });
    expect([b.width, b.height]).toEqual([40, 32]);
    let sum = 0;
    let lit = 0;
    for (let i = 0; i < 40 * 32; i++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i * 3 + c] - b.data[i * 4 + c]);
      if (a.data[i * 3] + a.data[i * 3 + 1] + a.data[i * 3 + 2] > 30) lit++;
    }
    // Quality 95 on a smooth 40x32 render: mean error a few levels out of 255; the scene must
    // cover part of the image for the comparison to mean anything.
    expect(sum / (40 * 32 * 3)).toBeLessThan(4);
    expect(lit).toBeGreaterThan(40 * 32 * 0.1);
  });

  it('refuses an extension it cannot write before rendering, and writes nothing', async () => {
    const camPath = join(tmp, 'cam40.json');
    writeFileSync(camPath, JSON.stringify(cam));
    const out = join(tmp, 'a.bmp');
    const r = await splat(['render', PLY, '--camera', camPath, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^splat render: .*a\.bmp: cannot tell the image format from the extension \(use \.png, \.jpg or \.jpeg\)/);
    expect(existsSync(out)).toBe(false);
  });
});
