// SSIM moments, horizontal pass, CPU-adapter form of ssim_blur_h.wgsl (same bits): one invocation
// per strip of LOSS_STRIP pixels along row y, starting at x0 = LOSS_STRIP * gid.x, so each tap of
// image and target is loaded once for every output it reaches (common/ssim_strip.wgsl).
#include "common/dispatch.wgsl"
#include "common/ssim.wgsl"
#include "common/ssim_strip.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA, alpha unused
@group(0) @binding(2) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA, alpha unused
@group(0) @binding(3) var<storage, read_write> moments_h: array<vec4<f32>>; // [5, H * W] rgb_

alias StripBase = RowStrip;

// Image x and target y at one pixel, alpha dropped.
struct Tap {
  x: vec3<f32>,
  y: vec3<f32>,
}

alias Sum = Moments;

fn strip_load(b: StripBase, d: i32) -> Tap {
  let t = row_tap(b.row, b.x0 + d, b.w);
  return Tap(t.k * image[t.q].rgb, t.k * target_image[t.q].rgb);
}

// As ssim_blur_h.wgsl: the products of a weighted tap, (g x) x, not g (x x).
fn strip_add(s: Sum, t: Tap, g: f32) -> Sum {
  let gx = g * t.x;
  let gy = g * t.y;
  return Sum(s.x + gx, s.y + gy, s.xx + gx * t.x, s.yy + gy * t.y, s.xy + gx * t.y);
}

fn strip_zero() -> Sum {
  return moments_zero();
}

@compute @workgroup_size(LOSS_STRIP_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // (strip along the row, row y)
  let gid = strip_cell(linear_index(wg, nwg, li, LOSS_STRIP_WG), (params.width + LOSS_STRIP - 1u) / LOSS_STRIP);
  let w = params.width;
  let x0 = gid.x * LOSS_STRIP;
  if (x0 >= w || gid.y >= params.height) { return; }
  let row = gid.y * w;
  let n = w * params.height;
  let sums = strip_filter(StripBase(row, i32(x0), i32(w), n));
  for (var j = 0u; j < LOSS_STRIP; j++) {
    if (x0 + j >= w) { break; }
    let p = row + x0 + j;
    let s = sums[j];
    moments_h[p] = vec4<f32>(s.x, 0.0);
    moments_h[n + p] = vec4<f32>(s.y, 0.0);
    moments_h[2u * n + p] = vec4<f32>(s.xx, 0.0);
    moments_h[3u * n + p] = vec4<f32>(s.yy, 0.0);
    moments_h[4u * n + p] = vec4<f32>(s.xy, 0.0);
  }
}
