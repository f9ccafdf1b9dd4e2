/**
 * JPEG and PNG decoding in Node (the browser uses createImageBitmap): jpeg-js and fast-png,
 * both pure JS. Output is RGBA8 whatever the source layout (grey, grey+alpha, RGB, palette,
 * 16-bit), so callers handle one format.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';

export interface DecodedImage {
  width: number;
  height: number;
  /** [height, width, 4] RGBA8. */
  data: Uint8Array;
}

const isPng = (b: Uint8Array) => b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Decodes a JPEG or PNG by its signature; throws naming `file` for anything else or corrupt data. */
export function decodeImageNode(bytes: Uint8Array, file: string): DecodedImage {
  let out: DecodedImage;
  try {
    if (isJpeg(bytes)) {
      // Limits raised from jpeg-js's defaults (100 MP, 512 MB) so large photos decode.
      const img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 500, maxMemoryUsageInMB: 4096 });
      out = { width: img.width, height: img.height, data: img.data };
    } else if (isPng(bytes)) {
      out = pngToRgba(bytes);
    } else {
      throw new Error('not a JPEG or PNG file (unrecognised signature)');
    }
  } catch (e) {
    throw new Error(`${file}: cannot decode image: ${(e as Error).message}`);
  }
  if (!(out.width > 0 && out.height > 0) || out.data.length !== out.width * out.height * 4) {
    throw new Error(`${file}: cannot decode image: decoder returned ${out.data.length} bytes for ${out.width}x${out.height}`);
  }
  return out;
}

function pngToRgba(bytes: Uint8Array): DecodedImage {
  const png = decodePng(bytes);
  const { width, height } = png;
  const n = width * height;
  let data = png.data;
  let channels = png.channels;
  if (!png.palette && png.depth < 8) {
    data = unpackLowBitGrey(png.data as Uint8Array, width, height, png.depth);
    channels = 1;
  } else if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
    if (data.length === n * 4) channels = 4;
    else if (data.length === n * 3) channels = 3;
  }
  // 16-bit samples keep their high byte.
  const shift = png.depth === 16 ? 8 : 0;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const grey = channels <= 2;
    const r = data[s] >> shift;
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = grey ? r : data[s + 1] >> shift;
    rgba[i * 4 + 2] = grey ? r : data[s + 2] >> shift;
    rgba[i * 4 + 3] = channels === 2 || channels === 4 ? data[s + channels - 1] >> shift : 255;
  }
  return { width, height, data: rgba };
}

/** 1/2/4-bit greyscale rows are bit-packed (MSB first, rows byte-aligned); expands to 8-bit. */
function unpackLowBitGrey(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      const v = (byte >> (8 - depth - (bit & 7))) & max;
      out[y * width + x] = Math.round((v * 255) / max);
    }
  }
  return out;
}
