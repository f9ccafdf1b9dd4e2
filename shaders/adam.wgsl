// Adam update: one invocation per parameter element e < count (PyTorch's formulation, as the
// reference trains with): m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
// p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
// Two learning rates per buffer: element e uses lr_a when (e % period) < first, else lr_b, so the
// SH buffer [N, K, 3] gives its DC coefficients (first 3 of every K * 3) their own rate.
// Selective Adam (row_width > 0): element e belongs to splat e / row_width, and a splat the step's
// projection gave no tiles keeps its parameters and both moments untouched (INRIA's sparse Adam).
#include "common/dispatch.wgsl"
#include "common/projected.wgsl"

struct AdamParams {
  lr_a: f32,
  lr_b: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  bias1: f32,   // 1 - beta1^t
  bias2: f32,   // 1 - beta2^t
  count: u32,   // elements to update
  period: u32,
  first: u32,
  one_minus_beta1: f32, // from float64 on the host: 1 - 0.999 in f32 is off by 1.3e-5
  one_minus_beta2: f32,
  row_width: u32, // selective Adam: f32 per splat row; 0 updates every element
}

@group(0) @binding(0) var<uniform> params: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;  // [count]
@group(0) @binding(2) var<storage, read> grad: array<f32>;         // [count]
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;     // [count] first moment
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;     // [count] second moment
@group(0) @binding(5) var<storage, read> projected: array<ProjectedSplat>; // [count / row_width] this step's projection (unread when row_width = 0)

const ADAM_WG: u32 = 256u;

@compute @workgroup_size(ADAM_WG)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linear_index(wg, nwg, li, ADAM_WG);
  if (e >= params.count) { return; }
  if (params.row_width != 0u && projected[e / params.row_width].tiles == 0u) { return; }
  let g = grad[e];
  let m = params.beta1 * m1[e] + params.one_minus_beta1 * g;
  let v = params.beta2 * m2[e] + params.one_minus_beta2 * g * g;
  m1[e] = m;
  m2[e] = v;
  let lr = select(params.lr_b, params.lr_a, (e % params.period) < params.first);
  param[e] = param[e] - lr * (m / params.bias1) / (sqrt(v / params.bias2) + params.eps);
}
