// SSIM moments, horizontal pass. One invocation per pixel (x, y): filters the five moments x, y,
// x*x, y*y, x*y of image x and target y (RGB at once) along row y with the 11-tap window and
// writes them to moments_h (common/ssim.wgsl layout). Taps outside the image contribute zero
// (zero padding).
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA, alpha unused
@group(0) @binding(2) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA, alpha unused
@group(0) @binding(3) var<storage, read_write> moments_h: array<vec4<f32>>; // [5, H * W] rgb_

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  if (gid.x >= w || gid.y >= params.height) { return; }
  let row = gid.y * w;
  var sx = vec4<f32>(0.0);
  var sy = vec4<f32>(0.0);
  var sxx = vec4<f32>(0.0);
  var syy = vec4<f32>(0.0);
  var sxy = vec4<f32>(0.0);
  let lo = max(i32(gid.x) - SSIM_RADIUS, 0);
  let hi = min(i32(gid.x) + SSIM_RADIUS, i32(w) - 1);
  for (var xi = lo; xi <= hi; xi++) {
    let g = ssim_window[xi - i32(gid.x) + SSIM_RADIUS];
    let a = vec4<f32>(image[row + u32(xi)].rgb, 0.0);
    let b = vec4<f32>(target_image[row + u32(xi)].rgb, 0.0);
    let ga = g * a;
    let gb = g * b;
    sx += ga;
    sy += gb;
    sxx += ga * a;
    syy += gb * b;
    sxy += ga * b;
  }
  let n = w * params.height;
  let p = row + gid.x;
  moments_h[p] = sx;
  moments_h[n + p] = sy;
  moments_h[2u * n + p] = sxx;
  moments_h[3u * n + p] = syy;
  moments_h[4u * n + p] = sxy;
}
