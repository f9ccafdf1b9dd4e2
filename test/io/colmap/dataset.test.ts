import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type ColmapDataset, type DatasetSource, type View, loadColmapDataset } from '../../../src/io/colmap/dataset';
import { nodeDirectorySource } from '../../../src/io/colmap/node-source';
import { ColmapError } from '../../../src/io/colmap/types';
import { undistortedCamera } from '../../../src/io/colmap/undistort';
import { zipSource } from '../../../src/io/colmap/zip-source';
import { decodeImageNode } from '../../../src/io/image-decode-node';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const BUDDHA = path.join(DATA, 'colmap/buddha13');
const NAMES = ['00006', '00007', '00010', '00018', '00028', '00042', '00046', '00047', '00049', '00052', '00055', '00060', '00065'].map((n) => `${n}.jpg`);

/** buddha13 as an in-memory file map that tests can corrupt. */
function buddhaFiles(prefix = ''): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const f of readdirSync(path.join(BUDDHA, 'sparse/0'))) files.set(`${prefix}sparse/0/${f}`, new Uint8Array(readFileSync(path.join(BUDDHA, 'sparse/0', f))));
  for (const f of readdirSync(path.join(BUDDHA, 'images'))) files.set(`${prefix}images/${f}`, new Uint8Array(readFileSync(path.join(BUDDHA, 'images', f))));
  return files;
}

function memorySource(files: Map<string, Uint8Array>, name = 'mem'): DatasetSource {
  return {
    name,
    list: () => [...files.keys()],
    read: async (p) => {
      const b = files.get(p);
      if (!b) throw new Error(`no file ${p}`);
      return b;
    },
    decodeImage: async (bytes, p) => decodeImageNode(bytes, p),
  };
}

async function loadError(files: Map<string, Uint8Array>, opts = {}): Promise<ColmapError> {
  try {
    await loadColmapDataset(memorySource(files), opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ColmapError);
    return e as ColmapError;
  }
  throw new Error('expected loadColmapDataset to fail');
}

/** Camera centre -c = R^T t computed by rotating t with the conjugate quaternion (not via R). */
function centreFromQuat(q: number[], t: number[]): number[] {
  const n = Math.hypot(...q);
  const [w, x, y, z] = [q[0] / n, -q[1] / n, -q[2] / n, -q[3] / n];
  // v' = v + 2 w (u x v) + 2 u x (u x v), u = (x, y, z)
  const u = [x, y, z];
  const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const uv = cross(u, t);
  const uuv = cross(u, uv);
  return [0, 1, 2].map((a) => -(t[a] + 2 * w * uv[a] + 2 * uuv[a]));
}

function project(view: View, p: number[]): [number, number, number] {
  const { R, t, fx, fy, cx, cy } = view.camera;
  const c = [0, 1, 2].map((r) => R[r * 3] * p[0] + R[r * 3 + 1] * p[1] + R[r * 3 + 2] * p[2] + t[r]);
  return [(fx * c[0]) / c[2] + cx, (fy * c[1]) / c[2] + cy, c[2]];
}

describe('loadColmapDataset on buddha13', () => {
  let full: ColmapDataset;

  it('loads 13 views at full size with the PINHOLE intrinsics and poses', async () => {
    full = await loadColmapDataset(nodeDirectorySource(BUDDHA));
    expect(full.train.map((v) => v.name)).toEqual(NAMES);
    expect(full.test).toEqual([]);
    expect(full.points.xyz.length).toBe(21402 * 3);
    for (const v of full.train) {
      expect([v.camera.width, v.camera.height]).toEqual([684, 385]);
      expect(v.image.length).toBe(684 * 385 * 4);
      expect(v.camera.fx).toBeCloseTo(465.224202, 5);
      expect(v.camera.cy).toBeCloseTo(193.562714, 5);
    }
    // Pixels are the JPEG's RGB / 255 with alpha 1.
    const jpeg = decodeJpeg(readFileSync(path.join(BUDDHA, 'images/00010.jpg')), { useTArray: true, formatAsRGBA: true });
    const img = full.train[2].image;
    for (const i of [0, 1, 2, 4000, 263339 * 4 + 2]) expect(img[i]).toBe(Math.fround(jpeg.data[i] / 255));
    expect(img[3]).toBe(1);
    // The poses are right: most SfM points project in front of each camera and inside its image.
    for (const v of full.train) {
      let inside = 0;
      for (let i = 0; i < 21402; i += 7) {
        const [u, w, z] = project(v, Array.from(full.points.xyz.subarray(i * 3, i * 3 + 3)));
        if (z > 0 && u >= 0 && u < 684 && w >= 0 && w < 385) inside++;
      }
      expect(inside / Math.ceil(21402 / 7)).toBeGreaterThan(0.5);
    }
    // Extent: 1.1 * max distance of the camera centres from their mean, centres from the quaternions.
    const text = readFileSync(path.join(BUDDHA, 'sparse/0/images.txt'), 'utf8').split('\n').filter((l) => /\.jpg$/.test(l.trim()));
    const centres = text.map((l) => {
      const t = l.trim().split(/\s+/).map(Number);
      return centreFromQuat(t.slice(1, 5), t.slice(5, 8));
    });
    const mean = [0, 1, 2].map((a) => centres.reduce((s, c) => s + c[a], 0) / centres.length);
    const maxDist = Math.max(...centres.map((c) => Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2])));
    // images.txt has 12 decimals: agreement to 1e-9.
    expect(Math.abs(full.extent - 1.1 * maxDist)).toBeLessThan(1e-9);
  });

  it('resolution K divides sizes and intrinsics; maxSide caps the longer side', async () => {
    const half = await loadColmapDataset(memorySource(buddhaFiles()), { resolution: 2 });
    const v = half.train[0];
    const f = full.train[0].camera;
    expect([v.camera.width, v.camera.height]).toEqual([342, 193]); // round(684 / 2), round(385 / 2)
    expect(v.image.length).toBe(342 * 193 * 4);
    expect(v.camera.fx).toBeCloseTo(f.fx / 2, 9);
    expect(v.camera.cx).toBeCloseTo(f.cx / 2, 9);
    expect(v.camera.fy).toBeCloseTo((f.fy * 193) / 385, 9);
    expect(v.camera.cy).toBeCloseTo((f.cy * 193) / 385, 9);
    expect(v.camera.R).toEqual(f.R);
    // First output pixel averages the 2 x (385/193) input footprint: check the red channel.
    const src = full.train[0].image;
    const sy = 385 / 193;
    const px = (x: number, y: number) => src[(y * 684 + x) * 4];
    const want = (px(0, 0) + px(1, 0) + (px(0, 1) + px(1, 1)) * (sy - 1)) / (2 * sy);
    expect(v.image[0]).toBeCloseTo(want, 5);
    const eighth = await loadColmapDataset(memorySource(buddhaFiles()), { resolution: 8 });
    expect([eighth.train[0].camera.width, eighth.train[0].camera.height]).toEqual([86, 48]);
    const capped = await loadColmapDataset(memorySource(buddhaFiles()), { maxSide: 400 });
    expect([capped.train[0].camera.width, capped.train[0].camera.height]).toEqual([400, 225]);
    expect(capped.train[0].camera.fx).toBeCloseTo((f.fx * 400) / 684, 9);
  }, 60_000);

  it('eval split holds out sorted indices 0 and 8', async () => {
    const ds = await loadColmapDataset(memorySource(buddhaFiles()), { evalSplit: true, resolution: 8 });
    expect(ds.test.map((v) => v.name)).toEqual([NAMES[0], NAMES[8]]);
    expect(ds.train.map((v) => v.name)).toEqual(NAMES.filter((_, i) => i % 8 !== 0));
    // Extent from training cameras only.
    expect(ds.extent).not.toBe(full.extent);
  });

  it('reads a zip with one top folder and .txt-only models', async () => {
    const files = buddhaFiles('buddha13/');
    for (const f of ['cameras', 'images', 'points3D']) files.delete(`buddha13/sparse/0/${f}.bin`);
    files.set('__MACOSX/buddha13/sparse/0/._cameras.txt', new Uint8Array([1, 2, 3]));
    const zip = zipSync(Object.fromEntries(files), { level: 0 });
    const ds = await loadColmapDataset(zipSource(zip, 'buddha13.zip', async (b, p) => decodeImageNode(b, p)), { resolution: 4 });
    expect(ds.train.map((v) => v.name)).toEqual(NAMES);
    // Poses from images.txt (12 decimals) against images.bin.
    for (let i = 0; i < 9; i++) expect(ds.train[5].camera.R[i]).toBeCloseTo(full.train[5].camera.R[i], 11);
    expect(ds.points.xyz).toEqual(full.points.xyz);
    expect(() => zipSource(new Uint8Array([1, 2, 3, 4]), 'bad.zip', async (b, p) => decodeImageNode(b, p))).toThrow(/bad\.zip.*not a readable zip/);
  }, 60_000);
});

describe('loadColmapDataset errors name the file and the problem', () => {
  it('missing sparse model', async () => {
    const files = buddhaFiles();
    for (const k of [...files.keys()]) if (k.startsWith('sparse/')) files.delete(k);
    const e = await loadError(files);
    expect(e.file).toBe('mem');
    expect(e.problem).toMatch(/no COLMAP sparse model found/);
    const partial = buddhaFiles();
    partial.delete('sparse/0/points3D.bin');
    partial.delete('sparse/0/points3D.txt');
    expect((await loadError(partial)).message).toMatch(/mem\/sparse\/0\/.*missing points3D\.bin\/\.txt/);
  });

  it('images listed but absent are named', async () => {
    const files = buddhaFiles();
    files.delete('images/00018.jpg');
    files.delete('images/00060.jpg');
    const e = await loadError(files);
    expect(e.file).toBe('mem/images/');
    expect(e.problem).toMatch(/2 of 13 images listed in sparse\/0\/images\.bin are missing: 00018\.jpg, 00060\.jpg$/);
  });

  it('camera ids that do not match', async () => {
    const files = buddhaFiles();
    const cams = files.get('sparse/0/cameras.bin')!.slice();
    new DataView(cams.buffer).setUint32(8, 2, true);
    files.set('sparse/0/cameras.bin', cams);
    const e = await loadError(files);
    expect(e.file).toBe('mem/sparse/0/images.bin');
    expect(e.problem).toMatch(/13 image\(s\) refer to camera ids missing from sparse\/0\/cameras\.bin \(00006\.jpg -> camera 1, .*cameras present: 2/);
  });

  it('truncated .bin', async () => {
    const files = buddhaFiles();
    files.set('sparse/0/images.bin', files.get('sparse/0/images.bin')!.slice(0, 500));
    const e = await loadError(files);
    expect(e.file).toBe('mem/sparse/0/images.bin');
    expect(e.problem).toMatch(/image count at byte 0 is 13.*truncated/);
  });

  it('corrupt image', async () => {
    const files = buddhaFiles();
    files.set('images/00042.jpg', files.get('images/00042.jpg')!.slice(0, 2000));
    const e = await loadError(files);
    expect(e.file).toBe('mem/images/00042.jpg');
    expect(e.problem).toMatch(/corrupt or unreadable image/);
    files.set('images/00042.jpg', new TextEncoder().encode('not an image'));
    expect((await loadError(files)).problem).toMatch(/not a JPEG or PNG/);
  });

  it('zero points', async () => {
    const files = buddhaFiles();
    files.set('sparse/0/points3D.bin', new Uint8Array(8));
    const e = await loadError(files);
    expect(e.file).toBe('mem/sparse/0/points3D.bin');
    expect(e.problem).toMatch(/zero 3D points/);
  });

  it('unsupported camera model', async () => {
    const files = buddhaFiles();
    files.delete('sparse/0/cameras.bin');
    files.set('sparse/0/cameras.txt', new TextEncoder().encode('1 OPENCV_FISHEYE 684 385 465 465 342 193 0.1 0 0 0\n'));
    const e = await loadError(files);
    expect(e.file).toBe('mem/sparse/0/cameras.txt');
    expect(e.problem).toMatch(/camera 1 uses the OPENCV_FISHEYE model, which is not supported/);
  });

  it('a non-positive focal length', async () => {
    const files = buddhaFiles();
    files.delete('sparse/0/cameras.bin');
    files.set('sparse/0/cameras.txt', new TextEncoder().encode('1 PINHOLE 684 385 465 0 342 193\n'));
    const e = await loadError(files);
    expect(e.file).toBe('mem/sparse/0/cameras.txt');
    expect(e.problem).toBe('camera 1 has a non-positive focal length (465, 0)');
  });

  it('bad options', async () => {
    await expect(loadColmapDataset(memorySource(buddhaFiles()), { resolution: 0 })).rejects.toThrow(/resolution must be a positive number/);
  });
});

describe('undistortion at load', () => {
  it('an OPENCV dataset becomes pinhole views of the undistorted images', async () => {
    const [W, H] = [96, 64];
    const params = [80, 82, 47.5, 31.2, 0.1, 0.02, 0.001, -0.002];
    // A photo of a vertical-stripe pattern in normalised coordinates, taken through the distortion.
    const pattern = (u: number) => 0.5 + 0.4 * Math.sin(9 * u);
    const distort = (u: number, v: number) => {
      const [k1, k2, p1, p2] = params.slice(4);
      const r2 = u * u + v * v;
      const radial = 1 + k1 * r2 + k2 * r2 * r2;
      return [u * radial + 2 * p1 * u * v + p2 * (r2 + 2 * u * u), v * radial + 2 * p2 * u * v + p1 * (r2 + 2 * v * v)];
    };
    const rgba = new Uint8Array(W * H * 4);
    for (let j = 0; j < H; j++) {
      for (let i = 0; i < W; i++) {
        const ud = (i + 0.5 - params[2]) / params[0];
        const vd = (j + 0.5 - params[3]) / params[1];
        let [u, v] = [ud, vd];
        for (let it = 0; it < 200; it++) {
          const [x, y] = distort(u, v);
          u -= x - ud;
          v -= y - vd;
        }
        const g = Math.round(pattern(u) * 255);
        rgba.set([g, g, g, 255], (j * W + i) * 4);
      }
    }
    const png = encodePng({ width: W, height: H, data: rgba, channels: 4, depth: 8 });
    const enc = (s: string) => new TextEncoder().encode(s);
    const files = new Map<string, Uint8Array>([
      ['sparse/cameras.txt', enc(`1 OPENCV ${W} ${H} ${params.join(' ')}\n`)],
      ['sparse/images.txt', enc('1 1 0 0 0 0 0 0 1 a.png\n\n2 1 0 0 0 1 0 0 1 sub/b.png\n\n')],
      ['sparse/points3D.txt', enc('1 0 0 5 10 20 30 0\n2 1 0 5 10 20 30 0\n')],
      ['images/a.png', png],
      ['images/sub/b.png', png],
    ]);
    const ds = await loadColmapDataset(memorySource(files));
    const dst = undistortedCamera({ width: W, height: H, fx: 80, fy: 82, cx: 47.5, cy: 31.2 }, { k1: 0.1, k2: 0.02, p1: 0.001, p2: -0.002 }, 'x');
    expect(dst.width).toBeLessThan(W);
    const v = ds.train[1];
    expect(v.name).toBe('sub/b.png');
    expect(v.camera).toMatchObject({ width: dst.width, height: dst.height, fx: 80, fy: 82, cx: dst.cx, cy: dst.cy });
    // Extent with two cameras one unit apart: 1.1 * 0.5.
    expect(ds.extent).toBeCloseTo(0.55, 12);
    let maxErr = 0;
    for (let j = 2; j < dst.height - 2; j++) {
      for (let i = 2; i < dst.width - 2; i++) {
        maxErr = Math.max(maxErr, Math.abs(v.image[(j * dst.width + i) * 4] - pattern((i + 0.5 - dst.cx) / dst.fx)));
      }
    }
    // 8-bit quantisation (0.5/255 = 2e-3) plus bilinear error (h^2/8 * 0.4 * 81 with h = 1/80: 6e-4).
    expect(maxErr).toBeLessThan(4e-3);
  });
});

describe('image files at another size than their camera', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const files = (imgW: number, imgH: number) =>
    new Map<string, Uint8Array>([
      ['sparse/0/cameras.txt', enc('3 SIMPLE_PINHOLE 96 64 70 48 32\n')],
      ['sparse/0/images.txt', enc('1 1 0 0 0 0 0 0 3 a.png\n')],
      ['sparse/0/points3D.txt', enc('1 0 0 5 10 20 30 0\n')],
      ['images/a.png', encodePng({ width: imgW, height: imgH, channels: 3, depth: 8, data: new Uint8Array(imgW * imgH * 3).fill(128) })],
    ]);

  it('scales the intrinsics when the aspect ratio agrees (pre-downscaled images)', async () => {
    const ds = await loadColmapDataset(memorySource(files(48, 32)));
    expect(ds.train[0].camera).toMatchObject({ width: 48, height: 32, fx: 35, fy: 35, cx: 24, cy: 16 });
    expect(ds.train[0].image[0]).toBeCloseTo(128 / 255, 7);
    // ...and says so: the user may not have meant to train on smaller images.
    expect(ds.notices).toEqual(['mem/images/a.png is 48x32, smaller than the 96x64 that camera 3 in mem/sparse/0/cameras.txt says; intrinsics scaled by 0.500 to match']);
    expect((await loadColmapDataset(memorySource(files(96, 64)))).notices).toEqual([]);
  });

  it('refuses a different aspect ratio, naming both sizes', async () => {
    const e = await loadError(files(48, 48));
    expect(e.file).toBe('mem/images/a.png');
    expect(e.problem).toMatch(/image is 48x48 but camera 3 in mem\/sparse\/0\/cameras\.txt is 96x64/);
  });
});

describe('evaluation split of a single image', () => {
  it('is refused instead of training on nothing', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const files = new Map<string, Uint8Array>([
      ['sparse/0/cameras.txt', enc('1 PINHOLE 4 4 3 3 2 2\n')],
      ['sparse/0/images.txt', enc('1 1 0 0 0 0 0 0 1 a.png\n')],
      ['sparse/0/points3D.txt', enc('1 0 0 5 10 20 30 0\n')],
      ['images/a.png', encodePng({ width: 4, height: 4, channels: 3, depth: 8, data: new Uint8Array(48) })],
    ]);
    expect((await loadError(files, { evalSplit: true })).problem).toMatch(/evaluation split of 1 image\(s\) leaves no training views/);
    expect((await loadColmapDataset(memorySource(files))).train).toHaveLength(1);
  });
});
