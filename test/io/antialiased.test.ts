/**
 * The anti-aliasing mark travels through every format that has a place for it (PLY header
 * comment, SPZ flag bit 1, SOG meta.json) and is absent from a scene trained without it; a
 * Mip-Splatting PLY's per-splat 3D filter is baked into scales and opacity on load. The 2D
 * filter's size travels where a format has room (PLY comment `filter2d`, SOG meta.json), and
 * writing it where there is none (SPZ, .splat) is reported.
 */
import { describe, expect, it } from 'vitest';
import { readPly } from '../../src/io/ply';
import { writePly } from '../../src/io/ply-writer';
import { readSpz, writeSpz } from '../../src/io/formats/spz';
import { writeSog } from '../../src/io/formats/sog-write';
import { loadScene, writeLosses } from '../../src/io/load';
import { type SplatScene, emptyScene } from '../../src/io/scene';
import { rng } from '../helpers/compare';

function scene(n: number, antialiased: boolean): SplatScene {
  const r = rng(n);
  const s = emptyScene(n, 1);
  for (let i = 0; i < n * 3; i++) {
    s.means[i] = r() * 2 - 1;
    s.logScales[i] = -3 + r();
  }
  for (let i = 0; i < n; i++) s.opacityLogits[i] = r() * 4 - 2;
  for (let i = 0; i < s.sh.length; i++) s.sh[i] = (r() - 0.5) * 0.5;
  if (antialiased) s.antialiased = true;
  return s;
}

describe('anti-aliased scenes in files', () => {
  for (const aa of [true, false]) {
    it(`PLY ${aa ? 'keeps' : 'does not invent'} the mark`, async () => {
      const bytes = writePly(scene(20, aa));
      expect(new TextDecoder().decode(bytes.subarray(0, 200)).includes('comment antialiased 1')).toBe(aa);
      expect((await readPly(bytes, 'x.ply')).scene.antialiased ?? false).toBe(aa);
    });

    it(`SPZ ${aa ? 'keeps' : 'does not invent'} the mark (flag bit 1)`, async () => {
      const bytes = await writeSpz(scene(20, aa));
      expect((await readSpz(bytes, 'x.spz')).scene.antialiased ?? false).toBe(aa);
    });

    it(`SOG ${aa ? 'keeps' : 'does not invent'} the mark (meta.json)`, async () => {
      const bytes = await writeSog(scene(20, aa));
      const loaded = await loadScene({ name: 'x.sog', bytes });
      expect(loaded.scene.antialiased ?? false).toBe(aa);
    });
  }

  it("bakes a Mip-Splatting PLY's filter_3D into scales and opacity", async () => {
    // A one-splat PLY with the extra property, written by hand.
    const props = ['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3', 'filter_3D'];
    const header = `ply\nformat binary_little_endian 1.0\nelement vertex 1\n${props.map((p) => `property float ${p}\n`).join('')}end_header\n`;
    const values = [0, 0, 1, 0.1, 0.2, 0.3, 0.5, Math.log(0.01), Math.log(0.02), Math.log(0.03), 1, 0, 0, 0, 0.02];
    const bytes = new Uint8Array(header.length + values.length * 4);
    bytes.set(new TextEncoder().encode(header));
    values.forEach((v, i) => new DataView(bytes.buffer).setFloat32(header.length + 4 * i, v, true));
    const s = (await readPly(bytes, 'mip.ply')).scene;
    expect(s.antialiased).toBe(true);
    // Mip-Splatting trains with a 0.1 px^2 2D filter; its files do not say so.
    expect(s.filter2d).toBe(0.1);
    const f2 = Math.fround(0.02) ** 2;
    const sq = [0.01, 0.02, 0.03].map((v) => Math.fround(v) ** 2);
    // Scales grow by the filter in quadrature; opacity keeps the energy (float64 reference, f32 storage).
    for (let a = 0; a < 3; a++) expect(Math.exp(2 * s.logScales[a])).toBeCloseTo(sq[a] + f2, 9);
    const o = (1 / (1 + Math.exp(-Math.fround(0.5)))) * Math.sqrt(sq.reduce((p, v) => p * (v / (v + f2)), 1));
    expect(1 / (1 + Math.exp(-s.opacityLogits[0]))).toBeCloseTo(o, 6);
  });

  it('keeps the 2D filter size in PLY and SOG; an antialiased file without one draws with 0.3', async () => {
    const s = scene(20, true);
    s.filter2d = 0.1;
    const ply = writePly(s);
    expect(new TextDecoder().decode(ply.subarray(0, 200))).toContain('comment filter2d 0.1\n');
    expect((await readPly(ply, 'x.ply')).scene.filter2d).toBe(0.1);
    const sog = await loadScene({ name: 'x.sog', bytes: await writeSog(s) });
    expect(sog.scene.filter2d).toBe(0.1);
    // Without a size (the files other tools write) the scene keeps none: renderers use 0.3.
    expect((await readPly(writePly(scene(20, true)), 'y.ply')).scene.filter2d).toBeUndefined();
    // A plain scene never carries one, even if asked to.
    const plain = scene(20, false);
    plain.filter2d = 0.1;
    expect(new TextDecoder().decode(writePly(plain).subarray(0, 200))).not.toContain('filter2d');
  });

  it('a malformed filter2d comment loads the scene with a warning naming it', async () => {
    const good = new TextDecoder('latin1').decode(writePly(scene(5, true)));
    const bad = good.replace('comment antialiased 1\n', 'comment antialiased 1\ncomment filter2d wide\n');
    const loaded = await readPly(new Uint8Array([...bad].map((c) => c.charCodeAt(0))), 'bad.ply');
    expect(loaded.scene.count).toBe(5);
    expect(loaded.scene.filter2d).toBeUndefined();
    expect(loaded.warnings.join('\n')).toContain("header comment 'filter2d wide' is not a 2D filter size");
  });

  it('says what a format loses: the filter size in SPZ, the mark and SH in .splat', () => {
    const s = scene(4, true);
    expect(writeLosses(s, 'spz')).toEqual([]); // no size: readers assume 0.3, which is right
    s.filter2d = 0.1;
    expect(writeLosses(s, 'spz').join()).toContain('.spz cannot store the 2D filter size 0.1 px^2');
    expect(writeLosses(s, 'ply')).toEqual([]);
    expect(writeLosses(s, 'sog')).toEqual([]);
    const splat = writeLosses(s, 'splat');
    expect(splat).toHaveLength(2);
    expect(splat[1]).toContain('.splat has no anti-aliasing mark');
  });
});
