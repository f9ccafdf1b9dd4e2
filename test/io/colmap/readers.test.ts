import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCamerasBin, readImagesBin, readPoints3DBin } from '../../../src/io/colmap/binary-reader';
import { CAMERA_MODELS, cameraModelById, cameraModelByName } from '../../../src/io/colmap/camera-models';
import { readCamerasTxt, readImagesTxt, readPoints3DTxt } from '../../../src/io/colmap/text-reader';
import { ColmapError } from '../../../src/io/colmap/types';
import { SceneFormatError } from '../../../src/io/scene';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const SPARSE = path.join(DATA, 'colmap/buddha13/sparse/0');
const bin = (f: string) => new Uint8Array(readFileSync(path.join(SPARSE, f)));
const txt = (f: string) => readFileSync(path.join(SPARSE, f), 'utf8');

/** Copy of `bytes` with a little-endian value written at `offset`. */
function patched(bytes: Uint8Array, offset: number, write: (v: DataView) => void): Uint8Array {
  const out = bytes.slice();
  write(new DataView(out.buffer, offset));
  return out;
}

function expectColmapError(fn: () => unknown, file: string, problem: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(ColmapError);
  expect(err).toBeInstanceOf(SceneFormatError);
  const e = err as ColmapError;
  expect(e.file).toBe(file);
  expect(e.message).toContain(file);
  expect(e.problem).toMatch(problem);
}

describe('camera model table', () => {
  it('has COLMAP ids 0-16 with their parameter counts', () => {
    const counts = CAMERA_MODELS.map((m) => [m.id, m.params.length]);
    expect(counts).toEqual([
      [0, 3], [1, 4], [2, 4], [3, 5], [4, 8], [5, 8], [6, 12], [7, 5], [8, 4], [9, 5], [10, 12], [11, 16],
      [12, 4], [13, 5], [14, 3], [15, 4], [16, 6],
    ]);
    expect(cameraModelById(4)?.name).toBe('OPENCV');
    expect(cameraModelByName('simple_radial')?.id).toBe(2);
    expect(cameraModelById(99)).toBeUndefined();
  });
});

describe('buddha13 sparse model', () => {
  it('binary files: exact counts and the documented camera', () => {
    const cams = readCamerasBin(bin('cameras.bin'));
    expect(cams).toHaveLength(1);
    expect(cams[0].model).toBe('PINHOLE');
    expect([cams[0].id, cams[0].width, cams[0].height]).toEqual([1, 684, 385]);
    expect(cams[0].params.map((p) => Number(p.toFixed(2)))).toEqual([465.22, 465.22, 342.19, 193.56]);
    const images = readImagesBin(bin('images.bin'));
    expect(images).toHaveLength(13);
    expect(images[0].name).toBe('00006.jpg');
    expect(images.every((im) => im.cameraId === 1)).toBe(true);
    const pts = readPoints3DBin(bin('points3D.bin'));
    expect(pts.xyz.length).toBe(21402 * 3);
    expect(pts.rgb.length).toBe(21402 * 3);
    // First point as printed in points3D.txt.
    expect(Array.from(pts.xyz.subarray(0, 3))).toEqual(Array.from(Float32Array.of(-2.10303, 0.54475, 1.04368)));
    expect(Array.from(pts.rgb.subarray(0, 3))).toEqual([162, 155, 141]);
  });

  it('.bin and .txt agree value for value', () => {
    const cb = readCamerasBin(bin('cameras.bin'));
    const ct = readCamerasTxt(txt('cameras.txt'));
    expect(ct.map(({ params, ...rest }) => rest)).toEqual(cb.map(({ params, ...rest }) => rest));
    // cameras.txt prints 6 decimals: agreement to half a unit in the last digit.
    for (let a = 0; a < 4; a++) expect(Math.abs(ct[0].params[a] - cb[0].params[a])).toBeLessThanOrEqual(5e-7);
    const ib = readImagesBin(bin('images.bin'));
    const it_ = readImagesTxt(txt('images.txt'));
    expect(it_.map((i) => [i.id, i.name, i.cameraId])).toEqual(ib.map((i) => [i.id, i.name, i.cameraId]));
    // images.txt prints 12 decimals, so poses agree to 5e-13 (half a unit in the last digit).
    for (let i = 0; i < ib.length; i++) {
      for (let a = 0; a < 4; a++) expect(Math.abs(it_[i].qvec[a] - ib[i].qvec[a])).toBeLessThanOrEqual(5e-13);
      for (let a = 0; a < 3; a++) expect(Math.abs(it_[i].tvec[a] - ib[i].tvec[a])).toBeLessThanOrEqual(5e-13);
    }
    const pb = readPoints3DBin(bin('points3D.bin'));
    const pt = readPoints3DTxt(txt('points3D.txt'));
    // Both are stored as f32, and the binary's f64 values are the printed decimals, so exact.
    expect(pt.xyz).toEqual(pb.xyz);
    expect(pt.rgb).toEqual(pb.rgb);
  });
});

describe('malformed binary files', () => {
  const cams = bin('cameras.bin');
  const images = bin('images.bin');
  const points = bin('points3D.bin');

  it('truncated files name the byte offset and the field', () => {
    expectColmapError(() => readCamerasBin(cams.subarray(0, cams.length - 5), 'c.bin'), 'c.bin', /^truncated at byte 56: PINHOLE parameter cy needs 8 bytes, 3 left$/);
    const cut = images.length - 3;
    expectColmapError(() => readImagesBin(images.subarray(0, cut), 'i.bin'), 'i.bin', new RegExp(`^truncated at byte ${cut - 5}: 2D point count of image 13 \\(00065\\.jpg\\) needs 8 bytes, 5 left$`));
    // buddha13 points have no tracks, so any cut is caught by the count check up front.
    expectColmapError(() => readPoints3DBin(points.subarray(0, points.length - 1), 'p.bin'), 'p.bin', /^point count at byte 0 is 21402, which needs at least 1091502 bytes, but only 1091501 follow/);
    expectColmapError(() => readPoints3DBin(points.subarray(0, 4), 'p.bin'), 'p.bin', /truncated at byte 0: point count needs 8 bytes, 4 left/);
    // Cut early, the record count itself no longer fits the bytes, which is reported first.
    expectColmapError(() => readImagesBin(images.subarray(0, 100), 'i.bin'), 'i.bin', /^image count at byte 0 is 13, which needs at least 949 bytes, but only 92 follow/);
  });

  it('a record count that does not match the bytes is refused before allocating', () => {
    const huge = patched(points, 0, (v) => v.setBigUint64(0, 1n << 40n, true));
    expectColmapError(() => readPoints3DBin(huge, 'p.bin'), 'p.bin', /point count at byte 0 is 1099511627776, which needs at least/);
    const tooFew = patched(cams, 0, (v) => v.setBigUint64(0, 0n, true));
    expectColmapError(() => readCamerasBin(tooFew, 'c.bin'), 'c.bin', /56 bytes left after the 0 records/);
    const tooManyImages = patched(images, 0, (v) => v.setBigUint64(0, 14n, true));
    expectColmapError(() => readImagesBin(tooManyImages, 'i.bin'), 'i.bin', /image count at byte 0 is 14|truncated/);
    const absurd = patched(images, 0, (v) => v.setBigUint64(0, 0xffffffffffffffffn, true));
    expectColmapError(() => readImagesBin(absurd, 'i.bin'), 'i.bin', /implausibly large/);
  });

  it('unknown model id', () => {
    // u64 count, u32 camera id, then i32 model id at byte 12.
    const bad = patched(cams, 12, (v) => v.setInt32(0, 42, true));
    expectColmapError(() => readCamerasBin(bad, 'c.bin'), 'c.bin', /camera 1 .*unknown camera model id 42/);
  });

  it('a model id with more parameters runs out of bytes', () => {
    const opencv = patched(cams, 12, (v) => v.setInt32(0, 4, true));
    expectColmapError(() => readCamerasBin(opencv, 'c.bin'), 'c.bin', /truncated at byte 64: OPENCV parameter k1/);
  });

  it('a name without its NUL terminator', () => {
    // One image: its fixed fields and the 9 characters of '00006.jpg', cut before the NUL.
    const one = patched(images.slice(0, 8 + 64 + 9), 0, (v) => v.setBigUint64(0, 1n, true));
    expectColmapError(() => readImagesBin(one, 'i.bin'), 'i.bin', /^truncated at byte 72: image name has no terminating NUL byte$/);
  });

  it('a 2D point count past the end', () => {
    // The first image's name '00006.jpg' ends at 8 + 64 + 10; its u64 point count follows.
    const bad = patched(images, 82, (v) => v.setBigUint64(0, 1000n, true));
    expectColmapError(() => readImagesBin(bad, 'i.bin'), 'i.bin', /2D point count of image 1 \(00006\.jpg\) at byte 82 is 1000/);
  });

  it('a non-finite point coordinate', () => {
    const bad = patched(points, 8 + 8, (v) => v.setFloat64(0, NaN, true));
    expectColmapError(() => readPoints3DBin(bad, 'p.bin'), 'p.bin', /point 0 has a non-finite coordinate/);
  });
});

describe('text files', () => {
  it('malformed cameras.txt', () => {
    expectColmapError(() => readCamerasTxt('1 FANCY 10 10 1 2 3', 'c.txt'), 'c.txt', /line 1: unknown camera model 'FANCY'/);
    expectColmapError(() => readCamerasTxt('# x\n1 PINHOLE 10 10 1 2 3', 'c.txt'), 'c.txt', /line 2: PINHOLE takes 4 parameters .* got 3/);
    expectColmapError(() => readCamerasTxt('1 PINHOLE 10 ten 1 2 3 4', 'c.txt'), 'c.txt', /line 1: bad height 'ten'/);
    expectColmapError(() => readCamerasTxt('1 PINHOLE 10 10 1 2 3 4x', 'c.txt'), 'c.txt', /line 1: bad parameter cy '4x'/);
  });

  it('malformed images.txt and points3D.txt', () => {
    expectColmapError(() => readImagesTxt('1 1 0 0 0 0 0 0 1', 'i.txt'), 'i.txt', /line 1: expected IMAGE_ID .* got 9 tokens/);
    expectColmapError(() => readImagesTxt('1 1 0 0 zero 0 0 0 1 a.jpg\n\n', 'i.txt'), 'i.txt', /line 1: bad quaternion component 'zero'/);
    expectColmapError(() => readPoints3DTxt('1 0 0 0 300 0 0 0', 'p.txt'), 'p.txt', /line 1: bad colour '300'/);
    expectColmapError(() => readPoints3DTxt('1 0 0 0 1 2 3 0 7', 'p.txt'), 'p.txt', /line 1: expected POINT3D_ID .* got 9 tokens/);
    expectColmapError(() => readPoints3DTxt('1 0 0 nan 1 2 3 0', 'p.txt'), 'p.txt', /line 1: bad coordinate 'nan'/);
  });

  it('images.txt lines are classified, so a dropped points line or spaces in names still parse', () => {
    const text = [
      '# comment',
      '1 1 0 0 0 1 2 3 7 a.jpg',
      '10.5 20.5 -1 11 12 3',
      '2 0.5 0.5 0.5 0.5 0 0 0 7 sub/b c.png',
      '3 1 0 0 0 0 0 1 8 c.jpg',
      '',
      '4 1 0 0 0 0 0 2 8 d.jpg',
    ].join('\n');
    const images = readImagesTxt(text);
    expect(images.map((i) => [i.id, i.name, i.cameraId])).toEqual([
      [1, 'a.jpg', 7],
      [2, 'sub/b c.png', 7],
      [3, 'c.jpg', 8],
      [4, 'd.jpg', 8],
    ]);
    expect(images[0].tvec).toEqual([1, 2, 3]);
    expect(images[1].qvec).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});
