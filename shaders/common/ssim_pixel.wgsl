// The SSIM map at one pixel from its filtered moments, and its local derivatives (ssim_map.wgsl
// and ssim_map_strip.wgsl): per channel (RGB at once), mu1 = G*x, mu2 = G*y,
// sigma1^2 = G*x^2 - mu1^2, sigma2^2, sigma12 = G*xy - mu1 mu2, then
// SSIM = (2 mu1 mu2 + C1)(2 sigma12 + C2) / ((mu1^2 + mu2^2 + C1)(sigma1^2 + sigma2^2 + C2)) (no
// clamps, as the reference implementation). The derivatives are dLoss/dmu1 (total, holding G*x^2
// and G*xy fixed), dLoss/d(G*x^2) = dLoss/dsigma1^2 and dLoss/d(G*xy) = dLoss/dsigma12, each
// already times m = -lambda / (3HW), the derivative of lambda * (1 - mean SSIM) by SSIM(p).
// Needs common/ssim.wgsl.

struct SsimPixel {
  v: GradPlanes,
  // Sums over channels of |x - y|, SSIM and (x - y)^2, then 0 (loss_reduce_*.wgsl add them up).
  sums: vec4<f32>,
}

fn ssim_pixel(f: Moments, x: vec3<f32>, y: vec3<f32>, params: LossParams) -> SsimPixel {
  let mu1 = f.x;
  let mu2 = f.y;
  let s11 = f.xx - mu1 * mu1;
  let s22 = f.yy - mu2 * mu2;
  let s12 = f.xy - mu1 * mu2;
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
  let diff = x - y;
  return SsimPixel(
    GradPlanes(m * d_mu1, m * d_s11, m * d_s12),
    vec4<f32>(dot(abs(diff), vec3<f32>(1.0)), s.x + s.y + s.z, dot(diff, diff), 0.0),
  );
}
