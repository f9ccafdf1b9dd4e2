// Adam update (PyTorch's formulation, as the reference trains with), shared by the vec4 kernel
// (adam4.wgsl, the buffer's whole 256-byte blocks) and the scalar one (adam.wgsl, the rest):
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
// Two learning rates per buffer: element e uses lr_a when (e % period) < first, else lr_b, so the
// SH buffer [N, K, 3] gives its DC coefficients (first 3 of every K * 3) their own rate.
// Selective Adam (row_width > 0): element e belongs to splat e / row_width, and a splat the step's
// projection gave no tiles keeps its parameters and both moments untouched (INRIA's sparse Adam).
// Both kernels compute every element with the same f32 operations, so where the split falls
// never changes a bit.
// Active columns (adam4.wgsl, active_vec4s > 0): only the first active_vec4s of every row of
// row_vec4s are updated, the SH coefficients of the bands the step rendered. The rest have zero
// gradients and, while the active degree only grows, zero moments, so Adam would leave them as
// they are: skipping them changes no bit (src/kernels/adam.ts, AdamStep.columns).
#include "common/projected.wgsl"

// Invocations per workgroup of both kernels (src/kernels/adam.ts reads it).
const ADAM_WG: u32 = 256u;

struct AdamParams {
  lr_a: f32,
  lr_b: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  bias1: f32,   // 1 - beta1^t
  bias2: f32,   // 1 - beta2^t
  count: u32,   // elements this dispatch's views hold
  period: u32,
  first: u32,
  one_minus_beta1: f32, // from float64 on the host: 1 - 0.999 in f32 is off by 1.3e-5
  one_minus_beta2: f32,
  row_width: u32, // selective Adam: f32 per splat row; 0 updates every element
  base: u32,      // the buffer index of this dispatch's element 0
  row_vec4s: u32,    // adam4.wgsl: vec4s per row of the buffer, when active_vec4s > 0
  active_vec4s: u32, // adam4.wgsl: update only the first active_vec4s of every row; 0: all
}

struct AdamState {
  param: vec4<f32>,
  m: vec4<f32>,
  v: vec4<f32>,
}

// The learning rate of the element with buffer index e.
fn adam_lr(a: AdamParams, e: u32) -> f32 {
  return select(a.lr_b, a.lr_a, e % a.period < a.first);
}

// Elements e0 .. e0 + 3 against a period n: e0 % n plus 0..3, wrapped below n (at most three
// times: the sums stay below n + 3), and how often each wrapped, so (e0 + k) / n = e0 / n + wraps.
// A software adapter divides per lane and component; one division instead of four: 0.90x Adam's
// time (bench/README.md).
struct Residues4 {
  r: vec4<u32>,
  wraps: vec4<u32>,
}

fn residues4(e0: u32, n: u32) -> Residues4 {
  let nn = vec4<u32>(n);
  var out = Residues4(vec4<u32>(e0 % n) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(0u));
  for (var k = 0u; k < 3u; k++) {
    let wrap = out.r >= nn;
    out.r = select(out.r, out.r - nn, wrap);
    out.wraps += select(vec4<u32>(0u), vec4<u32>(1u), wrap);
  }
  return out;
}

// The learning rates of elements e0 .. e0 + 3.
fn adam_lr4(a: AdamParams, e0: u32) -> vec4<f32> {
  return select(vec4<f32>(a.lr_b), vec4<f32>(a.lr_a), residues4(e0, a.period).r < vec4<u32>(a.first));
}

// The splat rows (element / row_width, row_width > 0) of elements e0 .. e0 + 3.
fn adam_rows4(a: AdamParams, e0: u32) -> vec4<u32> {
  return vec4<u32>(e0 / a.row_width) + residues4(e0, a.row_width).wraps;
}

// Updates four elements with learning rates lr; `keep` marks those left as they are.
fn adam_update(a: AdamParams, lr: vec4<f32>, keep: vec4<bool>, s: AdamState, g: vec4<f32>) -> AdamState {
  var out: AdamState;
  out.m = a.beta1 * s.m + a.one_minus_beta1 * g;
  out.v = a.beta2 * s.v + a.one_minus_beta2 * g * g;
  out.param = s.param - lr * (out.m / a.bias1) / (sqrt(out.v / a.bias2) + a.eps);
  out.param = select(out.param, s.param, keep);
  out.m = select(out.m, s.m, keep);
  out.v = select(out.v, s.v, keep);
  return out;
}
