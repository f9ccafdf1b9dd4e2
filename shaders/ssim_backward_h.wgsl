// SSIM backward, horizontal pass. One invocation per pixel (x, y): filters each of the 3 planes
// of v_ssim (RGB at once) along row y with the 11-tap window (zero padding) into v_ssim_h. The
// window is symmetric, so this correlation is the adjoint of the forward filter.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim: array<vec4<f32>>;          // [3, H * W] rgb_, ssim_map.wgsl
@group(0) @binding(2) var<storage, read_write> v_ssim_h: array<vec4<f32>>;  // [3, H * W] rgb_

@compute @workgroup_size(LOSS_WG, LOSS_WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let w = params.width;
  if (gid.x >= w || gid.y >= params.height) { return; }
  let n = w * params.height;
  let row = gid.y * w;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  let lo = max(i32(gid.x) - SSIM_RADIUS, 0);
  let hi = min(i32(gid.x) + SSIM_RADIUS, i32(w) - 1);
  for (var xi = lo; xi <= hi; xi++) {
    let g = ssim_window[xi - i32(gid.x) + SSIM_RADIUS];
    let q = row + u32(xi);
    a0 += g * v_ssim[q];
    a1 += g * v_ssim[n + q];
    a2 += g * v_ssim[2u * n + q];
  }
  let p = row + gid.x;
  v_ssim_h[p] = a0;
  v_ssim_h[n + p] = a1;
  v_ssim_h[2u * n + p] = a2;
}
