// SSIM map and its local derivatives. One invocation per pixel p = (x, y): filters the 15 planes
// of moments_h along column x (vertical half of the separable 11 x 11 window, zero padding) to
// get, per channel, mu1 = G*x, mu2 = G*y, sigma1^2 = G*x^2 - mu1^2, sigma2^2, sigma12 = G*xy -
// mu1 mu2, then SSIM(p) = (2 mu1 mu2 + C1)(2 sigma12 + C2) / ((mu1^2 + mu2^2 + C1)(sigma1^2 +
// sigma2^2 + C2)) (no clamps, as the reference implementation).
// Writes v_ssim: dLoss/dmu1 (total, holding G*x^2 and G*xy fixed), dLoss/d(G*x^2) =
// dLoss/dsigma1^2 and dLoss/d(G*xy) = dLoss/dsigma12, each already times m = -lambda / (3HW),
// the derivative of lambda * (1 - mean SSIM) by SSIM(p). The metrics-only path writes them too
// and ignores them.
// Also reduces the workgroup's sum over pixels and channels of |x - y|, SSIM and (x - y)^2 in a
// fixed tree order into partial_sums[workgroup] (deterministic: no atomics).
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> moments_h: array<f32>;           // [15, H * W] f32, ssim_blur_h.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W, 4] f32 RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W, 4] f32 RGBA
@group(0) @binding(4) var<storage, read_write> v_ssim: array<f32>;        // [9, H * W] f32: planes c, 3 + c, 6 + c = v_mu1, v_sigma1sq, v_sigma12 of channel c
@group(0) @binding(5) var<storage, read_write> partial_sums: array<vec4<f32>>; // [groups] sum |x-y|, sum SSIM, sum (x-y)^2, 0

var<workgroup> sums: array<vec4<f32>, LOSS_REDUCE_WG>;

fn plane3(q: u32, n: u32, p: u32) -> vec3<f32> {
  return vec3<f32>(moments_h[(q + 0u) * n + p], moments_h[(q + 1u) * n + p], moments_h[(q + 2u) * n + p]);
}

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let w = params.width;
  let h = params.height;
  var acc = vec4<f32>(0.0);
  // No early return: every invocation must reach the barriers of the reduction below.
  if (gid.x < w && gid.y < h) {
    let n = w * h;
    var mu1 = vec3<f32>(0.0);
    var mu2 = vec3<f32>(0.0);
    var exx = vec3<f32>(0.0);
    var eyy = vec3<f32>(0.0);
    var exy = vec3<f32>(0.0);
    for (var k = 0u; k < SSIM_TAPS; k++) {
      let yi = i32(gid.y) + i32(k) - SSIM_RADIUS;
      if (yi < 0 || yi >= i32(h)) { continue; }
      let g = ssim_window[k];
      let q = u32(yi) * w + gid.x;
      mu1 += g * plane3(0u, n, q);
      mu2 += g * plane3(3u, n, q);
      exx += g * plane3(6u, n, q);
      eyy += g * plane3(9u, n, q);
      exy += g * plane3(12u, n, q);
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
    for (var c = 0u; c < 3u; c++) {
      v_ssim[(0u + c) * n + p] = m * d_mu1[c];
      v_ssim[(3u + c) * n + p] = m * d_s11[c];
      v_ssim[(6u + c) * n + p] = m * d_s12[c];
    }
    let diff = image[p].rgb - target_image[p].rgb;
    acc = vec4<f32>(dot(abs(diff), vec3<f32>(1.0)), s.x + s.y + s.z, dot(diff, diff), 0.0);
  }
  sums[li] = acc;
  workgroupBarrier();
  for (var stride = LOSS_REDUCE_WG / 2u; stride > 0u; stride >>= 1u) {
    if (li < stride) { sums[li] += sums[li + stride]; }
    workgroupBarrier();
  }
  if (li == 0u) { partial_sums[wid.y * nwg.x + wid.x] = sums[0]; }
}
