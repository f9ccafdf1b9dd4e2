/**
 * The checkpoint format without a GPU: exact round trip of every array and field, clear errors
 * naming the file for every kind of damage, the resume checks (dataset identity, settings), and
 * the serialisable RNG states the trainer restores.
 */
import { describe, expect, it } from 'vitest';
import type { ColmapDataset, View } from '../../src/io/colmap/dataset';
import { resolveTrainConfig } from '../../src/train/config';
import { Mulberry32, ViewSampler, seededRandom } from '../../src/train/random';
import { type Checkpoint, CheckpointError, type TrainerState, checkpointFileName, checkpointScene, decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint';
import { checkResumable, configDifferences, datasetHash, datasetIdentity } from '../../src/train/checkpoint-resume';
import { PARAM_GROUPS, groupWidth } from '../../src/train/splat-state';
import { rng } from '../helpers/compare';

function randomArray(n: number, r: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 1e3);
}

function state(count: number, shDegree: number, seed: number): TrainerState {
  const r = rng(seed);
  const k = (shDegree + 1) ** 2;
  const groups = () => Object.fromEntries(PARAM_GROUPS.map((g) => [g, randomArray(count * groupWidth(g, k), r)])) as TrainerState['params'];
  return {
    iteration: 1234,
    adamStep: 1234,
    shDegree,
    count,
    params: groups(),
    m: groups(),
    v: groups(),
    densifyStats: randomArray(count * 4, r),
    sampler: { rng: 0xdeadbeef, order: [4, 0, 7] },
    backgroundRng: 0x12345678,
  };
}

function view(name: string, fx: number): View {
  return { name, camera: { width: 8, height: 6, fx, fy: fx, cx: 4, cy: 3, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 1] }, image: new Float32Array(0) };
}

function dataset(fx = 10, names = ['a.jpg', 'b.jpg', 'c.jpg']): ColmapDataset {
  return { train: names.map((n) => view(n, fx)), test: [], points: { xyz: new Float32Array(9), rgb: new Uint8Array(9) }, extent: 2, notices: [] };
}

const CONFIG = resolveTrainConfig({ iterations: 3000, seed: 5, density: { densifyFrom: 100 } });

function checkpoint(count = 37, shDegree = 2): Checkpoint {
  return { config: CONFIG, dataset: datasetIdentity('toy', dataset()), state: state(count, shDegree, 1) };
}

describe('checkpoint format', () => {
  it('round-trips every array bit for bit and every field', () => {
    const c = checkpoint();
    const bytes = encodeCheckpoint(c);
    const d = decodeCheckpoint(bytes, 'x.ckpt');
    expect(d.config).toEqual(c.config);
    expect(d.dataset).toEqual(c.dataset);
    const { params, m, v, densifyStats, ...fields } = d.state;
    const { params: p0, m: m0, v: v0, densifyStats: s0, ...fields0 } = c.state;
    expect(fields).toEqual(fields0);
    for (const g of PARAM_GROUPS) {
      expect(params[g]).toEqual(p0[g]);
      expect(m[g]).toEqual(m0[g]);
      expect(v[g]).toEqual(v0[g]);
    }
    expect(densifyStats).toEqual(s0);
    // Size: 32-byte preamble, the JSON header, and 4 bytes per float (3 sets x 32 floats per
    // splat at SH degree 2, plus 4 statistics).
    const floats = 37 * (3 * (3 + 3 + 4 + 1 + 27) + 4);
    expect(bytes.length).toBeGreaterThan(floats * 4 + 32);
    expect(bytes.length).toBeLessThan(floats * 4 + 32 + 4096);
    expect(checkpointScene(d)).toMatchObject({ count: 37, shDegree: 2, means: p0.means, sh: p0.sh });
  });

  it('reads a checkpoint from an unaligned view of a larger buffer', () => {
    const bytes = encodeCheckpoint(checkpoint(5, 0));
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 1);
    expect(decodeCheckpoint(padded.subarray(1, 1 + bytes.length), 'y.ckpt').state.params.means).toEqual(checkpoint(5, 0).state.params.means);
    // A Node Buffer (what readFileSync returns), whose slice() is a view and not a copy.
    const buffer = Buffer.from(padded.buffer, 1, bytes.length);
    const d = decodeCheckpoint(buffer, 'z.ckpt');
    for (const g of PARAM_GROUPS) expect(d.state.v[g]).toEqual(checkpoint(5, 0).state.v[g]);
  });

  it('names the file and the problem for every kind of damage', () => {
    const bytes = encodeCheckpoint(checkpoint());
    const fails = (b: Uint8Array) => {
      try {
        decodeCheckpoint(b, 'run.step-001234.ckpt');
      } catch (e) {
        expect(e).toBeInstanceOf(CheckpointError);
        return (e as Error).message;
      }
      throw new Error('expected a CheckpointError');
    };
    expect(fails(bytes.subarray(0, 10))).toBe('run.step-001234.ckpt: not a training checkpoint (10 bytes, shorter than the 32-byte preamble)');
    expect(fails(bytes.subarray(0, 5000))).toBe(`run.step-001234.ckpt: truncated: 5000 of ${bytes.length} bytes`);
    const flipped = bytes.slice();
    flipped[bytes.length - 7] ^= 0x10;
    expect(fails(flipped)).toBe('run.step-001234.ckpt: corrupt: the checksum does not match the contents');
    const ply = new TextEncoder().encode('ply\nformat binary_little_endian 1.0\nend_header\n'.padEnd(64));
    expect(fails(ply)).toBe('run.step-001234.ckpt: not a training checkpoint (no SPLATCKP magic at the start)');
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(8, 2, true);
    expect(fails(newer)).toBe('run.step-001234.ckpt: checkpoint format version 2; this build reads version 1');
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(fails(longer)).toMatch(/but the header says \d+: trailing data/);
  });

  it('refuses to write arrays that do not match the splat count', () => {
    const c = checkpoint(4, 1);
    c.state.m.quats = new Float32Array(15);
    expect(() => encodeCheckpoint(c)).toThrow(/section m\.quats holds 15 floats, expected 16 for 4 splats/);
  });

  it('puts the zero-padded step in the file name', () => {
    expect(checkpointFileName('buddha', 500)).toBe('buddha.step-000500.ckpt');
    expect(checkpointFileName('b', 1_234_567)).toBe('b.step-1234567.ckpt');
  });
});

describe('resume checks', () => {
  it('identifies a dataset by its views and cameras, not its name', () => {
    expect(datasetHash(dataset())).toMatch(/^[0-9a-f]{16}$/);
    expect(datasetHash(dataset())).toBe(datasetHash(dataset()));
    expect(datasetHash(dataset(10.000001))).not.toBe(datasetHash(dataset()));
    expect(datasetHash(dataset(10, ['a.jpg', 'b.jpg', 'd.jpg']))).not.toBe(datasetHash(dataset()));
    const split = dataset();
    split.test = split.train.splice(0, 1);
    expect(datasetHash(split)).not.toBe(datasetHash(dataset()));
  });

  it('accepts the same dataset under another name and the same settings', () => {
    const c = checkpoint();
    expect(checkResumable(c, CONFIG, datasetIdentity('renamed-folder', dataset()), 'c.ckpt')).toEqual([]);
    // An explicit default is no change; more iterations are allowed, with a notice.
    const explicit = resolveTrainConfig({ iterations: 3000, seed: 5, density: { densifyFrom: 100, densifyEvery: 100 } });
    expect(configDifferences(CONFIG, explicit)).toEqual([]);
    const longer = resolveTrainConfig({ ...CONFIG, iterations: 6000 });
    expect(checkResumable(c, longer, c.dataset, 'c.ckpt')).toEqual(['the learning-rate schedule now decays over 6000 iterations (saved run: 3000); the result will differ from an unbroken run']);
  });

  it('refuses another dataset, other settings or a step past the end, naming the file', () => {
    const c = checkpoint();
    expect(() => checkResumable(c, CONFIG, datasetIdentity('toy', dataset(12)), 'c.ckpt')).toThrow(
      /^c\.ckpt: saved for dataset "toy" \(3 views, id [0-9a-f]{16}\), but "toy" \(3 views, id [0-9a-f]{16}\) differs in its images, cameras, resolution or evaluation split$/,
    );
    const other = resolveTrainConfig({ iterations: 3000, seed: 6, background: 'white', density: { densifyFrom: 100 } });
    expect(() => checkResumable(c, other, c.dataset, 'c.ckpt')).toThrow('c.ckpt: saved with other training settings: background black (now white), seed 5 (now 6); resume with the settings it was saved with');
    expect(() => checkResumable(c, resolveTrainConfig({ ...CONFIG, iterations: 1000 }), c.dataset, 'c.ckpt')).toThrow('c.ckpt: saved at step 1234, past this run\'s 1000 iterations');
  });
});

describe('anti-aliased runs saved before the 2D filter size was a setting', () => {
  it('resume with the 0.3 px^2 filter they trained with, and say so when asked for another', () => {
    const legacy = resolveTrainConfig({ iterations: 3000, seed: 5, antialias: true });
    delete (legacy as Partial<typeof legacy>).filter2d; // what such a checkpoint's header holds
    const c: Checkpoint = { config: legacy, dataset: datasetIdentity('toy', dataset()), state: state(5, 0, 2) };
    const d = decodeCheckpoint(encodeCheckpoint(c), 'old.ckpt');
    expect(d.config.filter2d).toBe(0.3);
    const now = resolveTrainConfig({ iterations: 3000, seed: 5, antialias: true });
    expect(now.filter2d).toBe(0.1);
    expect(() => checkResumable(d, now, d.dataset, 'old.ckpt')).toThrow('old.ckpt: saved with other training settings: filter2d 0.3 (now 0.1)');
    expect(checkResumable(d, resolveTrainConfig({ ...now, filter2d: 0.3 }), d.dataset, 'old.ckpt')).toEqual([]);
    // A run without anti-aliasing never draws with the setting: nothing to migrate.
    const plain = resolveTrainConfig({ iterations: 3000, seed: 5 });
    delete (plain as Partial<typeof plain>).filter2d;
    expect(decodeCheckpoint(encodeCheckpoint({ ...c, config: plain }), 'p.ckpt').config.filter2d).toBeUndefined();
  });

  it('refuses a filter size outside [0, 4] px^2', () => {
    expect(() => resolveTrainConfig({ antialias: true, filter2d: -0.1 })).toThrow('filter2d must be a number in [0, 4] px^2, got -0.1');
    expect(() => resolveTrainConfig({ antialias: true, filter2d: Number.NaN })).toThrow(/filter2d must be a number/);
  });
});

describe('serialisable random streams', () => {
  it('Mulberry32 continues exactly from a saved state', () => {
    const a = new Mulberry32(42);
    for (let i = 0; i < 10; i++) a.next();
    const b = new Mulberry32(0);
    b.state = a.state;
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(Array.from({ length: 5 }, () => a.next()));
    const f = seededRandom(42);
    const c = new Mulberry32(42);
    expect([f(), f(), f()]).toEqual([c.next(), c.next(), c.next()]);
  });

  it('ViewSampler continues mid-epoch from a saved state', () => {
    const a = new ViewSampler(13, 7);
    for (let i = 0; i < 17; i++) a.next();
    const b = new ViewSampler(13, 999);
    b.restore(JSON.parse(JSON.stringify(a.save())));
    expect(Array.from({ length: 30 }, () => b.next())).toEqual(Array.from({ length: 30 }, () => a.next()));
    expect(() => b.restore({ rng: 1, order: [13] })).toThrow(/outside 0\.\.12/);
  });
});
