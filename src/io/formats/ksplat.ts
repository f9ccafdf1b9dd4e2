/**
 * mkkellogg GaussianSplats3D `.ksplat` (SplatBuffer, version 0.x), compression levels 0, 1, 2.
 *
 * Layout, little-endian:
 *   main header, 4096 bytes: u8 major (0), u8 minor (>= 1), u32@4 maxSectionCount,
 *     u32@8 sectionCount, u32@12 maxSplatCount, u32@16 splatCount, u16@20 compression level,
 *     f32@24 x3 scene centre, f32@36 / f32@40 SH range for level 2 (0 = default -1.5 / 1.5).
 *   maxSectionCount section headers, 1024 bytes each: u32@0 splatCount, u32@4 maxSplatCount,
 *     u32@8 bucketSize, u32@12 bucketCount, f32@16 bucketBlockSize, u16@20 bucketStorageSize,
 *     u32@24 quantisation range (0 = 32767), u32@32 fullBucketCount,
 *     u32@36 partiallyFilledBucketCount, u16@40 SH degree.
 *   then per section: u32 x partiallyFilledBucketCount bucket lengths, bucketCount buckets of
 *     bucketStorageSize bytes (f32 x3 centre first), maxSplatCount splat records.
 * Splat record: centre (level 0: f32 x3; else u16 x3 relative to its bucket centre), scale
 * (linear; f32 or f16 x3), rotation w x y z (f32 or f16), RGBA u8 x4 (the `.splat` colour
 * convention), SH rest (f32, f16, or u8 over the header's range) in band-major, channel-minor
 * blocks: band 1 as R0..2 G0..2 B0..2, band 2 as R0..4 G0..4 B0..4, band 3 likewise.
 * Axes match the INRIA `.ply` (no flip), as in @playcanvas/splat-transform's reader.
 */
import { type LoadedScene, SceneFormatError, emptyScene, shCoeffCount } from '../scene';
import { dcFromByte, keepFiniteSplats, logitFromUnit } from './splat';

const FORMAT = 'ksplat';
export const KSPLAT_HEADER_BYTES = 4096;
export const KSPLAT_SECTION_HEADER_BYTES = 1024;
const DEFAULT_QUANT_RANGE = 32767;
const DEFAULT_SH_MIN = -1.5;
const DEFAULT_SH_MAX = 1.5;
/** Bytes of (centre, scale, rotation, colour) and per SH component, by compression level. */
const LEVELS = [
  { center: 12, scale: 12, rotation: 16, color: 4, shComponent: 4 },
  { center: 6, scale: 6, rotation: 8, color: 4, shComponent: 2 },
  { center: 6, scale: 6, rotation: 8, color: 4, shComponent: 1 },
] as const;
/**
 * An f16 scale of 0 means "below f16 resolution", not a degenerate splat: read it as half the
 * smallest f16 subnormal (2^-25) so it stays a tiny but finite log-scale.
 */
const F16_ZERO_SCALE_LOG = -25 * Math.LN2;

interface Section {
  splatCount: number;
  degree: number;
  bucketSize: number;
  bucketCount: number;
  fullBuckets: number;
  partialBuckets: number;
  bucketStorage: number;
  positionScale: number;
  quantRange: number;
  /** Byte offsets into the file. */
  partialLengthsAt: number;
  bucketsAt: number;
  splatsAt: number;
  bytesPerSplat: number;
}

/** True when `bytes` starts like a ksplat main header whose sections fit the file. */
export function looksLikeKsplat(bytes: Uint8Array): boolean {
  if (bytes.length < KSPLAT_HEADER_BYTES + KSPLAT_SECTION_HEADER_BYTES) return false;
  const v = new DataView(bytes.buffer, bytes.byteOffset, KSPLAT_HEADER_BYTES);
  const maxSections = v.getUint32(4, true);
  return (
    bytes[0] === 0 &&
    bytes[1] >= 1 &&
    bytes[1] < 16 &&
    v.getUint16(20, true) <= 2 &&
    maxSections >= 1 &&
    KSPLAT_HEADER_BYTES + maxSections * KSPLAT_SECTION_HEADER_BYTES <= bytes.length
  );
}

/** Decodes a `.ksplat` file; every size is checked against the file before anything is allocated. */
export function readKsplat(bytes: Uint8Array, file: string): LoadedScene {
  const fail = (problem: string): never => {
    throw new SceneFormatError(file, FORMAT, problem);
  };
  if (bytes.length < KSPLAT_HEADER_BYTES) fail(`file is ${bytes.length} bytes, smaller than the ${KSPLAT_HEADER_BYTES}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[0];
  const minor = bytes[1];
  if (major !== 0 || minor < 1) fail(`unsupported version ${major}.${minor} (expected 0.1 or later 0.x)`);
  const maxSections = view.getUint32(4, true);
  const splatCount = view.getUint32(16, true);
  const level = view.getUint16(20, true);
  if (level > 2) fail(`unknown compression level ${level} (expected 0, 1 or 2)`);
  if (splatCount === 0) fail('header says 0 splats');
  const dataStart = KSPLAT_HEADER_BYTES + maxSections * KSPLAT_SECTION_HEADER_BYTES;
  if (dataStart > bytes.length) {
    fail(`header claims ${maxSections} sections, whose headers alone need ${dataStart} bytes; file has ${bytes.length}`);
  }
  let shMin = view.getFloat32(36, true) || DEFAULT_SH_MIN;
  let shMax = view.getFloat32(40, true) || DEFAULT_SH_MAX;
  if (level !== 2) {
    shMin = DEFAULT_SH_MIN;
    shMax = DEFAULT_SH_MAX;
  } else if (!(shMax > shMin) || !Number.isFinite(shMax - shMin)) {
    fail(`invalid SH range [${shMin}, ${shMax}] for compression level 2`);
  }

  const L = LEVELS[level];
  const sections: Section[] = [];
  let at = dataStart;
  let total = 0;
  let degree = 0;
  for (let s = 0; s < maxSections; s++) {
    const h = KSPLAT_HEADER_BYTES + s * KSPLAT_SECTION_HEADER_BYTES;
    const sec = parseSection(view, h, at, level, L, bytes.length, (p) => fail(`section ${s}: ${p}`));
    total += sec.splatCount;
    if (sec.splatCount > 0) degree = Math.max(degree, sec.degree);
    sections.push(sec);
    at = sec.splatsAt + view.getUint32(h + 4, true) * sec.bytesPerSplat;
  }
  if (total !== splatCount) fail(`header says ${splatCount} splats but its sections hold ${total}`);

  const scene = emptyScene(total, degree);
  let out = 0;
  for (const sec of sections) {
    decodeSection(view, sec, level, L, shMin, shMax, scene, out, (p) => fail(p));
    out += sec.splatCount;
  }
  const warnings: string[] = [];
  return { scene: keepFiniteSplats(scene, warnings, file, FORMAT), format: FORMAT, warnings };
}

function parseSection(
  view: DataView,
  h: number,
  at: number,
  level: number,
  L: (typeof LEVELS)[number],
  fileSize: number,
  fail: (problem: string) => never,
): Section {
  const splatCount = view.getUint32(h, true);
  const maxSplats = view.getUint32(h + 4, true);
  const bucketSize = view.getUint32(h + 8, true);
  const bucketCount = view.getUint32(h + 12, true);
  const blockSize = view.getFloat32(h + 16, true);
  const bucketStorage = view.getUint16(h + 20, true);
  const quantRange = view.getUint32(h + 24, true) || DEFAULT_QUANT_RANGE;
  const fullBuckets = view.getUint32(h + 32, true);
  const partialBuckets = view.getUint32(h + 36, true);
  const degree = view.getUint16(h + 40, true);
  if (splatCount > maxSplats) fail(`holds ${splatCount} splats but has room for ${maxSplats}`);
  if (degree > 3) fail(`SH degree ${degree} (at most 3)`);
  const shComponents = (shCoeffCount(degree) - 1) * 3;
  const bytesPerSplat = L.center + L.scale + L.rotation + L.color + shComponents * L.shComponent;
  const partialLengthsAt = at;
  const bucketsAt = at + partialBuckets * 4;
  const splatsAt = bucketsAt + bucketCount * bucketStorage;
  const end = splatsAt + maxSplats * bytesPerSplat;
  if (end > fileSize) fail(`needs bytes up to ${end} (buckets and ${maxSplats} splat records of ${bytesPerSplat} bytes); file has ${fileSize}: truncated`);
  if (level > 0 && splatCount > 0) {
    // Quantised centres are offsets from a bucket centre, so the bucket table must cover them.
    if (bucketStorage < 12) fail(`bucket storage of ${bucketStorage} bytes cannot hold a centre (12 bytes)`);
    if (bucketSize === 0) fail('bucket size 0');
    if (fullBuckets + partialBuckets > bucketCount) fail(`${fullBuckets} full + ${partialBuckets} partial buckets exceed the ${bucketCount} stored`);
    if (!(blockSize > 0) || !Number.isFinite(blockSize)) fail(`invalid bucket block size ${blockSize}`);
    let covered = fullBuckets * bucketSize;
    for (let p = 0; p < partialBuckets && covered < splatCount; p++) covered += view.getUint32(partialLengthsAt + p * 4, true);
    if (covered < splatCount) fail(`buckets cover ${covered} splats but the section holds ${splatCount}`);
  }
  return {
    splatCount,
    degree,
    bucketSize,
    bucketCount,
    fullBuckets,
    partialBuckets,
    bucketStorage,
    positionScale: blockSize / 2 / quantRange,
    quantRange,
    partialLengthsAt,
    bucketsAt,
    splatsAt,
    bytesPerSplat,
  };
}

function decodeSection(
  view: DataView,
  sec: Section,
  level: number,
  L: (typeof LEVELS)[number],
  shMin: number,
  shMax: number,
  scene: ReturnType<typeof emptyScene>,
  first: number,
  fail: (problem: string) => never,
): void {
  const { means, logScales, quats, opacityLogits, sh } = scene;
  const k3 = shCoeffCount(scene.shDegree) * 3;
  const shComponents = (shCoeffCount(sec.degree) - 1) * 3;
  const scaleAt = L.center;
  const rotAt = scaleAt + L.scale;
  const colorAt = rotAt + L.rotation;
  const shAt = colorAt + L.color;
  const fullSplats = sec.fullBuckets * sec.bucketSize;
  let partial = 0;
  let partialBase = fullSplats;
  let partialLen = sec.partialBuckets > 0 ? view.getUint32(sec.partialLengthsAt, true) : 0;
  const f = level === 0 ? (o: number) => view.getFloat32(o, true) : (o: number) => halfToFloat(view.getUint16(o, true));
  const fStep = level === 0 ? 4 : 2;
  for (let j = 0; j < sec.splatCount; j++) {
    const i = first + j;
    const o = sec.splatsAt + j * sec.bytesPerSplat;
    if (level === 0) {
      for (let a = 0; a < 3; a++) means[i * 3 + a] = view.getFloat32(o + a * 4, true);
    } else {
      let bucket: number;
      if (j < fullSplats) {
        bucket = Math.floor(j / sec.bucketSize);
      } else {
        // Partially filled buckets follow the full ones, each with its own stored length.
        while (j >= partialBase + partialLen) {
          partialBase += partialLen;
          partial++;
          if (partial >= sec.partialBuckets) fail(`splat ${i} lies past the last partially filled bucket`);
          partialLen = view.getUint32(sec.partialLengthsAt + partial * 4, true);
        }
        bucket = sec.fullBuckets + partial;
      }
      const c = sec.bucketsAt + bucket * sec.bucketStorage;
      for (let a = 0; a < 3; a++) {
        const q = view.getUint16(o + a * 2, true);
        means[i * 3 + a] = (q - sec.quantRange) * sec.positionScale + view.getFloat32(c + a * 4, true);
      }
    }
    for (let a = 0; a < 3; a++) {
      const s = f(o + scaleAt + a * fStep);
      logScales[i * 3 + a] = level > 0 && s === 0 ? F16_ZERO_SCALE_LOG : Math.log(s);
      sh[i * k3 + a] = dcFromByte(view.getUint8(o + colorAt + a));
    }
    opacityLogits[i] = logitFromUnit(view.getUint8(o + colorAt + 3) / 255);
    let norm = 0;
    for (let a = 0; a < 4; a++) {
      const q = f(o + rotAt + a * fStep);
      quats[i * 4 + a] = q;
      norm += q * q;
    }
    if (norm === 0) quats[i * 4] = 1;
    for (let c = 0; c < shComponents; c++) {
      const p = o + shAt + c * L.shComponent;
      const v = level === 0 ? view.getFloat32(p, true) : level === 1 ? halfToFloat(view.getUint16(p, true)) : shMin + (view.getUint8(p) / 255) * (shMax - shMin);
      sh[i * k3 + shIndexOfComponent(c)] = v;
    }
  }
}

/** Position in a [K, 3] coefficient-major SH row of stored rest component `c` (band-major, then channel). */
export function shIndexOfComponent(c: number): number {
  // Bands 1, 2, 3 hold 3, 5, 7 coefficients per channel and start at coefficients 1, 4, 9.
  let bandStart = 0;
  let coeffBase = 1;
  for (let width = 3; width <= 7; width += 2) {
    if (c < bandStart + 3 * width) {
      const r = c - bandStart;
      const channel = Math.floor(r / width);
      return (coeffBase + (r % width)) * 3 + channel;
    }
    bandStart += 3 * width;
    coeffBase += width;
  }
  throw new RangeError(`SH component ${c} out of range`);
}

/** IEEE 754 binary16 to number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
