// SSIM map and its local derivatives, CPU-adapter form of ssim_map.wgsl (same bits): one
// invocation per strip of LOSS_STRIP pixels down column x, starting at y0 = LOSS_STRIP * gid.y;
// each row of the moment planes is loaded once for every output it reaches
// (common/ssim_strip.wgsl). The per-pixel math is ssim_map.wgsl's, in common/ssim_pixel.wgsl.
#include "common/dispatch.wgsl"
#include "common/ssim.wgsl"
#include "common/ssim_strip.wgsl"
#include "common/ssim_pixel.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> moments_h: array<vec4<f32>>;     // [5, H * W] rgb_, ssim_blur_h*.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA
@group(0) @binding(4) var<storage, read_write> v_ssim: array<vec4<f32>>;  // [3, H * W] rgb_: v_mu1, v_sigma1sq, v_sigma12
@group(0) @binding(5) var<storage, read_write> pixel_sums: array<vec4<f32>>; // [H * W] sum |x-y|, sum SSIM, sum (x-y)^2, 0

alias StripBase = ColumnStrip;

alias Tap = Moments;
alias Sum = Moments;

// A plane's RGB at index q, three loads instead of the vec4's four.
fn rgb(q: u32) -> vec3<f32> {
  return vec3<f32>(moments_h[q].x, moments_h[q].y, moments_h[q].z);
}

fn strip_load(b: StripBase, d: i32) -> Tap {
  let t = column_tap(b.x, b.y0 + d, b.w, b.h);
  let n = b.n;
  return Tap(t.k * rgb(t.q), t.k * rgb(n + t.q), t.k * rgb(2u * n + t.q), t.k * rgb(3u * n + t.q), t.k * rgb(4u * n + t.q));
}

fn strip_add(s: Sum, t: Tap, g: f32) -> Sum {
  return moments_add(s, t, g);
}

fn strip_zero() -> Sum {
  return moments_zero();
}

@compute @workgroup_size(LOSS_STRIP_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // (column x, strip down the column)
  let gid = strip_cell(linear_index(wg, nwg, li, LOSS_STRIP_WG), params.width);
  let w = params.width;
  let h = params.height;
  let y0 = gid.y * LOSS_STRIP;
  if (gid.x >= w || y0 >= h) { return; }
  let n = w * h;
  let sums = strip_filter(StripBase(gid.x, i32(y0), w, i32(h), n));
  for (var j = 0u; j < LOSS_STRIP; j++) {
    if (y0 + j >= h) { break; }
    let p = (y0 + j) * w + gid.x;
    let r = ssim_pixel(sums[j], image[p].rgb, target_image[p].rgb, params);
    v_ssim[p] = vec4<f32>(r.v.mu1, 0.0);
    v_ssim[n + p] = vec4<f32>(r.v.s11, 0.0);
    v_ssim[2u * n + p] = vec4<f32>(r.v.s12, 0.0);
    pixel_sums[p] = r.sums;
  }
}
