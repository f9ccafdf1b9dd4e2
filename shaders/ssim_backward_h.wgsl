// SSIM backward, horizontal pass. One invocation per pixel (x, y): filters each of the 9 planes
// of v_ssim along row y with the 11-tap window (zero padding) into v_ssim_h. The window is
// symmetric, so this correlation is the adjoint of the forward filter.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim: array<f32>;              // [9, H * W] f32, ssim_map.wgsl
@group(0) @binding(2) var<storage, read_write> v_ssim_h: array<f32>;      // [9, H * W] f32

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  if (gid.x >= w || gid.y >= params.height) { return; }
  let n = w * params.height;
  let row = gid.y * w;
  var acc: array<f32, 9>;
  for (var k = 0u; k < SSIM_TAPS; k++) {
    let xi = i32(gid.x) + i32(k) - SSIM_RADIUS;
    if (xi < 0 || xi >= i32(w)) { continue; }
    let g = ssim_window[k];
    let q = row + u32(xi);
    for (var j = 0u; j < 9u; j++) { acc[j] += g * v_ssim[j * n + q]; }
  }
  for (var j = 0u; j < 9u; j++) { v_ssim_h[j * n + row + gid.x] = acc[j]; }
}
