// Shared by the image loss kernels (ssim_*.wgsl, loss_*.wgsl): the SSIM window, constants and the
// per-image parameters. The loss is 0.8 * L1 + 0.2 * (1 - SSIM) by default, every mean taken over
// the 3 colour channels and all pixels; alpha is ignored (see ../shared/docs/decisions.md "loss").

// Pixel kernels run 16 x 16 workgroups over the image (src/kernels/image-loss.ts reads this).
const LOSS_WG: u32 = 16u;
// The strip kernels (*_strip.wgsl) run as 1-D work over their strips, LOSS_STRIP_WG invocations a
// workgroup, strip by strip along a row of strips: a 16 x 16 grid of them left 17-27% of the
// invocations past the image edge at 342 x 193, and a software adapter runs those masked at about
// full cost (src/gpu/kernel-shapes.ts).
const LOSS_STRIP_WG: u32 = 64u;

// The cell of strip k in a grid of strips `across` wide: (column, row) of the grid.
fn strip_cell(k: u32, across: u32) -> vec2<u32> {
  return vec2<u32>(k % across, k / across);
}
// Pixels one invocation of the first reduction level sums (in index order), and the workgroup
// size of that level; the second level is a single invocation over the chunk sums.
const LOSS_CHUNK: u32 = 256u;
const LOSS_REDUCE_WG: u32 = 64u;

// Scratch planes hold one vec4 per pixel, RGB in xyz (w = 0), so every tap is one 16-byte load:
//   moments_h: 5 planes (x, y, x*x, y*y, x*y), plane q of pixel p at q * N + p;
//   v_ssim, v_ssim_h: 3 planes (dL/dmu1, dL/dsigma1^2, dL/dsigma12).
const MOMENT_PLANES: u32 = 5u;
const GRADIENT_PLANES: u32 = 3u;
// 11-tap window, centre tap SSIM_RADIUS; taps outside the image read as zero (zero padding).
const SSIM_TAPS: u32 = 11u;
const SSIM_RADIUS: i32 = 5;
// Stabilisers for a data range of 1: C1 = 0.01^2, C2 = 0.03^2.
const SSIM_C1: f32 = 0.0001;
const SSIM_C2: f32 = 0.0009;
// PSNR is reported for max(mse, MSE_FLOOR), so identical images give 100 dB instead of +inf.
const MSE_FLOOR: f32 = 1e-10;

// 1-D Gaussian, sigma 1.5, normalised to sum 1 in float64 and rounded to f32; the 2-D window is
// its outer product, applied as a horizontal then a vertical pass. A private var (not a const)
// because the taps are indexed at run time.
var<private> ssim_window: array<f32, SSIM_TAPS> = array<f32, SSIM_TAPS>(
  0.00102838008, 0.00759875814, 0.0360007721, 0.109360690, 0.213005538, 0.266011725,
  0.213005538, 0.109360690, 0.0360007721, 0.00759875814, 0.00102838008);

// The same taps by distance from the centre, as literal constants for the unrolled CPU-class
// kernels (*_strip.wgsl, common/ssim_strip.wgsl); test/kernels/ssim-strip.test.ts checks they
// equal ssim_window.
const SSIM_G0: f32 = 0.266011725;
const SSIM_G1: f32 = 0.213005538;
const SSIM_G2: f32 = 0.109360690;
const SSIM_G3: f32 = 0.0360007721;
const SSIM_G4: f32 = 0.00759875814;
const SSIM_G5: f32 = 0.00102838008;

// One pixel's five moment planes (moments_h) and three gradient planes (v_ssim, v_ssim_h), RGB
// only: the planes store a zero w, but arithmetic on it would cost CPU adapters a quarter more
// (they run each vector component as its own SIMD operation).
struct Moments {
  x: vec3<f32>,
  y: vec3<f32>,
  xx: vec3<f32>,
  yy: vec3<f32>,
  xy: vec3<f32>,
}

struct GradPlanes {
  mu1: vec3<f32>,
  s11: vec3<f32>,
  s12: vec3<f32>,
}

fn moments_zero() -> Moments {
  let z = vec3<f32>(0.0);
  return Moments(z, z, z, z, z);
}

fn grads_zero() -> GradPlanes {
  let z = vec3<f32>(0.0);
  return GradPlanes(z, z, z);
}

// s + g t, plane by plane.
fn moments_add(s: Moments, t: Moments, g: f32) -> Moments {
  return Moments(s.x + g * t.x, s.y + g * t.y, s.xx + g * t.xx, s.yy + g * t.yy, s.xy + g * t.xy);
}

fn grads_add(s: GradPlanes, t: GradPlanes, g: f32) -> GradPlanes {
  return GradPlanes(s.mu1 + g * t.mu1, s.s11 + g * t.s11, s.s12 + g * t.s12);
}

// Where a strip of the *_strip.wgsl kernels starts (their StripBase): along row `row` (= y * W)
// from x0, or down column x from y0; W, H the image size, n = W * H the plane stride.
struct RowStrip {
  row: u32,
  x0: i32,
  w: i32,
  n: u32,
}

struct ColumnStrip {
  x: u32,
  y0: i32,
  w: u32,
  h: i32,
  n: u32,
}

// A tap of a zero-padded filter: the pixel index, clamped into the image, and 1 inside the image
// or 0 outside, to multiply what is loaded there by (no divergent branch per lane).
struct TapIndex {
  q: u32,
  k: f32,
}

// Pixel x of the row starting at index `row` of a w-pixel-wide image.
fn row_tap(row: u32, x: i32, w: i32) -> TapIndex {
  return TapIndex(row + u32(clamp(x, 0, w - 1)), select(0.0, 1.0, x >= 0 && x < w));
}

// Pixel (x, y) of a w x h image, y possibly outside.
fn column_tap(x: u32, y: i32, w: u32, h: i32) -> TapIndex {
  return TapIndex(u32(clamp(y, 0, h - 1)) * w + x, select(0.0, 1.0, y >= 0 && y < h));
}

struct LossParams {
  width: u32,
  height: u32,
  // lambda: weight of (1 - SSIM); L1 gets 1 - lambda.
  ssim_weight: f32,
  // 1 / (3 * width * height), computed in float64 on the host.
  inv_count: f32,
}

// What loss_reduce.wgsl writes for the host to read back (src/kernels/image-loss.ts LOSS_STATS):
// means over the 3 colour channels and all pixels.
struct LossStats {
  loss: f32,         // (1 - lambda) L1 + lambda (1 - SSIM)
  l1: f32,
  ssim: f32,
  mse: f32,
  psnr: f32,         // dB for a data range of 1
  ssim_weight: f32,  // lambda
  pixels: f32,       // W * H
  _pad: f32,
}
