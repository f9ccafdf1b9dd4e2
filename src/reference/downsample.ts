/**
 * Float64 reference of shaders/downsample.wgsl: area-average downsampling of an [H, W, 4] image.
 * Output pixel (ox, oy) is the mean of the source over the rectangle
 * [ox * W / w, (ox + 1) * W / w) x [oy * H / h, (oy + 1) * H / h), each source pixel weighted by
 * the area it shares with that rectangle. Written for clarity: one overlap integral per
 * (output, source) pixel pair in the rectangle's bounding box.
 */
export function downsampleArea(image: ArrayLike<number>, width: number, height: number, dstWidth: number, dstHeight: number): Float64Array {
  if (image.length !== width * height * 4) throw new Error(`downsampleArea: image holds ${image.length} values, expected ${width}x${height}x4`);
  if (!(dstWidth >= 1 && dstHeight >= 1 && dstWidth <= width && dstHeight <= height)) throw new Error(`downsampleArea: ${dstWidth}x${dstHeight} is no downsample of ${width}x${height}`);
  const out = new Float64Array(dstWidth * dstHeight * 4);
  const sx = width / dstWidth;
  const sy = height / dstHeight;
  const overlap = (s: number, a: number, b: number) => Math.max(0, Math.min(b, s + 1) - Math.max(a, s));
  for (let oy = 0; oy < dstHeight; oy++) {
    const ay = oy * sy;
    const by = Math.min((oy + 1) * sy, height);
    for (let ox = 0; ox < dstWidth; ox++) {
      const ax = ox * sx;
      const bx = Math.min((ox + 1) * sx, width);
      const sum = [0, 0, 0, 0];
      let area = 0;
      for (let y = Math.floor(ay); y < Math.ceil(by); y++) {
        for (let x = Math.floor(ax); x < Math.ceil(bx); x++) {
          const w = overlap(x, ax, bx) * overlap(y, ay, by);
          for (let c = 0; c < 4; c++) sum[c] += w * image[(y * width + x) * 4 + c];
          area += w;
        }
      }
      for (let c = 0; c < 4; c++) out[(oy * dstWidth + ox) * 4 + c] = sum[c] / area;
    }
  }
  return out;
}
