// SSIM map and its local derivatives. One invocation per pixel p = (x, y): filters the 5 moment
// planes along column x (vertical half of the separable 11 x 11 window, zero padding), then
// common/ssim_pixel.wgsl gives SSIM(p) and its derivatives by the filtered moments, already
// times -lambda / (3HW). Writes them to v_ssim (the metrics-only path writes them too and
// ignores them), and the pixel's sums over channels of |x - y|, SSIM and (x - y)^2, which
// loss_reduce_*.wgsl add up in a fixed order. ssim_map_strip.wgsl is the CPU-adapter form.
#include "common/ssim.wgsl"
#include "common/ssim_pixel.wgsl"

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
  var f = moments_zero();
  let lo = max(i32(gid.y) - SSIM_RADIUS, 0);
  let hi = min(i32(gid.y) + SSIM_RADIUS, i32(h) - 1);
  for (var yi = lo; yi <= hi; yi++) {
    let g = ssim_window[yi - i32(gid.y) + SSIM_RADIUS];
    let q = u32(yi) * w + gid.x;
    f.x += g * moments_h[q].xyz;
    f.y += g * moments_h[n + q].xyz;
    f.xx += g * moments_h[2u * n + q].xyz;
    f.yy += g * moments_h[3u * n + q].xyz;
    f.xy += g * moments_h[4u * n + q].xyz;
  }
  let p = gid.y * w + gid.x;
  let r = ssim_pixel(f, image[p].rgb, target_image[p].rgb, params);
  v_ssim[p] = vec4<f32>(r.v.mu1, 0.0);
  v_ssim[n + p] = vec4<f32>(r.v.s11, 0.0);
  v_ssim[2u * n + p] = vec4<f32>(r.v.s12, 0.0);
  pixel_sums[p] = r.sums;
}
