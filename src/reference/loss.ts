/**
 * Float64 CPU reference of the image loss: L1, SSIM (11 x 11 Gaussian window, sigma 1.5, zero
 * padding, C1 = 0.01^2, C2 = 0.03^2), MSE, PSNR, the combined loss (1 - lambda) L1 +
 * lambda (1 - SSIM) and its gradient by the image. Images are [H, W, 4] RGBA row-major like the
 * GPU's; alpha is ignored and every mean runs over the 3 colour channels and all pixels
 * (../shared/docs/3dgs-reference.md section 4). Plain loops, written for clarity; the GPU code
 * is tested against this and this does not call it.
 */

export const SSIM_WINDOW_SIZE = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;
/** Default weight of (1 - SSIM) in the loss. */
export const DEFAULT_SSIM_WEIGHT = 0.2;

export interface ImageLossValues {
  loss: number;
  l1: number;
  ssim: number;
  mse: number;
  /** 10 log10(1 / mse): +Infinity for identical images. */
  psnr: number;
}

/** The 1-D window g(i) ~ exp(-(i - r)^2 / (2 sigma^2)), i = 0..size-1, normalised to sum 1. */
export function gaussianWindow(size = SSIM_WINDOW_SIZE, sigma = SSIM_SIGMA): Float64Array {
  const g = new Float64Array(size);
  const r = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
    sum += g[i];
  }
  for (let i = 0; i < size; i++) g[i] /= sum;
  return g;
}

function checkImages(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`reference loss: image size must be positive integers, got ${width} x ${height}`);
  }
  const n = width * height * 4;
  if (image.length !== n) throw new RangeError(`reference loss: image has ${image.length} values, expected ${width} x ${height} x 4 = ${n}`);
  if (target.length !== n) throw new RangeError(`reference loss: target has ${target.length} values, expected ${width} x ${height} x 4 = ${n}`);
}

/** Filters each row of one [H, W] plane with the window (zero padding): the horizontal pass. */
export function filterRows(plane: Float64Array, width: number, height: number, window = gaussianWindow()): Float64Array {
  const r = (window.length - 1) / 2;
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const xi = x + k;
        if (xi >= 0 && xi < width) s += window[k + r] * plane[y * width + xi];
      }
      out[y * width + x] = s;
    }
  }
  return out;
}

/** Filters each column of one [H, W] plane with the window (zero padding): the vertical pass. */
export function filterColumns(plane: Float64Array, width: number, height: number, window = gaussianWindow()): Float64Array {
  const r = (window.length - 1) / 2;
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const yi = y + k;
        if (yi >= 0 && yi < height) s += window[k + r] * plane[yi * width + x];
      }
      out[y * width + x] = s;
    }
  }
  return out;
}

/**
 * Filters one [H, W] plane with the separable window (zero padding): a "same"-size correlation,
 * which equals the convolution because the window is symmetric.
 */
export function gaussianFilter(plane: Float64Array, width: number, height: number, window = gaussianWindow()): Float64Array {
  return filterColumns(filterRows(plane, width, height, window), width, height, window);
}

export function channel(image: ArrayLike<number>, c: number, n: number, f: (v: number) => number = (v) => v): Float64Array {
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) out[p] = f(image[p * 4 + c]);
  return out;
}

export function product(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}

/** Per-channel local statistics and SSIM terms at every pixel. */
interface SsimTerms {
  mu1: Float64Array;
  mu2: Float64Array;
  /** A = mu1^2 + mu2^2 + C1, B = sigma1^2 + sigma2^2 + C2, Cn = 2 mu1 mu2 + C1, Dn = 2 sigma12 + C2. */
  a: Float64Array;
  b: Float64Array;
  cn: Float64Array;
  dn: Float64Array;
  map: Float64Array;
}

function ssimTerms(x: Float64Array, y: Float64Array, width: number, height: number): SsimTerms {
  const n = width * height;
  const mu1 = gaussianFilter(x, width, height);
  const mu2 = gaussianFilter(y, width, height);
  const exx = gaussianFilter(product(x, x), width, height);
  const eyy = gaussianFilter(product(y, y), width, height);
  const exy = gaussianFilter(product(x, y), width, height);
  const t: SsimTerms = { mu1, mu2, a: new Float64Array(n), b: new Float64Array(n), cn: new Float64Array(n), dn: new Float64Array(n), map: new Float64Array(n) };
  for (let p = 0; p < n; p++) {
    const s11 = exx[p] - mu1[p] * mu1[p];
    const s22 = eyy[p] - mu2[p] * mu2[p];
    const s12 = exy[p] - mu1[p] * mu2[p];
    t.a[p] = mu1[p] * mu1[p] + mu2[p] * mu2[p] + SSIM_C1;
    t.b[p] = s11 + s22 + SSIM_C2;
    t.cn[p] = 2 * mu1[p] * mu2[p] + SSIM_C1;
    t.dn[p] = 2 * s12 + SSIM_C2;
    t.map[p] = (t.cn[p] * t.dn[p]) / (t.a[p] * t.b[p]);
  }
  return t;
}

/** SSIM map [H, W, 3] (channel-interleaved) and its mean over channels and pixels. */
export function ssimMap(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): { map: Float64Array; mean: number } {
  checkImages(image, target, width, height);
  const n = width * height;
  const map = new Float64Array(n * 3);
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const t = ssimTerms(channel(image, c, n), channel(target, c, n), width, height);
    for (let p = 0; p < n; p++) {
      map[p * 3 + c] = t.map[p];
      sum += t.map[p];
    }
  }
  return { map, mean: sum / (3 * n) };
}

export function ssim(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): number {
  return ssimMap(image, target, width, height).mean;
}

/** Mean |image - target| over RGB and pixels. */
export function l1(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): number {
  checkImages(image, target, width, height);
  let sum = 0;
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) sum += Math.abs(image[p * 4 + c] - target[p * 4 + c]);
  return sum / (3 * width * height);
}

/** Mean (image - target)^2 over RGB and pixels. */
export function mse(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): number {
  checkImages(image, target, width, height);
  let sum = 0;
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) sum += (image[p * 4 + c] - target[p * 4 + c]) ** 2;
  return sum / (3 * width * height);
}

/** PSNR in dB for a data range of 1 (+Infinity when mse is 0). */
export function psnrFromMse(m: number): number {
  return -10 * Math.log10(m);
}

export function psnr(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number): number {
  return psnrFromMse(mse(image, target, width, height));
}

/** The combined loss and the metrics reported with it. */
export function imageLoss(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number, ssimWeight = DEFAULT_SSIM_WEIGHT): ImageLossValues {
  const vL1 = l1(image, target, width, height);
  const vSsim = ssim(image, target, width, height);
  const vMse = mse(image, target, width, height);
  return { loss: (1 - ssimWeight) * vL1 + ssimWeight * (1 - vSsim), l1: vL1, ssim: vSsim, mse: vMse, psnr: psnrFromMse(vMse) };
}

/** Per channel: dLoss/dmu1, dLoss/d(G*x^2) and dLoss/d(G*xy) at every pixel, [H, W] each. */
export interface SsimLocalGradients {
  dMu1: Float64Array[];
  dS11: Float64Array[];
  dS12: Float64Array[];
}

/**
 * The SSIM part of the loss differentiated by the local statistics at each pixel, already times
 * m = -lambda / (3HW): what imageLossGradient then filters back onto the image.
 */
export function ssimLocalGradients(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number, ssimWeight = DEFAULT_SSIM_WEIGHT): SsimLocalGradients {
  checkImages(image, target, width, height);
  const n = width * height;
  const m = -ssimWeight / (3 * n);
  const out: SsimLocalGradients = { dMu1: [], dS11: [], dS12: [] };
  for (let c = 0; c < 3; c++) {
    const t = ssimTerms(channel(image, c, n), channel(target, c, n), width, height);
    const dMu1 = new Float64Array(n);
    const dS11 = new Float64Array(n);
    const dS12 = new Float64Array(n);
    for (let p = 0; p < n; p++) {
      const ab = t.a[p] * t.b[p];
      const s = t.map[p];
      dMu1[p] = m * ((2 * t.mu2[p] * (t.dn[p] - t.cn[p])) / ab - 2 * t.mu1[p] * s * (1 / t.a[p] - 1 / t.b[p]));
      dS11[p] = m * (-s / t.b[p]);
      dS12[p] = m * ((2 * t.cn[p]) / ab);
    }
    out.dMu1.push(dMu1);
    out.dS11.push(dS11);
    out.dS12.push(dS12);
  }
  return out;
}

/**
 * dLoss/dimage [H, W, 4] (alpha 0) of (1 - lambda) L1 + lambda (1 - SSIM). The L1 term gives
 * (1 - lambda) sign(x - y) / (3HW), sign(0) = 0. For SSIM, with m = -lambda / (3HW) the loss's
 * derivative by each map value and S = Cn Dn / (A B):
 *   dS/dmu1 (holding G*x^2, G*xy fixed) = 2 mu2 (Dn - Cn) / (A B) - 2 mu1 S (1/A - 1/B),
 *   dS/d(G*x^2) = dS/dsigma1^2 = -S / B,   dS/d(G*xy) = dS/dsigma12 = 2 Cn / (A B),
 * and since mu1, G*x^2, G*xy are the window applied to x, x^2, xy (a self-adjoint filter):
 *   dL/dx(q) = G*(m dS/dmu1)(q) + 2 x(q) G*(m dS/dsigma1^2)(q) + y(q) G*(m dS/dsigma12)(q).
 */
export function imageLossGradient(image: ArrayLike<number>, target: ArrayLike<number>, width: number, height: number, ssimWeight = DEFAULT_SSIM_WEIGHT): Float64Array {
  checkImages(image, target, width, height);
  const n = width * height;
  const grad = new Float64Array(n * 4);
  const l1Scale = (1 - ssimWeight) / (3 * n);
  const local = ssimLocalGradients(image, target, width, height, ssimWeight);
  for (let c = 0; c < 3; c++) {
    const x = channel(image, c, n);
    const y = channel(target, c, n);
    const gMu1 = gaussianFilter(local.dMu1[c], width, height);
    const gS11 = gaussianFilter(local.dS11[c], width, height);
    const gS12 = gaussianFilter(local.dS12[c], width, height);
    for (let p = 0; p < n; p++) {
      grad[p * 4 + c] = l1Scale * Math.sign(x[p] - y[p]) + gMu1[p] + 2 * x[p] * gS11[p] + y[p] * gS12[p];
    }
  }
  return grad;
}
