/**
 * Niantic `.spz`: quantised splats in one of two containers.
 *   - versions 1-3: a gzip stream (or, rarely, the bare payload) holding a 16-byte header
 *     (magic "NGSP", version, count, shDegree, fractionalBits, flags, reserved) followed by
 *     per-attribute arrays: positions, alphas, colours, scales, rotations, SH.
 *   - version 4: an uncompressed 32-byte header (adds numStreams and tocByteOffset), optional
 *     extension records, a table of (compressed, uncompressed) u64 sizes, then one zstd frame
 *     per attribute array in the same order.
 * Attribute encodings: positions 24-bit signed fixed point with `fractionalBits` (v1: float16),
 * alpha = sigmoid byte, colour = f_dc * 0.15 + 0.5 as a byte, log-scale = byte / 16 - 10,
 * rotation xyz with w >= 0 in three bytes (v1, v2) or "smallest three" in a u32 (v3+), SH
 * rest coefficients (b - 128) / 128, coefficient-major with RGB inner (as our `sh`).
 * SPZ stores RUB axes (x right, y up, z back); our scenes are RDF like INRIA `.ply`, so y and z
 * flip, which is a 180-degree rotation about x: quaternion y, z and odd SH terms change sign.
 */
import { gunzipSync, gzipSync, Gunzip } from 'fflate';
import { decompress as zstdDecompress } from 'fzstd';
import { type LoadedScene, type SplatScene, SceneFormatError, emptyScene, shCoeffCount } from '../scene';
import { halfToFloat } from './ksplat';
import { logitFromUnit } from './splat';
import { crc32 } from '../crc32';

const FORMAT = 'spz';
const MAGIC = 0x5053474e; // "NGSP" little-endian
const LEGACY_HEADER_BYTES = 16;
const V4_HEADER_BYTES = 32;
const V4_TOC_ENTRY_BYTES = 16;
/** Niantic's reader refuses more points than this; files beyond it are not interoperable. */
export const SPZ_MAX_SPLATS = 10_000_000;
/** DC colour is stored scaled by 0.15 rather than SH_C0 so values slightly outside 0..1 survive. */
const COLOR_SCALE = 0.15;
/** Deflate cannot expand data more than ~1032x, so a larger declared gzip size is corrupt. */
const DEFLATE_MAX_RATIO = 1032;
/** A zstd block holds at most 128 KiB and costs at least a 3-byte header, bounding expansion. */
const ZSTD_MAX_RATIO = Math.ceil((128 * 1024) / 3);
/** The version written: v3 (gzip) is read by Niantic's current library and by older viewers. */
export const SPZ_WRITE_VERSION = 3;
const WRITE_FRACTIONAL_BITS = 12;
/** Niantic's default SH precision: 5 bits for band 1, 4 bits for bands 2-3 (bucket sizes). */
const SH1_BUCKET = 1 << (8 - 5);
const SH_REST_BUCKET = 1 << (8 - 4);

/**
 * Sign of SH coefficient k (0 = DC) under (x, y, z) -> (x, -y, -z): a basis polynomial
 * x^a y^b z^c changes sign when b + c is odd. Bands 1-3 in the INRIA basis order:
 * y z x | xy yz (3z^2-1) xz (x^2-y^2) | y(3x^2-y^2) xyz y(5z^2-1) z(5z^2-3) x(5z^2-1) z(x^2-y^2) x(x^2-3y^2).
 */
const SH_FLIP = [1, -1, -1, 1, -1, 1, 1, -1, 1, -1, 1, -1, -1, 1, -1, 1];

/** Number of SH rest coefficients per channel stored for SPZ degree d (SPZ allows up to 4). */
const SPZ_SH_DIM = [0, 3, 8, 15, 24];

interface SpzHeader {
  version: number;
  count: number;
  shDegree: number;
  fractionalBits: number;
  flags: number;
}

/** Byte sizes of the attribute arrays, in file order: positions, alphas, colours, scales, rotations, SH. */
function attributeSizes(h: SpzHeader): number[] {
  const n = h.count;
  const sizes = [n * (h.version === 1 ? 6 : 9), n, n * 3, n * 3, n * (h.version >= 3 ? 4 : 3)];
  if (h.shDegree > 0) sizes.push(n * SPZ_SH_DIM[h.shDegree] * 3);
  return sizes;
}

/** True when `bytes` starts like an SPZ file: "NGSP" directly, or a gzip stream that inflates to it. */
export function isSpz(bytes: Uint8Array): boolean {
  if (bytes.length >= 8 && readU32(bytes, 0) === MAGIC) return true;
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return false;
  let head: Uint8Array | null = null;
  try {
    const g = new Gunzip((chunk) => {
      if (!head) head = chunk;
    });
    // A few KiB of deflate input always yields the first 4 output bytes for a real file.
    g.push(bytes.subarray(0, Math.min(bytes.length, 4096)), false);
  } catch {
    return false;
  }
  const h = head as Uint8Array | null;
  return h !== null && h.length >= 4 && readU32(h, 0) === MAGIC;
}

/** Decodes an `.spz` file (versions 1-4). Throws SceneFormatError naming the problem. */
export async function readSpz(bytes: Uint8Array, file: string): Promise<LoadedScene> {
  const fail = (problem: string): never => {
    throw new SceneFormatError(file, FORMAT, problem);
  };
  if (bytes.length < 4) fail(`file is ${bytes.length} bytes, too short for an SPZ header`);
  const warnings: string[] = [];
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const payload = gunzip(bytes, fail);
    if (payload.length < 4 || readU32(payload, 0) !== MAGIC) fail(`gzip payload does not start with 'NGSP' (found ${hex(payload, 4)})`);
    const header = parseLegacyHeader(payload, fail);
    return { scene: decodeLegacy(payload, header, warnings, fail), format: FORMAT, warnings };
  }
  if (readU32(bytes, 0) !== MAGIC) fail(`wrong magic: expected gzip (1f 8b) or 'NGSP', found ${hex(bytes, 4)}`);
  if (bytes.length >= 8 && readU32(bytes, 4) === 4) {
    return { scene: decodeV4(bytes, warnings, fail), format: FORMAT, warnings };
  }
  // Versions 1-3 without gzip: some tools (e.g. splat-transform test fixtures) store the bare payload.
  const header = parseLegacyHeader(bytes, fail);
  return { scene: decodeLegacy(bytes, header, warnings, fail), format: FORMAT, warnings };
}

function gunzip(bytes: Uint8Array, fail: (p: string) => never): Uint8Array {
  if (bytes.length < 18) fail(`gzip stream is ${bytes.length} bytes, too short to be complete`);
  // fflate allocates the size in the gzip trailer up front; a corrupt trailer must not make it allocate gigabytes.
  const declared = readU32(bytes, bytes.length - 4);
  if (declared > bytes.length * DEFLATE_MAX_RATIO) {
    fail(`corrupt gzip stream: trailer declares ${declared} bytes, impossible from ${bytes.length} compressed bytes (truncated file?)`);
  }
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    return fail(`corrupt gzip stream: ${(e as Error).message}`);
  }
  // fflate does not check the trailer; a flipped bit in a stored or literal run would otherwise decode silently.
  if (out.length !== declared || crc32(out) !== readU32(bytes, bytes.length - 8)) {
    fail('corrupt gzip stream: CRC or length in the trailer does not match the data');
  }
  return out;
}

function checkCommonHeader(h: SpzHeader, fail: (p: string) => never): void {
  if (h.count === 0) fail('header declares 0 splats');
  if (h.count > SPZ_MAX_SPLATS) fail(`header declares ${h.count} splats, more than the ${SPZ_MAX_SPLATS} an SPZ reader accepts`);
  if (h.shDegree > 4) fail(`unsupported SH degree ${h.shDegree} (SPZ allows 0..4)`);
  if (h.fractionalBits > 23) fail(`fractionalBits ${h.fractionalBits} leaves no integer bits in a 24-bit position`);
}

function parseLegacyHeader(payload: Uint8Array, fail: (p: string) => never): SpzHeader {
  if (payload.length < LEGACY_HEADER_BYTES) fail(`payload is ${payload.length} bytes, shorter than the ${LEGACY_HEADER_BYTES}-byte header`);
  const h: SpzHeader = {
    version: readU32(payload, 4),
    count: readU32(payload, 8),
    shDegree: payload[12],
    fractionalBits: payload[13],
    flags: payload[14],
  };
  if (h.version < 1 || h.version > 3) fail(`unsupported version ${h.version} in a gzip/legacy container (expected 1..3)`);
  checkCommonHeader(h, fail);
  return h;
}

function decodeLegacy(payload: Uint8Array, h: SpzHeader, warnings: string[], fail: (p: string) => never): SplatScene {
  const sizes = attributeSizes(h);
  const dataBytes = sizes.reduce((a, b) => a + b, 0);
  const available = payload.length - LEGACY_HEADER_BYTES;
  if (available < dataBytes) {
    fail(`truncated: ${h.count} splats need ${dataBytes} bytes of data, the payload holds ${available}`);
  }
  // Extension records (flag 2) sit between header and data; their total length is what is left over.
  const extra = available - dataBytes;
  let offset = LEGACY_HEADER_BYTES;
  if (h.flags & 2) {
    offset += extra;
    warnings.push(`ignored SPZ extension records: ${describeExtensions(payload.subarray(LEGACY_HEADER_BYTES, offset))}`);
  } else if (extra > 0) {
    warnings.push(`ignored ${extra} trailing bytes after ${h.count} splats`);
  }
  const arrays = sizes.map((s) => {
    const a = payload.subarray(offset, offset + s);
    offset += s;
    return a;
  });
  return decodeArrays(h, arrays, warnings);
}

function decodeV4(bytes: Uint8Array, warnings: string[], fail: (p: string) => never): SplatScene {
  if (bytes.length < V4_HEADER_BYTES) fail(`file is ${bytes.length} bytes, shorter than the ${V4_HEADER_BYTES}-byte v4 header`);
  const h: SpzHeader = { version: 4, count: readU32(bytes, 8), shDegree: bytes[12], fractionalBits: bytes[13], flags: bytes[14] };
  checkCommonHeader(h, fail);
  const numStreams = bytes[15];
  const tocOffset = readU32(bytes, 16);
  const expected = attributeSizes(h);
  if (numStreams !== expected.length) fail(`header declares ${numStreams} streams; SH degree ${h.shDegree} needs ${expected.length}`);
  if (tocOffset < V4_HEADER_BYTES) fail(`table of contents offset ${tocOffset} lies inside the header`);
  const tocEnd = tocOffset + numStreams * V4_TOC_ENTRY_BYTES;
  if (tocEnd > bytes.length) fail(`truncated: table of contents ends at byte ${tocEnd}, file is ${bytes.length} bytes`);
  if (tocOffset > V4_HEADER_BYTES) {
    if (!(h.flags & 2)) fail(`${tocOffset - V4_HEADER_BYTES} bytes between header and table of contents, but no extension flag`);
    warnings.push(`ignored SPZ extension records: ${describeExtensions(bytes.subarray(V4_HEADER_BYTES, tocOffset))}`);
  }
  let at = tocEnd;
  const arrays: Uint8Array[] = [];
  for (let s = 0; s < numStreams; s++) {
    const e = tocOffset + s * V4_TOC_ENTRY_BYTES;
    const compressed = readU64(bytes, e);
    const uncompressed = readU64(bytes, e + 8);
    if (uncompressed !== expected[s]) fail(`stream ${s} declares ${uncompressed} bytes; ${h.count} splats need ${expected[s]}`);
    if (at + compressed > bytes.length) fail(`truncated: stream ${s} ends at byte ${at + compressed}, file is ${bytes.length} bytes`);
    if (uncompressed > compressed * ZSTD_MAX_RATIO) fail(`stream ${s} claims ${uncompressed} bytes from ${compressed} compressed bytes, beyond what zstd can encode`);
    const out = new Uint8Array(uncompressed);
    let got: Uint8Array;
    try {
      got = zstdDecompress(bytes.subarray(at, at + compressed), out);
    } catch (err) {
      return fail(`corrupt zstd stream ${s}: ${(err as Error).message}`);
    }
    if (got.length !== uncompressed) fail(`zstd stream ${s} inflated to ${got.length} bytes, expected ${uncompressed}`);
    arrays.push(got);
    at += compressed;
  }
  if (at !== bytes.length) warnings.push(`ignored ${bytes.length - at} trailing bytes after the last stream`);
  return decodeArrays(h, arrays, warnings);
}

function describeExtensions(zone: Uint8Array): string {
  const parts: string[] = [];
  let p = 0;
  while (p + 8 <= zone.length) {
    const type = readU32(zone, p);
    const len = readU32(zone, p + 4);
    parts.push(`0x${type.toString(16).padStart(8, '0')} (${len} bytes)`);
    p += 8 + len;
  }
  return parts.length > 0 ? parts.join(', ') : `${zone.length} unparsed bytes`;
}

/** Turns the attribute arrays into a scene in our (RDF) axes. */
function decodeArrays(h: SpzHeader, arrays: Uint8Array[], warnings: string[]): SplatScene {
  const [positions, alphas, colors, scales, rotations] = arrays;
  const n = h.count;
  const keptDegree = Math.min(h.shDegree, 3);
  if (h.shDegree > 3) warnings.push('SH band 4 dropped: the viewer supports SH degree up to 3');
  const scene = emptyScene(n, keptDegree);
  // Flag bit 1: trained with anti-aliasing; the renderer applies the 2D filter's compensation.
  if (h.flags & 1) scene.antialiased = true;
  const { means, logScales, quats, opacityLogits, sh } = scene;
  const k3 = shCoeffCount(keptDegree) * 3;
  const posScale = 1 / 2 ** h.fractionalBits;
  const flip = [1, -1, -1];
  const q = new Float64Array(4); // xyzw as stored
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      let p: number;
      if (h.version === 1) {
        const o = (i * 3 + a) * 2;
        p = halfToFloat(positions[o] | (positions[o + 1] << 8));
      } else {
        const o = (i * 3 + a) * 3;
        // Shift left then arithmetic right to sign-extend the 24-bit value.
        p = (((positions[o] | (positions[o + 1] << 8) | (positions[o + 2] << 16)) << 8) >> 8) * posScale;
      }
      means[i * 3 + a] = flip[a] * p;
      logScales[i * 3 + a] = scales[i * 3 + a] / 16 - 10;
      sh[i * k3 + a] = (colors[i * 3 + a] / 255 - 0.5) / COLOR_SCALE;
    }
    opacityLogits[i] = logitFromUnit(alphas[i] / 255);
    if (h.version >= 3) unpackSmallestThree(rotations, i * 4, q);
    else unpackFirstThree(rotations, i * 3, q);
    quats[i * 4] = q[3];
    quats[i * 4 + 1] = q[0];
    quats[i * 4 + 2] = -q[1];
    quats[i * 4 + 3] = -q[2];
  }
  if (h.shDegree > 0) {
    const shBytes = arrays[5];
    const dim = SPZ_SH_DIM[h.shDegree];
    const kept = SPZ_SH_DIM[keptDegree];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < kept; j++) {
        const s = SH_FLIP[j + 1];
        for (let c = 0; c < 3; c++) sh[i * k3 + (j + 1) * 3 + c] = (s * (shBytes[(i * dim + j) * 3 + c] - 128)) / 128;
      }
    }
  }
  return scene;
}

function unpackFirstThree(r: Uint8Array, o: number, q: Float64Array): void {
  let ss = 0;
  for (let a = 0; a < 3; a++) {
    q[a] = r[o + a] / 127.5 - 1;
    ss += q[a] * q[a];
  }
  q[3] = Math.sqrt(Math.max(0, 1 - ss));
}

function unpackSmallestThree(r: Uint8Array, o: number, q: Float64Array): void {
  let comp = readU32(r, o);
  const largest = comp >>> 30;
  let ss = 0;
  // Components were packed in ascending order, so the last one sits in the lowest bits.
  for (let a = 3; a >= 0; a--) {
    if (a === largest) continue;
    const mag = comp & 511;
    const neg = (comp >>> 9) & 1;
    comp >>>= 10;
    const v = (Math.SQRT1_2 * mag) / 511;
    q[a] = neg ? -v : v;
    ss += v * v;
  }
  q[largest] = Math.sqrt(Math.max(0, 1 - ss));
}

/**
 * Encodes a scene as SPZ version 3 (gzip). Quantisation: positions 1/4096 (fewer fractional
 * bits when the scene is wider than +-2048), log-scale 1/16, colour and alpha 8-bit, rotation
 * 9 bits per component, SH band 1 five bits and bands 2-3 four bits of a [-1, 1] range.
 */
export async function writeSpz(scene: SplatScene): Promise<Uint8Array> {
  const n = scene.count;
  if (n === 0) throw new Error('writeSpz: the scene has no splats');
  if (n > SPZ_MAX_SPLATS) throw new Error(`writeSpz: ${n} splats exceed the ${SPZ_MAX_SPLATS} SPZ readers accept`);
  const { means, logScales, quats, opacityLogits, sh } = scene;
  const k3 = shCoeffCount(scene.shDegree) * 3;
  let maxAbs = 0;
  for (let i = 0; i < n * 3; i++) {
    const v = Math.abs(means[i]);
    if (!Number.isFinite(v)) throw new Error(`writeSpz: splat ${Math.floor(i / 3)} has a non-finite position`);
    if (v > maxAbs) maxAbs = v;
  }
  const limit = 2 ** 23 - 1;
  let fractionalBits = WRITE_FRACTIONAL_BITS;
  while (fractionalBits > 0 && Math.round(maxAbs * 2 ** fractionalBits) > limit) fractionalBits--;
  if (Math.round(maxAbs) > limit) throw new Error(`writeSpz: position ${maxAbs} exceeds the 24-bit range`);

  const h: SpzHeader = { version: SPZ_WRITE_VERSION, count: n, shDegree: scene.shDegree, fractionalBits, flags: scene.antialiased ? 1 : 0 };
  const sizes = attributeSizes(h);
  const out = new Uint8Array(LEGACY_HEADER_BYTES + sizes.reduce((a, b) => a + b, 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, h.version, true);
  view.setUint32(8, n, true);
  out[12] = h.shDegree;
  out[13] = fractionalBits;
  out[14] = h.flags;
  const starts: number[] = [];
  let at = LEGACY_HEADER_BYTES;
  for (const s of sizes) {
    starts.push(at);
    at += s;
  }
  const [pos, alpha, color, scale, rot, shAt] = starts;
  const flip = [1, -1, -1];
  const posScale = 2 ** fractionalBits;
  const q = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const fixed = Math.round(flip[a] * means[i * 3 + a] * posScale);
      const o = pos + (i * 3 + a) * 3;
      out[o] = fixed & 0xff;
      out[o + 1] = (fixed >> 8) & 0xff;
      out[o + 2] = (fixed >> 16) & 0xff;
      out[scale + i * 3 + a] = toByte((logScales[i * 3 + a] + 10) * 16);
      out[color + i * 3 + a] = toByte(sh[i * k3 + a] * (COLOR_SCALE * 255) + 127.5);
    }
    out[alpha + i] = toByte(255 / (1 + Math.exp(-opacityLogits[i])));
    // To SPZ's xyzw in RUB axes.
    q[0] = quats[i * 4 + 1];
    q[1] = -quats[i * 4 + 2];
    q[2] = -quats[i * 4 + 3];
    q[3] = quats[i * 4];
    view.setUint32(rot + i * 4, packSmallestThree(q), true);
  }
  if (scene.shDegree > 0) {
    const dim = SPZ_SH_DIM[scene.shDegree];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        const bucket = j < 3 ? SH1_BUCKET : SH_REST_BUCKET;
        const s = SH_FLIP[j + 1];
        for (let c = 0; c < 3; c++) out[shAt + (i * dim + j) * 3 + c] = quantizeSh(s * sh[i * k3 + (j + 1) * 3 + c], bucket);
      }
    }
  }
  return gzipSync(out, { level: 9 });
}

function packSmallestThree(q: Float64Array): number {
  const norm = Math.hypot(q[0], q[1], q[2], q[3]);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    q[0] = q[1] = q[2] = 0;
    q[3] = 1;
  } else {
    for (let a = 0; a < 4; a++) q[a] /= norm;
  }
  let largest = 0;
  for (let a = 1; a < 4; a++) if (Math.abs(q[a]) > Math.abs(q[largest])) largest = a;
  // q and -q are the same rotation: make the dropped component positive so its sign need not be stored.
  const negate = q[largest] < 0;
  let comp = largest;
  for (let a = 0; a < 4; a++) {
    if (a === largest) continue;
    const neg = (q[a] < 0) !== negate ? 1 : 0;
    const mag = Math.min(511, Math.floor((511 * Math.abs(q[a])) / Math.SQRT1_2 + 0.5));
    comp = (comp << 10) | (neg << 9) | mag;
  }
  return comp >>> 0;
}

/** Niantic's legacy SH quantiser: 8-bit (x * 128 + 128), then rounded to a multiple of `bucket`. */
function quantizeSh(x: number, bucket: number): number {
  const q = Math.round(x * 128) + 128;
  return toByte(Math.floor((q + bucket / 2) / bucket) * bucket);
}

function toByte(v: number): number {
  const r = Math.round(v);
  // NaN fails the comparison and maps to 0, like an underflow.
  if (!(r > 0)) return 0;
  return r > 255 ? 255 : r;
}

function readU32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/** u64 little-endian as a number; values past 2^53 become Infinity so every size check fails. */
function readU64(b: Uint8Array, o: number): number {
  const hi = readU32(b, o + 4);
  return hi >= 0x200000 ? Infinity : hi * 2 ** 32 + readU32(b, o);
}

function hex(b: Uint8Array, n: number): string {
  return Array.from(b.subarray(0, n), (x) => x.toString(16).padStart(2, '0')).join(' ');
}
