/**
 * Readers for COLMAP's binary sparse model (`cameras.bin`, `images.bin`, `points3D.bin`),
 * 3dgs-reference.md §8.1-8.3. Everything is little-endian and unaligned, so every field is read
 * through a DataView at a byte offset; every count is checked against the bytes left before
 * anything is allocated, so a corrupt header gives an error instead of a huge allocation.
 */
import { cameraModelById } from './camera-models';
import { type ColmapCamera, ColmapError, type ColmapImage, type ColmapPoints } from './types';

/** Sequential little-endian reader whose every read is bounds-checked. */
class ByteReader {
  private readonly view: DataView;
  offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }

  fail(problem: string): never {
    throw new ColmapError(this.file, problem);
  }

  private need(n: number, what: string): number {
    if (n > this.remaining) {
      this.fail(`truncated at byte ${this.offset}: ${what} needs ${n} bytes, ${this.remaining} left`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }
  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  i32(what: string): number {
    return this.view.getInt32(this.need(4, what), true);
  }
  f64(what: string): number {
    return this.view.getFloat64(this.need(8, what), true);
  }
  /** u64 as a number; values past 2^53 cannot be a real count or size here. */
  u64(what: string): number {
    const at = this.offset;
    const v = this.view.getBigUint64(this.need(8, what), true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} at byte ${at} is implausibly large (${v})`);
    return Number(v);
  }
  /** Skips a u64 whose value does not matter (ids that may be 2^64 - 1). */
  skip(n: number, what: string): void {
    this.need(n, what);
  }

  /** A record count followed by records of at least `minRecordBytes` each. */
  count(what: string, minRecordBytes: number): number {
    const at = this.offset;
    const n = this.u64(what);
    if (n * minRecordBytes > this.remaining) {
      this.fail(
        `${what} at byte ${at} is ${n}, which needs at least ${n * minRecordBytes} bytes, but only ${this.remaining} follow (truncated or corrupt)`,
      );
    }
    return n;
  }

  /** NUL-terminated UTF-8 string. */
  cstring(what: string): string {
    const start = this.offset;
    const end = this.bytes.indexOf(0, start);
    if (end < 0) this.fail(`truncated at byte ${start}: ${what} has no terminating NUL byte`);
    this.offset = end + 1;
    return new TextDecoder().decode(this.bytes.subarray(start, end));
  }

  /** Every file ends exactly after its last record; extra bytes mean the count is wrong. */
  expectEnd(records: number): void {
    if (this.remaining !== 0) {
      this.fail(`${this.remaining} bytes left after the ${records} records the header announces (wrong count or corrupt file)`);
    }
  }
}

const CAMERA_HEADER_BYTES = 24;
const IMAGE_MIN_BYTES = 64 + 1 + 8;
const POINT_MIN_BYTES = 43 + 8;

export function readCamerasBin(bytes: Uint8Array, file = 'cameras.bin'): ColmapCamera[] {
  const r: ByteReader = new ByteReader(bytes, file);
  const n = r.count('camera count', CAMERA_HEADER_BYTES);
  const cameras: ColmapCamera[] = [];
  for (let i = 0; i < n; i++) {
    const at = r.offset;
    const id = r.u32('camera id');
    const modelId = r.i32('model id');
    const model = cameraModelById(modelId);
    if (!model) r.fail(`camera ${id} (record at byte ${at}) has unknown camera model id ${modelId}`);
    const width = r.u64('width');
    const height = r.u64('height');
    const params: number[] = [];
    for (let p = 0; p < model.params.length; p++) params.push(r.f64(`${model.name} parameter ${model.params[p]}`));
    cameras.push({ id, model: model.name, width, height, params });
  }
  r.expectEnd(n);
  return cameras;
}

export function readImagesBin(bytes: Uint8Array, file = 'images.bin'): ColmapImage[] {
  const r: ByteReader = new ByteReader(bytes, file);
  const n = r.count('image count', IMAGE_MIN_BYTES);
  const images: ColmapImage[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.u32('image id');
    const qvec = [r.f64('qw'), r.f64('qx'), r.f64('qy'), r.f64('qz')];
    const tvec = [r.f64('tx'), r.f64('ty'), r.f64('tz')];
    const cameraId = r.u32('camera id');
    const name = r.cstring('image name');
    const observations = r.count(`2D point count of image ${id} (${name})`, 24);
    r.skip(observations * 24, '2D points');
    images.push({ id, name, qvec, tvec, cameraId });
  }
  r.expectEnd(n);
  return images;
}

export function readPoints3DBin(bytes: Uint8Array, file = 'points3D.bin'): ColmapPoints {
  const r: ByteReader = new ByteReader(bytes, file);
  const n = r.count('point count', POINT_MIN_BYTES);
  const xyz = new Float32Array(n * 3);
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    r.skip(8, 'point id');
    for (let a = 0; a < 3; a++) {
      const v = r.f64('xyz');
      if (!Number.isFinite(v)) r.fail(`point ${i} has a non-finite coordinate (${v})`);
      xyz[i * 3 + a] = v;
    }
    for (let a = 0; a < 3; a++) rgb[i * 3 + a] = r.u8('rgb');
    r.skip(8, 'reprojection error');
    const track = r.count(`track length of point ${i}`, 8);
    r.skip(track * 8, 'track');
  }
  r.expectEnd(n);
  return { xyz, rgb };
}
