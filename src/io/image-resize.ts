/**
 * Area-averaging resize of [H, W, 4] f32 images: each output pixel is the mean of the input
 * area it covers, with fractional weights at the edges. For downscaling this is the
 * alias-free box filter (what Pillow calls BOX and ImageMagick "-scale"); the reference uses
 * bicubic, which is slightly sharper but overshoots. Upscaling degenerates to near-nearest
 * sampling, so callers only downscale.
 */

/** Per output index: the first input index and the weights of the inputs it covers (sum 1). */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  /** Flat weights; output o uses weights[offset[o] .. offset[o] + count[o]). */
  offset: Int32Array;
  weights: Float64Array;
}

function axisWeights(srcSize: number, dstSize: number): AxisWeights {
  const scale = srcSize / dstSize;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const offset = new Int32Array(dstSize);
  const list: number[] = [];
  for (let o = 0; o < dstSize; o++) {
    const a = o * scale;
    const b = Math.min((o + 1) * scale, srcSize);
    const first = Math.floor(a);
    const last = Math.min(Math.ceil(b), srcSize) - 1;
    start[o] = first;
    count[o] = last - first + 1;
    offset[o] = list.length;
    for (let s = first; s <= last; s++) {
      list.push((Math.min(b, s + 1) - Math.max(a, s)) / (b - a));
    }
  }
  return { start, count, offset, weights: Float64Array.from(list) };
}

/** Resizes `image` ([height, width, 4] f32) to [dstHeight, dstWidth, 4] by area averaging. */
export function resizeImage(
  image: Float32Array,
  width: number,
  height: number,
  dstWidth: number,
  dstHeight: number,
): Float32Array {
  if (image.length !== width * height * 4) {
    throw new Error(`resizeImage: image holds ${image.length} floats, expected ${width}x${height}x4`);
  }
  if (!(Number.isInteger(dstWidth) && Number.isInteger(dstHeight) && dstWidth >= 1 && dstHeight >= 1)) {
    throw new Error(`resizeImage: bad target size ${dstWidth}x${dstHeight}`);
  }
  if (dstWidth === width && dstHeight === height) return image.slice();
  const wx = axisWeights(width, dstWidth);
  const wy = axisWeights(height, dstHeight);
  // Horizontal pass first into a [height, dstWidth, 4] buffer (float64 accumulators per pixel).
  const mid = new Float32Array(height * dstWidth * 4);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let o = 0; o < dstWidth; o++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      const w0 = wx.offset[o];
      for (let k = 0; k < wx.count[o]; k++) {
        const w = wx.weights[w0 + k];
        const p = row + (wx.start[o] + k) * 4;
        r += w * image[p];
        g += w * image[p + 1];
        b += w * image[p + 2];
        a += w * image[p + 3];
      }
      const q = (y * dstWidth + o) * 4;
      mid[q] = r;
      mid[q + 1] = g;
      mid[q + 2] = b;
      mid[q + 3] = a;
    }
  }
  const out = new Float32Array(dstHeight * dstWidth * 4);
  const rowLen = dstWidth * 4;
  const acc = new Float64Array(rowLen);
  for (let o = 0; o < dstHeight; o++) {
    acc.fill(0);
    const w0 = wy.offset[o];
    for (let k = 0; k < wy.count[o]; k++) {
      const w = wy.weights[w0 + k];
      const src = (wy.start[o] + k) * rowLen;
      for (let x = 0; x < rowLen; x++) acc[x] += w * mid[src + x];
    }
    out.set(acc, o * rowLen);
  }
  return out;
}
