// Loss statistics, level 2: a single invocation adds the chunk sums of loss_reduce_chunks.wgsl in
// index order (so the result is bit-identical on every run) and writes the LossStats
// (common/ssim.wgsl), means over 3 channels and all pixels; loss = (1 - lambda) L1 +
// lambda (1 - SSIM) and PSNR = -10 log10(max(MSE, MSE_FLOOR)) for a data range of 1.
#include "common/ssim.wgsl"

@group(0) @binding(0) var<uniform> params: LossParams;
@group(0) @binding(1) var<storage, read> chunk_sums: array<vec4<f32>>;  // [ceil(H * W / LOSS_CHUNK)]
@group(0) @binding(2) var<storage, read_write> stats: LossStats;

@compute @workgroup_size(1)
fn main() {
  let chunks = (params.width * params.height + LOSS_CHUNK - 1u) / LOSS_CHUNK;
  var acc = vec4<f32>(0.0);
  for (var i = 0u; i < chunks; i++) { acc += chunk_sums[i]; }
  let total = acc * params.inv_count;
  let lambda = params.ssim_weight;
  let mse = total.z;
  // log10(v) = log2(v) * log10(2)
  let psnr = -10.0 * log2(max(mse, MSE_FLOOR)) * 0.30102999566398120;
  stats.loss = (1.0 - lambda) * total.x + lambda * (1.0 - total.y);
  stats.l1 = total.x;
  stats.ssim = total.y;
  stats.mse = mse;
  stats.psnr = psnr;
  stats.ssim_weight = lambda;
  stats.pixels = f32(params.width * params.height);
  stats._pad = 0.0;
}
