/**
 * Undistortion of SIMPLE_RADIAL, RADIAL and OPENCV images to a pinhole camera (decisions.md:
 * go beyond INRIA, which refuses them). All three are the OpenCV radial-tangential model on
 * normalised coordinates (3dgs-reference.md §8.5), SIMPLE_RADIAL = [k, 0, 0, 0] and
 * RADIAL = [k1, k2, 0, 0].
 *
 * Output camera (`undistortedCamera`): the same focal lengths and the same optical axis
 * (principal point) as the input. The output image is the largest axis-aligned rectangle that
 * lies both inside the original image rectangle and inside the undistorted outline of the
 * original image, so every output pixel samples real image content (no blank border, like
 * `colmap image_undistorter` with blank_pixels = 0) and the pixel count never grows. The
 * outline is found by undistorting points along the image border with the iterative inverse
 * below; the crop offset becomes the new principal point (cx - x0, cy - y0).
 *
 * Remapping (`undistortImage`) needs only the forward distortion: each output pixel centre is
 * turned into a normalised ray, distorted, and the input is sampled there bilinearly.
 */
import type { ColmapCamera } from './types';
import { ColmapError } from './types';

export interface OpenCvDistortion {
  k1: number;
  k2: number;
  p1: number;
  p2: number;
}

/** Pinhole intrinsics plus an image size. */
export interface PinholeIntrinsics {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
}

/** Intrinsics and distortion of a COLMAP camera of a model undistort.ts handles. */
export function splitCamera(cam: ColmapCamera): { pinhole: PinholeIntrinsics; dist: OpenCvDistortion } | undefined {
  const [a, b, c, d, e, f, g, h] = cam.params;
  const size = { width: cam.width, height: cam.height };
  switch (cam.model) {
    case 'SIMPLE_RADIAL':
      return { pinhole: { ...size, fx: a, fy: a, cx: b, cy: c }, dist: { k1: d, k2: 0, p1: 0, p2: 0 } };
    case 'RADIAL':
      return { pinhole: { ...size, fx: a, fy: a, cx: b, cy: c }, dist: { k1: d, k2: e, p1: 0, p2: 0 } };
    case 'OPENCV':
      return { pinhole: { ...size, fx: a, fy: b, cx: c, cy: d }, dist: { k1: e, k2: f, p1: g, p2: h } };
    default:
      return undefined;
  }
}

/** Forward distortion of a normalised point (x/z, y/z). */
export function distortPoint(u: number, v: number, d: OpenCvDistortion): [number, number] {
  const r2 = u * u + v * v;
  const radial = d.k1 * r2 + d.k2 * r2 * r2;
  const du = u * radial + 2 * d.p1 * u * v + d.p2 * (r2 + 2 * u * u);
  const dv = v * radial + 2 * d.p2 * u * v + d.p1 * (r2 + 2 * v * v);
  return [u + du, v + dv];
}

/**
 * Inverse of `distortPoint` by Newton's method with the analytic Jacobian, started at the
 * distorted point (distortion is a small perturbation of the identity where it is valid).
 * Returns undefined where it does not converge (past the fold of a strong distortion).
 */
export function undistortPoint(ud: number, vd: number, d: OpenCvDistortion): [number, number] | undefined {
  let u = ud;
  let v = vd;
  for (let iter = 0; iter < 50; iter++) {
    const r2 = u * u + v * v;
    const radial = d.k1 * r2 + d.k2 * r2 * r2;
    const dRadial = 2 * (d.k1 + 2 * d.k2 * r2); // d(radial)/du = u * dRadial
    const fu = u + u * radial + 2 * d.p1 * u * v + d.p2 * (r2 + 2 * u * u) - ud;
    const fv = v + v * radial + 2 * d.p2 * u * v + d.p1 * (r2 + 2 * v * v) - vd;
    const j00 = 1 + radial + u * u * dRadial + 2 * d.p1 * v + 6 * d.p2 * u;
    const j01 = u * v * dRadial + 2 * d.p1 * u + 2 * d.p2 * v;
    const j10 = u * v * dRadial + 2 * d.p2 * v + 2 * d.p1 * u;
    const j11 = 1 + radial + v * v * dRadial + 2 * d.p2 * u + 6 * d.p1 * v;
    const det = j00 * j11 - j01 * j10;
    if (!(Math.abs(det) > 1e-12)) return undefined;
    const su = (j11 * fu - j01 * fv) / det;
    const sv = (j00 * fv - j10 * fu) / det;
    u -= su;
    v -= sv;
    if (!Number.isFinite(u) || !Number.isFinite(v)) return undefined;
    if (Math.abs(su) + Math.abs(sv) < 1e-14 * (1 + Math.abs(u) + Math.abs(v))) break;
  }
  const [cu, cv] = distortPoint(u, v, d);
  if (!(Math.abs(cu - ud) + Math.abs(cv - vd) < 1e-9)) return undefined;
  // A root where the radial factor or the Jacobian has flipped sign lies on the far branch
  // of a folded distortion (a ray behind the lens edge), not the one the photo shows.
  const r2 = u * u + v * v;
  const radial = 1 + d.k1 * r2 + d.k2 * r2 * r2;
  const dRadial = 2 * (d.k1 + 2 * d.k2 * r2);
  const j00 = radial + u * u * dRadial + 2 * d.p1 * v + 6 * d.p2 * u;
  const j01 = u * v * dRadial + 2 * d.p1 * u + 2 * d.p2 * v;
  const j10 = u * v * dRadial + 2 * d.p2 * v + 2 * d.p1 * u;
  const j11 = radial + v * v * dRadial + 2 * d.p2 * u + 6 * d.p1 * v;
  return radial > 0 && j00 * j11 - j01 * j10 > 0 ? [u, v] : undefined;
}

/** Samples along each border side when finding the undistorted outline. */
const BORDER_SAMPLES = 256;

/** The output pinhole camera for an input camera (see the header for how it is chosen). */
export function undistortedCamera(src: PinholeIntrinsics, d: OpenCvDistortion, file: string): PinholeIntrinsics {
  const { width: W, height: H, fx, fy, cx, cy } = src;
  // Pinhole pixel position of the ray seen at input pixel (x, y).
  const toPinhole = (x: number, y: number): [number, number] => {
    const r = undistortPoint((x - cx) / fx, (y - cy) / fy, d);
    if (!r) {
      throw new ColmapError(file, `the distortion cannot be inverted at image pixel (${x.toFixed(1)}, ${y.toFixed(1)}); the parameters are too strong or wrong`);
    }
    return [fx * r[0] + cx, fy * r[1] + cy];
  };
  let left = 0;
  let right = W;
  let top = 0;
  let bottom = H;
  for (let s = 0; s <= BORDER_SAMPLES; s++) {
    const y = (H * s) / BORDER_SAMPLES;
    const x = (W * s) / BORDER_SAMPLES;
    left = Math.max(left, toPinhole(0, y)[0]);
    right = Math.min(right, toPinhole(W, y)[0]);
    top = Math.max(top, toPinhole(x, 0)[1]);
    bottom = Math.min(bottom, toPinhole(x, H)[1]);
  }
  // Whole pixels, rounded inwards, so the rectangle stays inside the outline.
  const x0 = Math.ceil(left - 1e-9);
  const y0 = Math.ceil(top - 1e-9);
  const width = Math.floor(right + 1e-9) - x0;
  const height = Math.floor(bottom + 1e-9) - y0;
  if (width < 1 || height < 1) throw new ColmapError(file, 'undistortion leaves no valid image area; the distortion parameters look wrong');
  return { width, height, fx, fy, cx: cx - x0, cy: cy - y0 };
}

/**
 * Remaps a [H, W, 4] f32 image taken with (`src`, `d`) into the pinhole camera `dst`, with
 * bilinear sampling at pixel centres; samples outside the input clamp to its edge (only
 * possible within half a pixel of the border when `dst` comes from `undistortedCamera`).
 */
export function undistortImage(
  image: Float32Array,
  src: PinholeIntrinsics,
  d: OpenCvDistortion,
  dst: PinholeIntrinsics,
): Float32Array {
  const { width: W, height: H } = src;
  const out = new Float32Array(dst.width * dst.height * 4);
  for (let j = 0; j < dst.height; j++) {
    const v = (j + 0.5 - dst.cy) / dst.fy;
    for (let i = 0; i < dst.width; i++) {
      const u = (i + 0.5 - dst.cx) / dst.fx;
      const [ud, vd] = distortPoint(u, v, d);
      // Continuous input position, shifted so integer values are pixel centres.
      const x = Math.min(Math.max(src.fx * ud + src.cx - 0.5, 0), W - 1);
      const y = Math.min(Math.max(src.fy * vd + src.cy - 0.5, 0), H - 1);
      const xa = Math.min(Math.floor(x), W - 2 < 0 ? 0 : W - 2);
      const ya = Math.min(Math.floor(y), H - 2 < 0 ? 0 : H - 2);
      const xb = Math.min(xa + 1, W - 1);
      const yb = Math.min(ya + 1, H - 1);
      const tx = x - xa;
      const ty = y - ya;
      const o = (j * dst.width + i) * 4;
      const p00 = (ya * W + xa) * 4;
      const p10 = (ya * W + xb) * 4;
      const p01 = (yb * W + xa) * 4;
      const p11 = (yb * W + xb) * 4;
      for (let c = 0; c < 4; c++) {
        const top = image[p00 + c] + (image[p10 + c] - image[p00 + c]) * tx;
        const bot = image[p01 + c] + (image[p11 + c] - image[p01 + c]) * tx;
        out[o + c] = top + (bot - top) * ty;
      }
    }
  }
  return out;
}
