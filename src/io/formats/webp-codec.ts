/**
 * WebP decoding and lossless encoding for SOG textures, pluggable so the SOG logic is the same
 * everywhere: a decoder is any `(bytes) => Promise<RgbaImage>`.
 *   - Browser: `createImageBitmap` + `OffscreenCanvas.getImageData` (platform decoder). A 2-D
 *     canvas may store premultiplied alpha, which is lossless only where alpha = 255, so images
 *     with any other alpha are decoded again with the wasm decoder.
 *   - Node (and the browser fallback): libwebp compiled to wasm, from `@jsquash/webp`.
 * Encoding is always the wasm libwebp encoder in lossless, `exact` mode (RGB kept under alpha 0).
 */
import webpDecFactory from '@jsquash/webp/codec/dec/webp_dec.js';
import webpEncFactory from '@jsquash/webp/codec/enc/webp_enc.js';
import { defaultOptions as webpDefaultEncodeOptions } from '@jsquash/webp/meta.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** [height, width, 4] u8 RGBA, row-major, not premultiplied. */
  rgba: Uint8Array;
}

export type WebpDecoder = (bytes: Uint8Array) => Promise<RgbaImage>;

/** Largest WebP side (14-bit width/height fields). */
export const WEBP_MAX_SIDE = 16383;

/**
 * Width and height from the RIFF header (lossy VP8, lossless VP8L or extended VP8X), without
 * decoding, so callers can check sizes before any pixel memory is allocated. Null if the bytes
 * are not a recognisable WebP.
 */
export function webpSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 30) return null;
  const tag = (o: number) => String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WEBP') return null;
  const chunk = tag(12);
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
  }
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: (b[26] | (b[27] << 8)) & 0x3fff, height: (b[28] | (b[29] << 8)) & 0x3fff };
  }
  return null;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The wasm binary read from node_modules in Node; undefined in a browser, where the emscripten
 * glue fetches it next to itself (the bundler copies it).
 */
async function wasmBinary(file: string): Promise<Uint8Array | undefined> {
  if (!isNode()) return undefined;
  const { createRequire } = await nodeBuiltin<typeof import('node:module')>('node:module');
  const { readFile } = await nodeBuiltin<typeof import('node:fs/promises')>('node:fs/promises');
  return new Uint8Array(await readFile(createRequire(import.meta.url).resolve(`@jsquash/webp/codec/${file}`)));
}

/**
 * A Node built-in without a dynamic import where Node allows it (>= 20.16): the CLI runs under
 * vite's module runner, which is closed once the entry has loaded, so an `import()` made later
 * (the first SOG read or write) would fail. The name is a parameter so browser bundlers never
 * try to resolve it.
 */
async function nodeBuiltin<T>(name: string): Promise<T> {
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (get) return get(name) as T;
  return (await import(/* @vite-ignore */ name)) as T;
}

type DecModule = Awaited<ReturnType<typeof webpDecFactory>>;
type EncModule = Awaited<ReturnType<typeof webpEncFactory>>;
let decModule: Promise<DecModule> | null = null;
let encModule: Promise<EncModule> | null = null;

function loadDecoder(): Promise<DecModule> {
  decModule ??= wasmBinary('dec/webp_dec.wasm').then((wasm) => webpDecFactory({ noInitialRun: true, ...(wasm ? { wasmBinary: wasm } : {}) }));
  return decModule;
}

function loadEncoder(): Promise<EncModule> {
  encModule ??= wasmBinary('enc/webp_enc.wasm').then((wasm) => webpEncFactory({ noInitialRun: true, ...(wasm ? { wasmBinary: wasm } : {}) }));
  return encModule;
}

/** libwebp (wasm) decoder: exact RGBA for lossless images in every environment. */
export const wasmWebpDecoder: WebpDecoder = async (bytes) => {
  const module = await loadDecoder();
  let image: ImageData | null;
  try {
    image = module.decode(bytes);
  } catch (e) {
    throw new Error(`WebP decoder failed: ${(e as Error).message}`);
  }
  if (!image) throw new Error('not a decodable WebP image');
  const data = image.data as unknown as Uint8Array | Uint8ClampedArray;
  return { width: image.width, height: image.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
};

/** Platform decoder for browsers; falls back to wasm where alpha < 255 makes the canvas lossy. */
export const browserWebpDecoder: WebpDecoder = async (bytes) => {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart], { type: 'image/webp' }), {
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return await wasmWebpDecoder(bytes);
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 255) return await wasmWebpDecoder(bytes);
    return { width: bitmap.width, height: bitmap.height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
};

/** The platform decoder where the browser APIs exist, libwebp wasm otherwise. */
export function defaultWebpDecoder(): WebpDecoder {
  const browser = typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function' && !isNode();
  return browser ? browserWebpDecoder : wasmWebpDecoder;
}

/** Lossless WebP of an RGBA image; `exact` keeps RGB under alpha 0 (SOG stores data there). */
export async function encodeWebpLossless(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const module = await loadEncoder();
  // Effort 4 of 6 (libwebp's default): within a few percent of the smallest file, much faster.
  const out = module.encode(rgba, width, height, { ...webpDefaultEncodeOptions, lossless: 1, exact: 1, quality: 75, method: 4 });
  if (!out) throw new Error(`WebP encoder failed on a ${width}x${height} image`);
  return new Uint8Array(out);
}
