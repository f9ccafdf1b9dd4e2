import { describe, expect, it } from 'vitest';
import {
  type OpenCvDistortion,
  type PinholeIntrinsics,
  distortPoint,
  splitCamera,
  undistortImage,
  undistortPoint,
  undistortedCamera,
} from '../../../src/io/colmap/undistort';
import { ColmapError } from '../../../src/io/colmap/types';

/** The OpenCV model written out independently (3dgs-reference.md §8.5), float64. */
function refDistort(u: number, v: number, [k1, k2, p1, p2]: number[]): [number, number] {
  const r2 = u * u + v * v;
  const radial = 1 + k1 * r2 + k2 * r2 * r2;
  return [u * radial + 2 * p1 * u * v + p2 * (r2 + 2 * u * u), v * radial + 2 * p2 * u * v + p1 * (r2 + 2 * v * v)];
}

/** Reference inverse by fixed-point iteration (contracting for mild distortion), not Newton. */
function refUndistort(ud: number, vd: number, d: number[]): [number, number] {
  let u = ud;
  let v = vd;
  for (let i = 0; i < 500; i++) {
    const [x, y] = refDistort(u, v, d);
    u -= x - ud;
    v -= y - vd;
  }
  return [u, v];
}

/** A smooth RGB pattern over normalised pinhole coordinates: the "true scene". */
function scene(u: number, v: number): [number, number, number] {
  return [0.5 + 0.4 * Math.sin(6 * u) * Math.cos(5 * v), 0.5 + 0.3 * Math.cos(4 * u + 3 * v), 0.5 + 0.45 * u * v];
}

const SRC: PinholeIntrinsics = { width: 160, height: 120, fx: 140, fy: 150, cx: 81.3, cy: 58.7 };
const BARREL = [-0.15, 0.03, 0.002, -0.001];
const PINCUSHION = [0.12, 0.02, -0.002, 0.001];
const K = BARREL;
const asDist = (k: number[]): OpenCvDistortion => ({ k1: k[0], k2: k[1], p1: k[2], p2: k[3] });
const DIST = asDist(K);

/** The photo a camera with distortion K takes of `scene`: each pixel sees the ray it distorts from. */
function distortedPhoto(K = BARREL): Float32Array {
  const img = new Float32Array(SRC.width * SRC.height * 4);
  for (let j = 0; j < SRC.height; j++) {
    for (let i = 0; i < SRC.width; i++) {
      const [u, v] = refUndistort((i + 0.5 - SRC.cx) / SRC.fx, (j + 0.5 - SRC.cy) / SRC.fy, K);
      img.set([...scene(u, v), 1], (j * SRC.width + i) * 4);
    }
  }
  return img;
}

describe('distortion model', () => {
  it('forward matches the written-out formula and the inverse round-trips', () => {
    let worst = 0;
    for (let a = -0.6; a <= 0.6; a += 0.05) {
      for (let b = -0.45; b <= 0.45; b += 0.05) {
        const [x, y] = distortPoint(a, b, DIST);
        const [rx, ry] = refDistort(a, b, K);
        expect(Math.abs(x - rx) + Math.abs(y - ry)).toBeLessThan(1e-15);
        const inv = undistortPoint(x, y, DIST)!;
        const ref = refUndistort(x, y, K);
        worst = Math.max(worst, Math.abs(inv[0] - a) + Math.abs(inv[1] - b), Math.abs(ref[0] - a) + Math.abs(ref[1] - b));
      }
    }
    // Both inverses converge to round-off (float64, |u| < 1).
    expect(worst).toBeLessThan(1e-12);
  });

  it('reports failure past the fold of a strong barrel distortion', () => {
    // r_d = r (1 + k r^2) peaks at r = 1/sqrt(3 |k|) for k < 0; beyond the peak no inverse exists.
    const strong: OpenCvDistortion = { k1: -0.5, k2: 0, p1: 0, p2: 0 };
    expect(undistortPoint(0.9, 0, strong)).toBeUndefined();
    expect(() => undistortedCamera({ width: 100, height: 100, fx: 30, fy: 30, cx: 50, cy: 50 }, strong, 'cams.txt')).toThrow(ColmapError);
  });

  it('maps SIMPLE_RADIAL, RADIAL and OPENCV parameters onto the OpenCV form', () => {
    const base = { id: 1, width: 10, height: 8 };
    expect(splitCamera({ ...base, model: 'SIMPLE_RADIAL', params: [100, 5, 4, 0.1] })).toEqual({
      pinhole: { width: 10, height: 8, fx: 100, fy: 100, cx: 5, cy: 4 },
      dist: { k1: 0.1, k2: 0, p1: 0, p2: 0 },
    });
    expect(splitCamera({ ...base, model: 'RADIAL', params: [100, 5, 4, 0.1, 0.2] })?.dist).toEqual({ k1: 0.1, k2: 0.2, p1: 0, p2: 0 });
    expect(splitCamera({ ...base, model: 'OPENCV', params: [100, 90, 5, 4, 0.1, 0.2, 0.3, 0.4] })).toEqual({
      pinhole: { width: 10, height: 8, fx: 100, fy: 90, cx: 5, cy: 4 },
      dist: { k1: 0.1, k2: 0.2, p1: 0.3, p2: 0.4 },
    });
    expect(splitCamera({ ...base, model: 'PINHOLE', params: [1, 1, 1, 1] })).toBeUndefined();
  });
});

describe('undistortedCamera', () => {
  it('keeps the full frame under barrel distortion (the outline bulges past the image)', () => {
    expect(undistortedCamera(SRC, DIST, 'cameras.txt')).toEqual(SRC);
  });

  it('crops pincushion distortion tightly, inside the image and the undistorted outline', () => {
    const dst = undistortedCamera(SRC, asDist(PINCUSHION), 'cameras.txt');
    expect([dst.fx, dst.fy]).toEqual([SRC.fx, SRC.fy]);
    // Same optical axis: the crop offset is whole pixels.
    expect(Number.isInteger(SRC.cx - dst.cx) && Number.isInteger(SRC.cy - dst.cy)).toBe(true);
    const inside = (x: number, y: number) => {
      const [xd, yd] = refDistort((x - dst.cx) / dst.fx, (y - dst.cy) / dst.fy, PINCUSHION);
      const px = SRC.fx * xd + SRC.cx;
      const py = SRC.fy * yd + SRC.cy;
      return px >= -1e-6 && px <= SRC.width + 1e-6 && py >= -1e-6 && py <= SRC.height + 1e-6;
    };
    // No blank pixels: the whole output border maps inside the source image.
    for (let s = 0; s <= 64; s++) {
      const x = (dst.width * s) / 64;
      const y = (dst.height * s) / 64;
      expect(inside(x, 0) && inside(x, dst.height) && inside(0, y) && inside(dst.width, y)).toBe(true);
    }
    // Tight: one more pixel on any side reaches outside somewhere along that side.
    const sideOut = (f: (s: number) => [number, number]) => Array.from({ length: 65 }, (_, s) => f(s / 64)).some(([x, y]) => !inside(x, y));
    expect(sideOut((s) => [-1, dst.height * s])).toBe(true);
    expect(sideOut((s) => [dst.width + 1, dst.height * s])).toBe(true);
    expect(sideOut((s) => [dst.width * s, -1])).toBe(true);
    expect(sideOut((s) => [dst.width * s, dst.height + 1])).toBe(true);
    expect(dst.width).toBeLessThan(SRC.width);
    expect(dst.width).toBeGreaterThan(SRC.width * 0.8);
    expect(dst.height).toBeGreaterThan(SRC.height * 0.8);
  });

  it('is the identity without distortion', () => {
    const none: OpenCvDistortion = { k1: 0, k2: 0, p1: 0, p2: 0 };
    const dst = undistortedCamera(SRC, none, 'c');
    expect(dst).toEqual(SRC);
    const img = distortedPhoto();
    expect(undistortImage(img, SRC, none, dst)).toEqual(img);
  });
});

describe('undistortImage', () => {
  for (const [name, k] of [['barrel', BARREL], ['pincushion', PINCUSHION]] as const) {
    it(`recovers the undistorted scene from a synthetically distorted photo (${name})`, () => {
      const photo = distortedPhoto(k);
      const dst = undistortedCamera(SRC, asDist(k), 'cameras.txt');
      const out = undistortImage(photo, SRC, asDist(k), dst);
      expect(out.length).toBe(dst.width * dst.height * 4);
      let maxErr = 0;
      let sumErr = 0;
      let count = 0;
      // Interior only: the outermost 2 pixels sample within half a pixel of the source border.
      for (let j = 2; j < dst.height - 2; j++) {
        for (let i = 2; i < dst.width - 2; i++) {
          const want = scene((i + 0.5 - dst.cx) / dst.fx, (j + 0.5 - dst.cy) / dst.fy);
          for (let c = 0; c < 3; c++) {
            const e = Math.abs(out[(j * dst.width + i) * 4 + c] - want[c]);
            maxErr = Math.max(maxErr, e);
            sumErr += e;
            count++;
          }
          expect(out[(j * dst.width + i) * 4 + 3]).toBe(1);
        }
      }
      // Bilinear interpolation error is about h^2 / 8 * |f''| with h = 1/140 (one pixel in
      // normalised units) and |f''| <= 0.4 * (36 + 25): ~1.6e-4; 1e-3 leaves margin for f32.
      expect(maxErr).toBeLessThan(1e-3);
      expect(sumErr / count).toBeLessThan(2e-4);
      // Without undistortion the same comparison is far off, so the test can fail.
      let naive = 0;
      for (let j = 2; j < dst.height - 2; j++) {
        for (let i = 2; i < dst.width - 2; i++) {
          const want = scene((i + 0.5 - dst.cx) / dst.fx, (j + 0.5 - dst.cy) / dst.fy);
          const si = i + Math.round(SRC.cx - dst.cx);
          const sj = j + Math.round(SRC.cy - dst.cy);
          naive = Math.max(naive, Math.abs(photo[(sj * SRC.width + si) * 4] - want[0]));
        }
      }
      expect(naive).toBeGreaterThan(0.02);
    });
  }
});
