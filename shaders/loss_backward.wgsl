// Loss backward, vertical pass and combination. One invocation per pixel q = (x, y): filters the
// 3 planes of v_ssim_h (RGB at once) along column x (zero padding) to get G*v_mu1, G*v_sigma1sq,
// G*v_sigma12, and writes
//   v_image(q) = (1 - lambda) sign(x - y) / (3HW) + G*v_mu1 + 2 x G*v_sigma1sq + y G*v_sigma12,
// the derivative of the loss by image x at q (sign(0) = 0); alpha of v_image is 0.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim_h: array<vec4<f32>>;      // [3, H * W] rgb_, ssim_backward_h.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA
@group(0) @binding(4) var<storage, read_write> v_image: array<vec4<f32>>; // [H, W] dLoss/dimage, alpha 0

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  let h = params.height;
  if (gid.x >= w || gid.y >= h) { return; }
  let n = w * h;
  var g_mu1 = vec4<f32>(0.0);
  var g_s11 = vec4<f32>(0.0);
  var g_s12 = vec4<f32>(0.0);
  let lo = max(i32(gid.y) - SSIM_RADIUS, 0);
  let hi = min(i32(gid.y) + SSIM_RADIUS, i32(h) - 1);
  for (var yi = lo; yi <= hi; yi++) {
    let g = ssim_window[yi - i32(gid.y) + SSIM_RADIUS];
    let q = u32(yi) * w + gid.x;
    g_mu1 += g * v_ssim_h[q];
    g_s11 += g * v_ssim_h[n + q];
    g_s12 += g * v_ssim_h[2u * n + q];
  }
  let p = gid.y * w + gid.x;
  let x = image[p].rgb;
  let y = target_image[p].rgb;
  let v_l1 = (1.0 - params.ssim_weight) * params.inv_count * sign(x - y);
  v_image[p] = vec4<f32>(v_l1 + g_mu1.xyz + 2.0 * x * g_s11.xyz + y * g_s12.xyz, 0.0);
}
