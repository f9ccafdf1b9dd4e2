// Loss backward, vertical pass and combination. One invocation per pixel q = (x, y): filters the
// 9 planes of v_ssim_h along column x (zero padding) to get, per channel, G*v_mu1, G*v_sigma1sq,
// G*v_sigma12, and writes
//   v_image(q) = (1 - lambda) sign(x - y) / (3HW) + G*v_mu1 + 2 x G*v_sigma1sq + y G*v_sigma12,
// the derivative of the loss by image x at q (sign(0) = 0); alpha of v_image is 0.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim_h: array<f32>;            // [9, H * W] f32, ssim_backward_h.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W, 4] f32 RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W, 4] f32 RGBA
@group(0) @binding(4) var<storage, read_write> v_image: array<vec4<f32>>; // [H, W, 4] f32 dLoss/dimage, alpha 0

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  let h = params.height;
  if (gid.x >= w || gid.y >= h) { return; }
  let n = w * h;
  var acc: array<f32, 9>;
  for (var k = 0u; k < SSIM_TAPS; k++) {
    let yi = i32(gid.y) + i32(k) - SSIM_RADIUS;
    if (yi < 0 || yi >= i32(h)) { continue; }
    let g = ssim_window[k];
    let q = u32(yi) * w + gid.x;
    for (var j = 0u; j < 9u; j++) { acc[j] += g * v_ssim_h[j * n + q]; }
  }
  let p = gid.y * w + gid.x;
  let x = image[p].rgb;
  let y = target_image[p].rgb;
  let g_mu1 = vec3<f32>(acc[0], acc[1], acc[2]);
  let g_s11 = vec3<f32>(acc[3], acc[4], acc[5]);
  let g_s12 = vec3<f32>(acc[6], acc[7], acc[8]);
  let v_l1 = (1.0 - params.ssim_weight) * params.inv_count * sign(x - y);
  v_image[p] = vec4<f32>(v_l1 + g_mu1 + 2.0 * x * g_s11 + y * g_s12, 0.0);
}
