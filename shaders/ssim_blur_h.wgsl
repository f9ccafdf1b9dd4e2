// SSIM moments, horizontal pass. One invocation per pixel (x, y): for each RGB channel it filters
// the five moments x, y, x*x, y*y, x*y of image x and target y along row y with the 11-tap
// window and writes them to moments_h. Taps outside the image contribute zero (zero padding).
// Plane q * 3 + c of moments_h holds moment q (0 x, 1 y, 2 xx, 3 yy, 4 xy) of channel c.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> image: array<vec4<f32>>;         // [H, W, 4] f32 RGBA, alpha unused
@group(0) @binding(2) var<storage, read> target_image: array<vec4<f32>>;  // [H, W, 4] f32 RGBA, alpha unused
@group(0) @binding(3) var<storage, read_write> moments_h: array<f32>;     // [15, H * W] f32 planes

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  if (gid.x >= w || gid.y >= params.height) { return; }
  let row = gid.y * w;
  var sx = vec3<f32>(0.0);
  var sy = vec3<f32>(0.0);
  var sxx = vec3<f32>(0.0);
  var syy = vec3<f32>(0.0);
  var sxy = vec3<f32>(0.0);
  for (var k = 0u; k < SSIM_TAPS; k++) {
    let xi = i32(gid.x) + i32(k) - SSIM_RADIUS;
    if (xi < 0 || xi >= i32(w)) { continue; }
    let g = ssim_window[k];
    let a = image[row + u32(xi)].rgb;
    let b = target_image[row + u32(xi)].rgb;
    sx += g * a;
    sy += g * b;
    sxx += g * a * a;
    syy += g * b * b;
    sxy += g * a * b;
  }
  let n = w * params.height;
  let p = row + gid.x;
  for (var c = 0u; c < 3u; c++) {
    moments_h[(0u + c) * n + p] = sx[c];
    moments_h[(3u + c) * n + p] = sy[c];
    moments_h[(6u + c) * n + p] = sxx[c];
    moments_h[(9u + c) * n + p] = syy[c];
    moments_h[(12u + c) * n + p] = sxy[c];
  }
}
