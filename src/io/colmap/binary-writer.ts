/**
 * Writers of COLMAP's binary sparse model (`cameras.bin`, `images.bin`, `points3D.bin`), the
 * inverse of binary-reader.ts (3dgs-reference.md §8.1-8.3): little-endian, unaligned records.
 * Images are written without 2D observations and points without tracks (what a synthetic
 * capture knows); the reprojection error is written as 0.
 */
import { cameraModelByName } from './camera-models';
import type { ColmapCamera, ColmapImage, ColmapPoints } from './types';

/** Little-endian appender that grows its buffer by doubling. */
class ByteWriter {
  private bytes = new Uint8Array(1024);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private room(n: number): number {
    if (this.length + n > this.bytes.length) {
      let size = this.bytes.length;
      while (size < this.length + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.bytes.subarray(0, this.length));
      this.bytes = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void {
    const at = this.room(1); // before reading this.view: room() may replace it
    this.view.setUint8(at, v);
  }
  u32(v: number): void {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.room(4);
    this.view.setInt32(at, v, true);
  }
  u64(v: number): void {
    const at = this.room(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  f64(v: number): void {
    const at = this.room(8);
    this.view.setFloat64(at, v, true);
  }
  cstring(s: string): void {
    const utf8 = new TextEncoder().encode(s);
    if (utf8.includes(0)) throw new Error(`COLMAP names cannot hold a NUL byte: ${JSON.stringify(s)}`);
    const at = this.room(utf8.length);
    this.bytes.set(utf8, at);
    this.u8(0);
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export function writeCamerasBin(cameras: ColmapCamera[]): Uint8Array {
  const w = new ByteWriter();
  w.u64(cameras.length);
  for (const c of cameras) {
    const model = cameraModelByName(c.model);
    if (!model) throw new Error(`camera ${c.id}: unknown camera model ${c.model}`);
    if (c.params.length !== model.params.length) throw new Error(`camera ${c.id}: ${c.model} takes ${model.params.length} parameters, got ${c.params.length}`);
    w.u32(c.id);
    w.i32(model.id);
    w.u64(c.width);
    w.u64(c.height);
    for (const p of c.params) w.f64(p);
  }
  return w.result();
}

export function writeImagesBin(images: ColmapImage[]): Uint8Array {
  const w = new ByteWriter();
  w.u64(images.length);
  for (const im of images) {
    w.u32(im.id);
    for (const q of im.qvec) w.f64(q);
    for (const t of im.tvec) w.f64(t);
    w.u32(im.cameraId);
    w.cstring(im.name);
    w.u64(0); // no 2D points
  }
  return w.result();
}

/** Points with ids 1..P, their colours, error 0 and empty tracks. */
export function writePoints3DBin(points: ColmapPoints): Uint8Array {
  const n = points.xyz.length / 3;
  if (points.rgb.length !== n * 3) throw new Error(`points3D: ${n} positions but ${points.rgb.length / 3} colours`);
  const w = new ByteWriter();
  w.u64(n);
  for (let i = 0; i < n; i++) {
    w.u64(i + 1);
    for (let a = 0; a < 3; a++) w.f64(points.xyz[i * 3 + a]);
    for (let a = 0; a < 3; a++) w.u8(points.rgb[i * 3 + a]);
    w.f64(0);
    w.u64(0);
  }
  return w.result();
}

/**
 * Hamilton quaternion [w, x, y, z] (w >= 0) of a row-major rotation matrix: the inverse of
 * dataset.ts qvecToRotation (Shepperd's method: the largest of the four squares is taken first,
 * so no division by a small number).
 */
export function rotationToQvec(R: ArrayLike<number>): [number, number, number, number] {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = Array.from(R);
  const trace = m00 + m11 + m22;
  let q: [number, number, number, number];
  if (trace >= m00 && trace >= m11 && trace >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + trace, 0));
    q = [s / 4, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 >= m11 && m00 >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + m00 - m11 - m22, 0));
    q = [(m21 - m12) / s, s / 4, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 >= m22) {
    const s = 2 * Math.sqrt(Math.max(1 + m11 - m00 - m22, 0));
    q = [(m02 - m20) / s, (m01 + m10) / s, s / 4, (m12 + m21) / s];
  } else {
    const s = 2 * Math.sqrt(Math.max(1 + m22 - m00 - m11, 0));
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, s / 4];
  }
  return q[0] < 0 ? [-q[0], -q[1], -q[2], -q[3]] : q;
}
