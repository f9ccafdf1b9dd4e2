// SSIM map and its local derivatives. One invocation per pixel p = (x, y): filters the 5 moment
// planes along column x (vertical half of the separable 11 x 11 window, zero padding) to get,
// per channel (RGB at once), mu1 = G*x, mu2 = G*y, sigma1^2 = G*x^2 - mu1^2, sigma2^2,
// sigma12 = G*xy - mu1 mu2, then SSIM(p) = (2 mu1 mu2 + C1)(2 sigma12 + C2) / ((mu1^2 + mu2^2 + C1)
// (sigma1^2 + sigma2^2 + C2)) (no clamps, as the reference implementation).
// Writes v_ssim: dLoss/dmu1 (total, holding G*x^2 and G*xy fixed), dLoss/d(G*x^2) =
// dLoss/dsigma1^2 and dLoss/d(G*xy) = dLoss/dsigma12, each already times m = -lambda / (3HW),
// the derivative of lambda * (1 - mean SSIM) by SSIM(p). The metrics-only path writes them too
// and ignores them. Also the pixel's sums over channels of |x - y|, SSIM and (x - y)^2, which
// loss_reduce_*.wgsl add up in a fixed order.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> moments_h: array<vec4<f32>>;     // [5, H * W] rgb_, ssim_blur_h.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA
@group(0) @binding(4) var<storage, read_write> v_ssim: array<vec4<f32>>;  // [3, H * W] rgb_: v_mu1, v_sigma1sq, v_sigma12
@group(0) @binding(5) var<storage, read_write> pixel_sums: array<vec4<f32>>; // [H * W] sum |x-y|, sum SSIM, sum (x-y)^2, 0

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  let h = params.height;
  if (gid.x >= w || gid.y >= h) { return; }
  let n = w * h;
  var mu1 = vec4<f32>(0.0);
  var mu2 = vec4<f32>(0.0);
  var exx = vec4<f32>(0.0);
  var eyy = vec4<f32>(0.0);
  var exy = vec4<f32>(0.0);
  let lo = max(i32(gid.y) - SSIM_RADIUS, 0);
  let hi = min(i32(gid.y) + SSIM_RADIUS, i32(h) - 1);
  for (var yi = lo; yi <= hi; yi++) {
    let g = ssim_window[yi - i32(gid.y) + SSIM_RADIUS];
    let q = u32(yi) * w + gid.x;
    mu1 += g * moments_h[q];
    mu2 += g * moments_h[n + q];
    exx += g * moments_h[2u * n + q];
    eyy += g * moments_h[3u * n + q];
    exy += g * moments_h[4u * n + q];
  }
  let s11 = exx - mu1 * mu1;
  let s22 = eyy - mu2 * mu2;
  let s12 = exy - mu1 * mu2;
  let a = mu1 * mu1 + mu2 * mu2 + SSIM_C1;
  let b = s11 + s22 + SSIM_C2;
  let cn = 2.0 * mu1 * mu2 + SSIM_C1;
  let dn = 2.0 * s12 + SSIM_C2;
  let inv_ab = 1.0 / (a * b);
  let s = cn * dn * inv_ab;
  let m = -params.ssim_weight * params.inv_count;
  let d_mu1 = 2.0 * mu2 * (dn - cn) * inv_ab - 2.0 * mu1 * s * (1.0 / a - 1.0 / b);
  let d_s11 = -s / b;
  let d_s12 = 2.0 * cn * inv_ab;
  let p = gid.y * w + gid.x;
  // The w lanes (zero moments) give finite junk; zero them so the planes hold RGB only.
  let rgb = vec4<f32>(1.0, 1.0, 1.0, 0.0);
  v_ssim[p] = m * d_mu1 * rgb;
  v_ssim[n + p] = m * d_s11 * rgb;
  v_ssim[2u * n + p] = m * d_s12 * rgb;
  let diff = image[p].rgb - target_image[p].rgb;
  pixel_sums[p] = vec4<f32>(dot(abs(diff), vec3<f32>(1.0)), s.x + s.y + s.z, dot(diff, diff), 0.0);
}
