/** Test images for the loss tests: random, noisy copies, and crops of a real photo. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { rng } from './compare';

const DATA = path.resolve(__dirname, '../../../shared/data');

export function randomImage(width: number, height: number, seed: number): Float32Array {
  const r = rng(seed);
  const img = new Float32Array(width * height * 4);
  for (let i = 0; i < img.length; i++) img[i] = i % 4 === 3 ? 1 : r();
  return img;
}

/** target + uniform noise of amplitude `amp`, some values leaving [0, 1] (the loss does not clamp). */
export function noisy(target: Float32Array, amp: number, seed: number): Float32Array {
  const r = rng(seed);
  return target.map((v, i) => (i % 4 === 3 ? 0.5 : v + amp * (2 * r() - 1)));
}

/** A width x height crop of buddha13 image 00007, box-downsampled by `factor`, as RGBA f32 in [0, 1]. */
export function photoCrop(width: number, height: number, factor: number, x0: number, y0: number): Float32Array {
  const jpg = jpeg.decode(readFileSync(path.join(DATA, 'colmap/buddha13/images/00007.jpg')), { useTArray: true });
  if (x0 + width * factor > jpg.width || y0 + height * factor > jpg.height) throw new Error('photo crop outside the image');
  const out = new Float32Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < factor; dy++) {
          for (let dx = 0; dx < factor; dx++) s += jpg.data[((y0 + y * factor + dy) * jpg.width + x0 + x * factor + dx) * 4 + c];
        }
        out[(y * width + x) * 4 + c] = s / (255 * factor * factor);
      }
      out[(y * width + x) * 4 + 3] = 1;
    }
  }
  return out;
}
