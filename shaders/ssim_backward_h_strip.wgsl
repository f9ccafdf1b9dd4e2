// SSIM backward, horizontal pass, CPU-adapter form of ssim_backward_h.wgsl (same bits): one
// invocation per strip of LOSS_STRIP pixels along row y, starting at x0 = LOSS_STRIP * gid.x;
// each tap of the 3 planes is loaded once for every output it reaches (common/ssim_strip.wgsl).
#include "common/dispatch.wgsl"
#include "common/ssim.wgsl"
#include "common/ssim_strip.wgsl"
#include "common/ssim_strip_grads.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> v_ssim: array<vec4<f32>>;          // [3, H * W] rgb_, ssim_map*.wgsl
@group(0) @binding(2) var<storage, read_write> v_ssim_h: array<vec4<f32>>;  // [3, H * W] rgb_

alias StripBase = RowStrip;

fn strip_load(b: StripBase, d: i32) -> Tap {
  let t = row_tap(b.row, b.x0 + d, b.w);
  return Tap(t.k * v_ssim[t.q].xyz, t.k * v_ssim[b.n + t.q].xyz, t.k * v_ssim[2u * b.n + t.q].xyz);
}

@compute @workgroup_size(LOSS_STRIP_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  // (strip along the row, row y)
  let gid = strip_cell(linear_index(wg, nwg, li, LOSS_STRIP_WG), (params.width + LOSS_STRIP - 1u) / LOSS_STRIP);
  let w = params.width;
  let x0 = gid.x * LOSS_STRIP;
  if (x0 >= w || gid.y >= params.height) { return; }
  let n = w * params.height;
  let row = gid.y * w;
  let sums = strip_filter(StripBase(row, i32(x0), i32(w), n));
  for (var j = 0u; j < LOSS_STRIP; j++) {
    if (x0 + j >= w) { break; }
    let p = row + x0 + j;
    v_ssim_h[p] = vec4<f32>(sums[j].mu1, 0.0);
    v_ssim_h[n + p] = vec4<f32>(sums[j].s11, 0.0);
    v_ssim_h[2u * n + p] = vec4<f32>(sums[j].s12, 0.0);
  }
}
