/**
 * One entry point for every splat format: finds the format from the bytes (downloads are often
 * renamed; a name that disagrees earns a notice), dispatches to its reader, and writes the
 * formats we can export. Every failure is a SceneFormatError naming the file, the format found
 * and the problem.
 */
import { DEFAULT_FILTER2D as COV2D_DEFAULT, type LoadedScene, SceneFormatError, type SplatScene } from './scene';
import { readPly } from './ply';
import { writePly } from './ply-writer';
import { readCompressedPly } from './formats/compressed-ply';
import { readKsplat, looksLikeKsplat } from './formats/ksplat';
import { SPLAT_BYTES_PER_SPLAT, looksLikeSplat, readSplat, splatDropsSh, splatPlausibility, writeSplat } from './formats/splat';
import { readSpz, writeSpz } from './formats/spz';
import { isSogMeta, readSog, readSogBundle, writeSog } from './formats/sog';

export type FormatName = 'ply' | 'compressed-ply' | 'splat' | 'ksplat' | 'spz' | 'sog' | 'sog-bundle';
export type WriteFormat = 'ply' | 'splat' | 'spz' | 'sog';

/** Content-based detection looks at no more than this much of a PLY header. */
const PLY_HEADER_SCAN = 64 * 1024;
/** A `meta.json` is a few kilobytes; larger text that starts with '{' is not parsed as one. */
const MAX_META_JSON_BYTES = 16 * 1024 * 1024;

const EXTENSION_FORMATS: [string, FormatName][] = [
  ['.compressed.ply', 'compressed-ply'],
  ['.ply', 'ply'],
  ['.splat', 'splat'],
  ['.ksplat', 'ksplat'],
  ['.spz', 'spz'],
  ['.sog', 'sog-bundle'],
  ['.json', 'sog'],
];

function extensionFormat(fileName: string): FormatName | undefined {
  const lower = fileName.toLowerCase();
  return EXTENSION_FORMATS.find(([ext]) => lower.endsWith(ext))?.[1];
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Parsed JSON when `bytes` holds a JSON object, else undefined (binary data, bad JSON). */
function parseJsonObject(bytes: Uint8Array): unknown {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] !== 0x7b || bytes.length > MAX_META_JSON_BYTES) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i)));
  } catch {
    return undefined;
  }
}

/** How messages name each format. */
const FORMAT_LABELS: Record<FormatName, string> = {
  ply: 'INRIA PLY',
  'compressed-ply': 'compressed PLY',
  splat: '.splat',
  ksplat: '.ksplat',
  spz: 'SPZ',
  sog: 'SOG meta.json',
  'sog-bundle': 'bundled SOG',
};

/** The extension's formats that the content may be without a notice (a .ply may be compressed). */
function extensionAgrees(byName: FormatName, content: FormatName): boolean {
  return byName === content || (byName === 'ply' && content === 'compressed-ply');
}

/** The matched extension itself, for messages (".compressed.ply", ".json"). */
function extensionOf(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return EXTENSION_FORMATS.find(([ext]) => lower.endsWith(ext))?.[0];
}

/** The format the content shows by a magic number or structure, else undefined. */
function contentFormat(bytes: Uint8Array, fileName: string): FormatName | undefined {
  if (startsWith(bytes, [0x70, 0x6c, 0x79]) && (bytes[3] === 0x0a || bytes[3] === 0x0d)) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, PLY_HEADER_SCAN)));
    const end = head.search(/\nend_header\r?\n/);
    const header = end < 0 ? head : head.slice(0, end);
    return /\nelement[ \t]+chunk[ \t]/.test(header) ? 'compressed-ply' : 'ply';
  }
  if (startsWith(bytes, [0x1f, 0x8b])) return 'spz';
  if (startsWith(bytes, [0x4e, 0x47, 0x53, 0x50])) return 'spz'; // "NGSP": uncompressed v2-3 or v4
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'sog-bundle';
  if (looksLikeKsplat(bytes)) return 'ksplat';
  const json = parseJsonObject(bytes);
  if (json !== undefined) {
    if (isSogMeta(json)) return 'sog';
    throw new SceneFormatError(fileName, 'json', 'JSON file is not a SOG meta.json (no version/count/means/scales/quats/sh0 entries)');
  }
  // No magic: a .splat is recognised by its records (size and plausible values).
  return looksLikeSplat(bytes) ? 'splat' : undefined;
}

/**
 * The format of a splat file, decided by its content: PLY magic (compressed when the header
 * declares a `chunk` element), gzip or "NGSP" (spz), zip (bundled SOG), a ksplat main header,
 * a SOG `meta.json`, or `.splat` records that pass `looksLikeSplat` (it has no magic). When the
 * content is damaged beyond recognition, a `.ksplat`, `.spz`, `.sog` or wrongly sized `.splat`
 * name still picks the reader, so the user learns what is wrong with that file. Anything else
 * throws SceneFormatError naming the file, what its name claims and what the bytes are.
 * `extensionNotice` says when a recognised content disagrees with the name.
 */
export function detectFormat(bytes: Uint8Array, fileName: string): FormatName {
  if (bytes.length === 0) throw new SceneFormatError(fileName, 'unknown', 'file is empty');
  const found = contentFormat(bytes, fileName);
  if (found) return found;
  const byName = extensionFormat(fileName);
  if (byName === 'ksplat' || byName === 'spz' || byName === 'sog-bundle') return byName;
  if (byName === 'splat') {
    if (bytes.length % SPLAT_BYTES_PER_SPLAT !== 0) return 'splat';
    const bad = Math.round((1 - splatPlausibility(bytes)) * 100);
    throw new SceneFormatError(
      fileName,
      'splat',
      `not a .splat file: ${bad}% of its ${bytes.length / SPLAT_BYTES_PER_SPLAT} 32-byte records hold impossible values (non-finite or huge positions, non-positive scales, rotations that are not unit quaternions)`,
    );
  }
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const claim = byName ? `named ${extensionOf(fileName)}, but the content is not ${FORMAT_LABELS[byName]}, nor any other supported format` : 'not a supported format';
  throw new SceneFormatError(
    fileName,
    'unknown',
    `unrecognised content (first bytes ${magic}, ${bytes.length} bytes): ${claim} (ply, compressed ply, spz, SOG, ksplat, .splat)`,
  );
}

/** A notice when the file's extension names another format than its content, else undefined. */
export function extensionNotice(format: FormatName, fileName: string): string | undefined {
  const byName = extensionFormat(fileName);
  if (!byName || extensionAgrees(byName, format)) return undefined;
  return `named ${extensionOf(fileName)}, but the content is ${FORMAT_LABELS[format]}: read as ${FORMAT_LABELS[format]}`;
}

export interface LoadInput {
  /** File name (or URL path) used in messages and as a tie-breaker for detection. */
  name: string;
  bytes: Uint8Array;
  /** Reads a file next to this one (the WebP images of an unbundled SOG `meta.json`). */
  readSibling?: (name: string) => Promise<Uint8Array>;
}

export interface LoadOptions {
  /** Progress of large `.ply` reads (fraction 0..1). Default: none. */
  onProgress?: (fraction: number) => void;
}

/** Detects the format of `input` and decodes it. */
export async function loadScene(input: LoadInput, opts: LoadOptions = {}): Promise<LoadedScene> {
  const format = detectFormat(input.bytes, input.name);
  const loaded = await decode(input, format, opts);
  const notice = extensionNotice(format, input.name);
  if (notice) loaded.warnings.unshift(notice);
  return loaded;
}

async function decode(input: LoadInput, format: FormatName, opts: LoadOptions): Promise<LoadedScene> {
  const { name, bytes } = input;
  try {
    switch (format) {
      case 'ply':
        return await readPly(bytes, name, { onProgress: opts.onProgress });
      case 'compressed-ply':
        return readCompressedPly(bytes, name);
      case 'splat':
        return readSplat(bytes, name);
      case 'ksplat':
        return readKsplat(bytes, name);
      case 'spz':
        return await readSpz(bytes, name);
      case 'sog-bundle':
        return await readSogBundle(bytes, name);
      case 'sog': {
        const readSibling = input.readSibling;
        if (!readSibling) throw new SceneFormatError(name, format, 'an unbundled SOG meta.json needs its WebP images; open the folder or the bundled .sog instead');
        const meta = parseJsonObject(bytes);
        return await readSog({ meta, readFile: readSibling }, name);
      }
    }
  } catch (e) {
    if (e instanceof SceneFormatError) throw e;
    // A decoder library's own error (corrupt gzip, zstd, zip or WebP stream) or a reader bug:
    // still report it against the file, so the viewer keeps the scene it has and says why.
    throw new SceneFormatError(name, format, `could not decode: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** Output format for a file name by its extension, or undefined when we cannot write it. */
export function writeFormatFor(fileName: string): WriteFormat | undefined {
  const f = extensionFormat(fileName);
  if (f === 'ply' || f === 'splat' || f === 'spz') return f;
  if (f === 'sog-bundle') return 'sog';
  return undefined;
}

/**
 * What writing `scene` as `format` loses that changes how it renders, as warnings for the user:
 * `.splat` keeps no SH bands and no anti-aliasing mark, SPZ no 2D filter size (readers then
 * assume 0.3 px^2).
 */
export function writeLosses(scene: SplatScene, format: WriteFormat): string[] {
  const out: string[] = [];
  if (format === 'splat') {
    if (splatDropsSh(scene)) out.push(`.splat keeps only the base colour; SH degree ${scene.shDegree} view-dependent colour is dropped (use .ply, .spz or .sog to keep it)`);
    if (scene.antialiased) out.push('.splat has no anti-aliasing mark; viewers will draw this antialiased scene without its 2D filter (use .ply, .spz or .sog)');
  } else if (format === 'spz' && scene.antialiased && scene.filter2d !== undefined && scene.filter2d !== COV2D_DEFAULT) {
    out.push(`.spz cannot store the 2D filter size ${scene.filter2d} px^2 this scene was trained with; readers will assume ${COV2D_DEFAULT} (use .ply or .sog to keep it)`);
  }
  return out;
}

/**
 * Encodes `scene`: INRIA `.ply` (lossless), `.splat` (DC colour only, 8-bit colour and
 * rotation), `.spz`, or bundled `.sog`.
 */
export async function writeScene(scene: SplatScene, format: WriteFormat): Promise<Uint8Array> {
  switch (format) {
    case 'ply':
      return writePly(scene);
    case 'splat':
      return writeSplat(scene);
    case 'spz':
      return await writeSpz(scene);
    case 'sog':
      return await writeSog(scene);
  }
}
