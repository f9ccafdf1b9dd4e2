// Loss backward, vertical pass and combination, CPU-adapter form of loss_backward.wgsl (same
// bits): one invocation per strip of LOSS_STRIP pixels down column x, starting at
// y0 = LOSS_STRIP * gid.y; each row of the 3 planes of v_ssim_h is loaded once for every output it
// reaches (common/ssim_strip.wgsl). v_image as loss_backward.wgsl.
#include "common/dispatch.wgsl"
#include "common/ssim.wgsl"
#include "common/ssim_strip.wgsl"
#include "common/ssim_strip_grads.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim_h: array<vec4<f32>>;      // [3, H * W] rgb_, ssim_backward_h*.wgsl
@group(0) @binding(2) var<storage, read> image: array<vec4<f32>>;         // [H, W] RGBA
@group(0) @binding(3) var<storage, read> target_image: array<vec4<f32>>;  // [H, W] RGBA
@group(0) @binding(4) var<storage, read_write> v_image: array<vec4<f32>>; // [H, W] dLoss/dimage, alpha 0

alias StripBase = ColumnStrip;

fn strip_load(b: StripBase, d: i32) -> Tap {
  let t = column_tap(b.x, b.y0 + d, b.w, b.h);
  return Tap(t.k * v_ssim_h[t.q].xyz, t.k * v_ssim_h[b.n + t.q].xyz, t.k * v_ssim_h[2u * b.n + t.q].xyz);
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
  let sums = strip_filter(StripBase(gid.x, i32(y0), w, i32(h), w * h));
  for (var j = 0u; j < LOSS_STRIP; j++) {
    if (y0 + j >= h) { break; }
    let p = (y0 + j) * w + gid.x;
    let x = image[p].rgb;
    let y = target_image[p].rgb;
    let g = sums[j];
    let v_l1 = (1.0 - params.ssim_weight) * params.inv_count * sign(x - y);
    v_image[p] = vec4<f32>(v_l1 + g.mu1 + 2.0 * x * g.s11 + y * g.s12, 0.0);
  }
}
