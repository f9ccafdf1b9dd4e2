/**
 * Training checkpoints: everything a Trainer needs to continue a run bit for bit, as one
 * versioned binary file. Pure format: Uint8Array in and out, no file system and no GPU, so the
 * CLI (files on disk) and the browser (the origin private file system) share it.
 *
 * What a run's future depends on, and where it is kept:
 *   - parameters and Adam moments of every live row, and Adam's shared step count;
 *   - the densification statistics accumulated since the last densification;
 *   - the iteration (learning-rate schedule, SH degree, density schedule);
 *   - the view sampler's RNG and the rest of its epoch, and the random-background RNG;
 *   - the config (the split noise of density control is a hash of (config seed, iteration,
 *     splat, child), so it has no stream of its own to save);
 *   - the dataset, by identity: a hash of view names, split, image sizes and cameras.
 *
 * Layout, little-endian:
 *   [0, 8)    magic "SPLATCKP"
 *   [8, 12)   u32 format version (CHECKPOINT_VERSION)
 *   [12, 16)  u32 byte length H of the JSON header
 *   [16, 20)  u32 CRC-32 of bytes [32, end)
 *   [20, 24)  u32 reserved (0)
 *   [24, 32)  f64 total file length (a cut file is told from a corrupt one)
 *   [32, 32 + H)  UTF-8 JSON: CheckpointHeader
 *   then, from the next multiple of 4: the f32 sections in header order, back to back.
 */
import { LEGACY_FILTER2D, type TrainConfig } from './config';
import type { ViewSamplerState } from './random';
import { PARAM_GROUPS, type ParamGroup, groupWidth } from './splat-state';
import { shCoeffCount, type SplatScene } from '../io/scene';
import { crc32 } from '../io/crc32';
import { FileError } from '../io/file-error';
import { align4 } from '../gpu/buffers';

export const CHECKPOINT_MAGIC = 'SPLATCKP';
export const CHECKPOINT_VERSION = 1;
/** File name extension of checkpoints. */
export const CHECKPOINT_EXTENSION = '.ckpt';
const PREAMBLE_BYTES = 32;

/** Which dataset a run trains on: a renamed folder still matches; other images or cameras do not. */
export interface DatasetIdentity {
  /** Shown in messages (folder or zip name). */
  name: string;
  /** Training plus held-out views. */
  views: number;
  /** 16 hex digits over view names, split, sizes and cameras (`datasetHash`). */
  hash: string;
}

export type GroupArrays = Record<ParamGroup, Float32Array>;

/** The mutable state of a Trainer (src/train/trainer.ts captureState / restoreState). */
export interface TrainerState {
  /** Iterations done. */
  iteration: number;
  /** Adam step t shared by all rows. */
  adamStep: number;
  shDegree: number;
  /** Live rows N. */
  count: number;
  /** [N, width] f32 per group (splat-state.ts groupWidth). */
  params: GroupArrays;
  m: GroupArrays;
  v: GroupArrays;
  /** [N, 4] f32: NDC mean-gradient norm sum, visible count, unused, unused. */
  densifyStats: Float32Array;
  sampler: ViewSamplerState;
  /** mulberry32 state of the random-background stream. */
  backgroundRng: number;
}

export interface Checkpoint {
  config: TrainConfig;
  dataset: DatasetIdentity;
  state: TrainerState;
}

/** The JSON header: everything but the arrays, plus their order and lengths. */
interface CheckpointHeader {
  config: TrainConfig;
  dataset: DatasetIdentity;
  iteration: number;
  adamStep: number;
  shDegree: number;
  count: number;
  sampler: ViewSamplerState;
  backgroundRng: number;
  sections: { name: string; floats: number }[];
}

/** A checkpoint that cannot be read or does not fit this run; the message names the file. */
export class CheckpointError extends FileError {
  override name = 'CheckpointError';
}

/** Section names and arrays in file order. */
function sections(s: TrainerState): [string, Float32Array][] {
  const out: [string, Float32Array][] = [];
  for (const set of ['params', 'm', 'v'] as const) for (const g of PARAM_GROUPS) out.push([`${set}.${g}`, s[set][g]]);
  out.push(['densifyStats', s.densifyStats]);
  return out;
}

/** Floats each section must hold for `count` rows of SH degree `shDegree`. */
function expectedFloats(name: string, count: number, shDegree: number): number {
  if (name === 'densifyStats') return count * 4;
  return count * groupWidth(name.split('.')[1] as ParamGroup, shCoeffCount(shDegree));
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Serialises a checkpoint (see the file header for the layout). */
export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('checkpoints are written on little-endian platforms only');
  const s = c.state;
  const parts = sections(s);
  for (const [name, a] of parts) {
    const want = expectedFloats(name, s.count, s.shDegree);
    if (a.length !== want) throw new RangeError(`checkpoint section ${name} holds ${a.length} floats, expected ${want} for ${s.count} splats`);
  }
  const header: CheckpointHeader = {
    config: c.config,
    dataset: c.dataset,
    iteration: s.iteration,
    adamStep: s.adamStep,
    shDegree: s.shDegree,
    count: s.count,
    sampler: s.sampler,
    backgroundRng: s.backgroundRng,
    sections: parts.map(([name, a]) => ({ name, floats: a.length })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(PREAMBLE_BYTES + json.length);
  const total = dataStart + parts.reduce((t, [, a]) => t + a.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  view.setFloat64(24, total, true);
  out.set(json, PREAMBLE_BYTES);
  let at = dataStart;
  for (const [, a] of parts) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  view.setUint32(16, crc32(out.subarray(PREAMBLE_BYTES)), true);
  return out;
}

/** Parses a checkpoint; every problem is a CheckpointError naming `file`. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): Checkpoint {
  const fail = (problem: string): never => {
    throw new CheckpointError(file, problem);
  };
  if (bytes.length < PREAMBLE_BYTES) fail(`not a training checkpoint (${bytes.length} bytes, shorter than the ${PREAMBLE_BYTES}-byte preamble)`);
  if (new TextDecoder('latin1').decode(bytes.subarray(0, 8)) !== CHECKPOINT_MAGIC) fail(`not a training checkpoint (no ${CHECKPOINT_MAGIC} magic at the start)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) fail(`checkpoint format version ${version}; this build reads version ${CHECKPOINT_VERSION}`);
  const total = view.getFloat64(24, true);
  if (total !== bytes.length) fail(total > bytes.length ? `truncated: ${bytes.length} of ${total} bytes` : `${bytes.length} bytes, but the header says ${total}: trailing data`);
  if (crc32(bytes.subarray(PREAMBLE_BYTES)) !== view.getUint32(16, true)) fail('corrupt: the checksum does not match the contents');
  const jsonLength = view.getUint32(12, true);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + jsonLength)));
  } catch (e) {
    return fail(`corrupt header (${(e as Error).message})`);
  }
  const { count, shDegree } = header;
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(shDegree) || shDegree < 0 || shDegree > 3) fail(`header holds ${count} splats of SH degree ${shDegree}`);
  const arrays = new Map<string, Float32Array>();
  let at = align4(PREAMBLE_BYTES + jsonLength);
  for (const { name, floats } of header.sections) {
    const want = expectedFloats(name, count, shDegree);
    if (floats !== want || Number.isNaN(want)) fail(`section ${name} holds ${floats} floats, expected ${want} for ${count} splats`);
    if (at + floats * 4 > bytes.length) fail(`section ${name} runs past the end of the file`);
    // A copy: the section may not be 4-byte aligned within the caller's buffer. Not slice():
    // a Node Buffer's slice is a view whose .buffer is the whole file (or Node's shared pool).
    arrays.set(name, new Float32Array(new Uint8Array(bytes.subarray(at, at + floats * 4)).buffer));
    at += floats * 4;
  }
  const get = (name: string): Float32Array => arrays.get(name) ?? fail(`section ${name} is missing`);
  const groups = (set: string): GroupArrays => Object.fromEntries(PARAM_GROUPS.map((g) => [g, get(`${set}.${g}`)])) as GroupArrays;
  const state: TrainerState = {
    iteration: header.iteration,
    adamStep: header.adamStep,
    shDegree,
    count,
    params: groups('params'),
    m: groups('m'),
    v: groups('v'),
    densifyStats: get('densifyStats'),
    sampler: header.sampler,
    backgroundRng: header.backgroundRng,
  };
  return { config: savedConfig(header.config), dataset: header.dataset, state };
}

/**
 * A saved config as the run it holds trained: runs saved before `filter2d` existed trained with
 * anti-aliasing at 0.3 px^2 (today's default is 0.1), so resuming one asks for --filter2d 0.3.
 */
function savedConfig(c: TrainConfig): TrainConfig {
  return c.antialias && c.filter2d === undefined ? { ...c, filter2d: LEGACY_FILTER2D } : c;
}

/** The checkpoint's parameters as a scene (to construct the Trainer it is restored into). */
export function checkpointScene(c: Checkpoint): SplatScene {
  const p = c.state.params;
  return { count: c.state.count, shDegree: c.state.shDegree, means: p.means, logScales: p.logScales, quats: p.quats, opacityLogits: p.opacityLogits, sh: p.sh };
}

/** `<base>.step-000500.ckpt`: the step in the name, zero-padded so names sort by step. */
export function checkpointFileName(base: string, iteration: number): string {
  return `${base}.step-${String(iteration).padStart(6, '0')}${CHECKPOINT_EXTENSION}`;
}
