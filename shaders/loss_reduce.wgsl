// Loss statistics. A single workgroup of LOSS_REDUCE_WG invocations: invocation i sums
// partial_sums[i], [i + LOSS_REDUCE_WG], ... in index order, then the workgroup adds those in a
// fixed tree, so the result is bit-identical on every run. Invocation 0 writes
//   stats = [loss, L1, SSIM, MSE, PSNR (dB), lambda, W * H, 0],
// means over 3 channels and all pixels; loss = (1 - lambda) L1 + lambda (1 - SSIM) and
// PSNR = -10 log10(max(MSE, MSE_FLOOR)) for a data range of 1.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> partial_sums: array<vec4<f32>>;  // [groups] from ssim_map.wgsl
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;         // [8] f32

var<workgroup> sums: array<vec4<f32>, LOSS_REDUCE_WG>;

@compute @workgroup_size(LOSS_REDUCE_WG)
fn main(@builtin(local_invocation_index) li: u32) {
  let groups = ((params.width + LOSS_WG - 1u) / LOSS_WG) * ((params.height + LOSS_WG - 1u) / LOSS_WG);
  var acc = vec4<f32>(0.0);
  for (var i = li; i < groups; i += LOSS_REDUCE_WG) { acc += partial_sums[i]; }
  sums[li] = acc;
  workgroupBarrier();
  for (var stride = LOSS_REDUCE_WG / 2u; stride > 0u; stride >>= 1u) {
    if (li < stride) { sums[li] += sums[li + stride]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    let total = sums[0] * params.inv_count;
    let lambda = params.ssim_weight;
    let mse = total.z;
    // log10(v) = log2(v) * log10(2)
    let psnr = -10.0 * log2(max(mse, MSE_FLOOR)) * 0.30102999566398120;
    stats[0] = (1.0 - lambda) * total.x + lambda * (1.0 - total.y);
    stats[1] = total.x;
    stats[2] = total.y;
    stats[3] = mse;
    stats[4] = psnr;
    stats[5] = lambda;
    stats[6] = f32(params.width * params.height);
    stats[7] = 0.0;
  }
}
