/**
 * PlayCanvas SOG: splat attributes as lossless WebP textures (splat i at pixel i, row-major)
 * described by a `meta.json`; unbundled (loose files) or bundled (`.sog`, a zip of them).
 *   - means: 16 bits per axis split over `means_l` (low byte) and `means_u` (high byte), a lerp
 *     between mins/maxs of sign(x) * ln(|x| + 1).
 *   - quats: "smallest three" in RGB (component * sqrt 2 mapped to 0..255), A = 252 + index of
 *     the dropped largest component in w, x, y, z order.
 *   - scales (RGB) and sh0 colour (RGB): v2 indexes a 256-entry codebook; v1 lerps per-channel
 *     mins/maxs. sh0 alpha is the opacity: v2 sigmoid byte, v1 a lerp of the logit.
 *   - shN: a palette of SH vectors (`shN_centroids`, 64 entries per row, each `shCoeffs` pixels
 *     wide, RGB per coefficient) selected per splat by a 16-bit label (`shN_labels` R + G * 256).
 *     v2 pixels index a codebook; v1 pixels lerp scalar mins/maxs.
 * Axes are those of INRIA `.ply` (splat-transform writes them unchanged), so no flip.
 */
import { unzipSync } from 'fflate';
import { type LoadedScene, MAX_FILTER2D, SceneFormatError, emptyScene, isFilter2d, shCoeffCount } from '../scene';
import { keepFiniteSplats, logitFromUnit } from './splat';
import { type RgbaImage, type WebpDecoder, WEBP_MAX_SIDE, defaultWebpDecoder, webpSize } from './webp-codec';

export { writeSog } from './sog-write';

const FORMAT = 'sog';
/** More splats than any browser can hold as f32 parameters; larger counts are corrupt metadata. */
export const SOG_MAX_SPLATS = 1 << 24;
/** Deflate cannot expand data more than ~1032x. */
const DEFLATE_MAX_RATIO = 1032;
/** Biggest file accepted from a bundle: a 16383^2 RGBA WebP cannot need more. */
const MAX_BUNDLE_ENTRY_BYTES = 1 << 30;

export interface SogSource {
  /** The parsed meta.json. */
  meta: unknown;
  /** Bytes of a file named in meta.json (relative to meta.json). */
  readFile(name: string): Promise<Uint8Array>;
}

export interface ReadSogOptions {
  /** WebP decoder; default: the platform decoder in browsers, libwebp wasm in Node. */
  decodeWebp?: WebpDecoder;
}

type Fail = (problem: string) => never;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a SOG meta.json (v1: `means.shape`; v2: `version` and `count`), judged by its fields. */
export function isSogMeta(json: unknown): boolean {
  if (!isObj(json) || !isObj(json.means) || !isObj(json.quats) || !isObj(json.scales) || !isObj(json.sh0)) return false;
  if (!Array.isArray(json.means.files)) return false;
  return json.version === undefined ? Array.isArray(json.means.shape) : typeof json.count === 'number';
}

/** Decodes an unbundled SOG (meta.json plus its WebP files). */
export async function readSog(source: SogSource, file: string, opts: ReadSogOptions = {}): Promise<LoadedScene> {
  const fail: Fail = (problem) => {
    throw new SceneFormatError(file, FORMAT, problem);
  };
  const meta = source.meta;
  if (!isObj(meta)) fail('meta.json is not a JSON object');
  const m = meta as Obj;
  const version = m.version === undefined ? 1 : m.version;
  if (version !== 1 && version !== 2) fail(`unsupported SOG version ${JSON.stringify(m.version)} (expected 1 or 2)`);
  const section = (name: string, required: boolean): Obj | undefined => {
    const s = m[name];
    if (s === undefined && !required) return undefined;
    if (!isObj(s)) fail(`meta.json has no '${name}' object`);
    return s as Obj;
  };
  const means = section('means', true)!;
  const quats = section('quats', true)!;
  const scales = section('scales', true)!;
  const sh0 = section('sh0', true)!;
  const shN = section('shN', false);

  const count = version === 2 ? m.count : Array.isArray(means.shape) ? means.shape[0] : undefined;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) fail(`splat count ${JSON.stringify(count)} is not a non-negative integer`);
  const n = count as number;
  if (n === 0) fail('meta.json declares 0 splats');
  if (n > SOG_MAX_SPLATS) fail(`meta.json declares ${n} splats, more than the ${SOG_MAX_SPLATS} supported`);

  const decode = opts.decodeWebp ?? defaultWebpDecoder();
  /**
   * Decodes `key.files[index]` after checking its header size: at least `minPixels`, at most
   * `maxPixels` (writers round sides up to multiples of 4 or powers of two, under 4x the pixels
   * plus a few rows for tiny scenes; far more means count and image disagree).
   */
  const image = async (s: Obj, key: string, index: number, minPixels: number, maxPixels = 4 * minPixels + 1024, exactWidth?: number): Promise<RgbaImage> => {
    const files = s.files;
    const name = Array.isArray(files) ? files[index] : undefined;
    if (typeof name !== 'string') fail(`meta.json '${key}.files[${index}]' is not a file name`);
    let bytes: Uint8Array;
    try {
      bytes = await source.readFile(name as string);
    } catch (e) {
      return fail(`cannot read '${name}': ${(e as Error).message}`);
    }
    const size = webpSize(bytes);
    if (!size) fail(`'${name}' is not a WebP image (${bytes.length} bytes)`);
    const { width, height } = size!;
    if (width > WEBP_MAX_SIDE || height > WEBP_MAX_SIDE) fail(`'${name}' is ${width}x${height}, beyond WebP's ${WEBP_MAX_SIDE}-pixel sides`);
    if (width * height < minPixels) fail(`'${name}' is ${width}x${height} = ${width * height} pixels, fewer than the ${minPixels} needed`);
    if (width * height > maxPixels) fail(`'${name}' is ${width}x${height}, far larger than the ${minPixels} pixels needed: count and image disagree`);
    if (exactWidth !== undefined && width !== exactWidth) fail(`'${name}' is ${width} pixels wide, expected ${exactWidth}`);
    let img: RgbaImage;
    try {
      img = await decode(bytes);
    } catch (e) {
      return fail(`corrupt WebP '${name}': ${(e as Error).message}`);
    }
    if (img.width !== width || img.height !== height || img.rgba.length !== width * height * 4) {
      fail(`'${name}' decoded to ${img.width}x${img.height}, its header says ${width}x${height}`);
    }
    return img;
  };
  const numbers = (s: Obj, key: string, field: string, length: number): number[] => {
    const v = s[field];
    const arr = length === 1 && typeof v === 'number' ? [v] : v;
    if (!Array.isArray(arr) || arr.length !== length || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail(`meta.json '${key}.${field}' must be ${length === 1 ? 'a finite number' : `${length} finite numbers`}`);
    }
    return arr as number[];
  };
  const codebook = (s: Obj, key: string): Float32Array => new Float32Array(numbers(s, key, 'codebook', 256));

  let degree = 0;
  let paletteCount = 0;
  if (shN) {
    if (version === 2) {
      degree = shN.bands as number;
      paletteCount = shN.count as number;
      if (![1, 2, 3].includes(degree)) fail(`meta.json 'shN.bands' ${JSON.stringify(shN.bands)} is not 1, 2 or 3`);
      if (!Number.isInteger(paletteCount) || paletteCount < 1 || paletteCount > 65536) fail(`meta.json 'shN.count' ${JSON.stringify(shN.count)} is not 1..65536`);
    }
  }
  const warnings: string[] = [];

  // Means.
  const meansMin = numbers(means, 'means', 'mins', 3);
  const meansMax = numbers(means, 'means', 'maxs', 3);
  const lo = (await image(means, 'means', 0, n)).rgba;
  const hi = (await image(means, 'means', 1, n)).rgba;

  // SH rest: decoded before the scene is allocated because v1 infers the degree from the palette width.
  let centroids: RgbaImage | null = null;
  let labels: Uint8Array | null = null;
  if (shN) {
    if (version === 1) {
      // At most 65536 palette entries: 1024 rows of 64.
      centroids = await image(shN, 'shN', 0, 1, 960 * 1024);
      degree = ({ 192: 1, 512: 2, 960: 3 } as Record<number, number>)[centroids.width] ?? 0;
      if (degree === 0) fail(`'shN' palette is ${centroids.width} pixels wide; expected 192, 512 or 960 (64 entries of 3, 8 or 15 coefficients)`);
      paletteCount = (centroids.width / (shCoeffCount(degree) - 1)) * centroids.height;
    } else {
      const width = 64 * (shCoeffCount(degree) - 1);
      const pixels = Math.ceil(paletteCount / 64) * width;
      centroids = await image(shN, 'shN', 0, pixels, pixels + 4 * width, width);
    }
    labels = (await image(shN, 'shN', 1, n)).rgba;
  }

  const scene = emptyScene(n, degree);
  const k3 = shCoeffCount(degree) * 3;
  for (let a = 0; a < 3; a++) {
    const span = meansMax[a] - meansMin[a] || 1;
    for (let i = 0; i < n; i++) {
      const t = meansMin[a] + (span * (lo[i * 4 + a] | (hi[i * 4 + a] << 8))) / 65535;
      // Inverse of sign(x) * ln(|x| + 1), which spends the 16 bits more finely near the origin.
      scene.means[i * 3 + a] = Math.sign(t) * (Math.exp(Math.abs(t)) - 1);
    }
  }

  // Quaternions.
  const q = (await image(quats, 'quats', 0, n)).rgba;
  let badTags = 0;
  for (let i = 0; i < n; i++) {
    const tag = q[i * 4 + 3];
    const o = i * 4;
    if (tag < 252) {
      badTags++;
      scene.quats.set([1, 0, 0, 0], o);
      continue;
    }
    const largest = tag - 252;
    let ss = 0;
    for (let a = 0, p = 0; a < 4; a++) {
      if (a === largest) continue;
      const v = ((q[o + p] / 255) * 2 - 1) * Math.SQRT1_2;
      scene.quats[o + a] = v;
      ss += v * v;
      p++;
    }
    scene.quats[o + largest] = Math.sqrt(Math.max(0, 1 - ss));
  }
  if (badTags > 0) warnings.push(`${badTags} splats had no valid rotation tag (alpha below 252); set to identity`);

  // Scales.
  const s = (await image(scales, 'scales', 0, n)).rgba;
  if (version === 2) {
    const book = codebook(scales, 'scales');
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) scene.logScales[i * 3 + a] = book[s[i * 4 + a]];
  } else {
    const lo3 = numbers(scales, 'scales', 'mins', 3);
    const hi3 = numbers(scales, 'scales', 'maxs', 3);
    for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) scene.logScales[i * 3 + a] = lo3[a] + ((hi3[a] - lo3[a]) * s[i * 4 + a]) / 255;
  }

  // Colour and opacity.
  const c = (await image(sh0, 'sh0', 0, n)).rgba;
  if (version === 2) {
    const book = codebook(sh0, 'sh0');
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < 3; a++) scene.sh[i * k3 + a] = book[c[i * 4 + a]];
      scene.opacityLogits[i] = logitFromUnit(c[i * 4 + 3] / 255);
    }
  } else {
    const lo4 = numbers(sh0, 'sh0', 'mins', 4);
    const hi4 = numbers(sh0, 'sh0', 'maxs', 4);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < 3; a++) scene.sh[i * k3 + a] = lo4[a] + ((hi4[a] - lo4[a]) * c[i * 4 + a]) / 255;
      scene.opacityLogits[i] = lo4[3] + ((hi4[3] - lo4[3]) * c[i * 4 + 3]) / 255;
    }
  }

  if (shN && centroids && labels) {
    const coeffs = shCoeffCount(degree) - 1;
    let value: (b: number) => number;
    if (version === 2) {
      const book = codebook(shN, 'shN');
      value = (b) => book[b];
    } else {
      const [min] = numbers(shN, 'shN', 'mins', 1);
      const [max] = numbers(shN, 'shN', 'maxs', 1);
      value = (b) => min + ((max - min) * b) / 255;
    }
    const cw = centroids.width;
    const cp = centroids.rgba;
    for (let i = 0; i < n; i++) {
      const label = labels[i * 4] | (labels[i * 4 + 1] << 8);
      if (label >= paletteCount) fail(`splat ${i} uses SH palette entry ${label}, but the palette has ${paletteCount}`);
      const base = (Math.floor(label / 64) * cw + (label % 64) * coeffs) * 4;
      for (let j = 0; j < coeffs; j++) {
        for (let a = 0; a < 3; a++) scene.sh[i * k3 + (j + 1) * 3 + a] = value(cp[base + j * 4 + a]);
      }
    }
  }
  const kept = keepFiniteSplats(scene, warnings, file, FORMAT);
  if (m.antialiased === true) kept.antialiased = true;
  if (m.filter2d !== undefined) {
    if (!isFilter2d(m.filter2d)) warnings.push(`meta.json 'filter2d' ${JSON.stringify(m.filter2d)} is not a 2D filter size in [0, ${MAX_FILTER2D}] px^2; drawn with the default 0.3`);
    else if (kept.antialiased) kept.filter2d = m.filter2d;
  }
  return { scene: kept, format: FORMAT, warnings };
}

/** Decodes a bundled `.sog` (a zip holding meta.json and the WebP files). */
export async function readSogBundle(bytes: Uint8Array, file: string, opts: ReadSogOptions = {}): Promise<LoadedScene> {
  const fail: Fail = (problem) => {
    throw new SceneFormatError(file, FORMAT, problem);
  };
  if (bytes.length < 22) fail(`file is ${bytes.length} bytes, too short for a zip archive`);
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b || bytes[2] !== 0x03 || bytes[3] !== 0x04) {
    fail(`wrong magic: a bundled SOG is a zip (50 4b 03 04), found ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        // Sizes come from the archive itself: refuse before fflate allocates them.
        const limit = f.compression === 0 ? f.size : Math.min(MAX_BUNDLE_ENTRY_BYTES, f.size * DEFLATE_MAX_RATIO);
        if (f.originalSize > limit || f.originalSize > MAX_BUNDLE_ENTRY_BYTES) throw new Error(`entry '${f.name}' declares ${f.originalSize} bytes from ${f.size}`);
        return true;
      },
    });
  } catch (e) {
    return fail(`corrupt zip archive: ${(e as Error).message}`);
  }
  const metaName = Object.keys(entries).find((k) => k === 'meta.json' || k.endsWith('/meta.json'));
  if (metaName === undefined) fail(`zip holds no meta.json (entries: ${Object.keys(entries).slice(0, 8).join(', ') || 'none'})`);
  const dir = metaName!.slice(0, metaName!.length - 'meta.json'.length);
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(entries[metaName!]));
  } catch (e) {
    return fail(`meta.json is not valid JSON: ${(e as Error).message}`);
  }
  const readFile = async (name: string): Promise<Uint8Array> => {
    const entry = entries[dir + name];
    if (!entry) throw new Error('not in the zip archive');
    return entry;
  };
  return readSog({ meta, readFile }, file, opts);
}
