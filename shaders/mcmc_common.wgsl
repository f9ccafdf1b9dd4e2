// Include (no entry point) shared by the mcmc_* kernels: the counter-based hash that keys every
// draw by (seed, iteration, stream, index), the integer draw target, and the relocation update of
// one splat. src/reference/mcmc.ts is the float64 twin of each function.
#include "common/hash.wgsl"

// Streams keeping the draws of each round and the noise independent.
const MCMC_STREAM_RELOCATE: u32 = 0x6d636d30u;
const MCMC_STREAM_ADD: u32 = 0x6d636d31u;
const MCMC_STREAM_NOISE: u32 = 0x6d636d32u;
// The offsets of the copies made by a relocation round and by a growth round.
const MCMC_STREAM_RELOCATE_SPREAD: u32 = 0x6d636d33u;
const MCMC_STREAM_ADD_SPREAD: u32 = 0x6d636d34u;

// floor(a * b / 2^32), exact, from 16-bit halves (WGSL has no 64-bit integers).
fn mul_hi32(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u;
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let lo_lo = a0 * b0;
  let hi_lo = a1 * b0;
  let lo_hi = a0 * b1;
  // < 3 * 2^16: no overflow.
  let mid = (lo_lo >> 16u) + (hi_lo & 0xffffu) + (lo_hi & 0xffffu);
  return a1 * b1 + (hi_lo >> 16u) + (lo_hi >> 16u) + (mid >> 16u);
}

// 2^bits, the opacity resolution of the integer draw weights of n rows: n * 2^bits <= 2^31, so
// the weights and n dead flags sum below 2^32; at most 2^16.
fn mcmc_weight_scale(n: u32) -> f32 {
  let ceil_log2 = select(32u - countLeadingZeros(n - 1u), 0u, n <= 1u);
  return f32(1u << min(16u, 31u - ceil_log2));
}

// A source drawn more often than this counts as drawn this often (gsplat's binomial table).
const MCMC_MAX_RATIO: u32 = 51u;
// Largest opacity a relocation writes: 1 - 2^-23.
const MCMC_MAX_OPACITY: f32 = 0.99999988079071044921875;

struct Relocated {
  logit: f32,
  // Added to each log-scale: log(o / D(o', n)).
  log_coeff: f32,
}

// One of n = min(ratio, 51) copies of a splat of opacity logit `l`:
//   o' = clamp(1 - (1 - o)^(1/n), min_opacity, 1 - 2^-23),
//   scale * o / D(o', n),  D(o', n) = sum_{j=1..n} C(n, j) (-1)^(j-1) o'^j / sqrt(j).
// D is the paper's double sum sum_{i=1..n} sum_{k<i} C(i-1, k) (-1)^k o'^(k+1) / sqrt(k+1)
// collapsed by the hockey-stick identity sum_{i=k+1..n} C(i-1, k) = C(n, k+1). The alternating
// sum cancels: in f32 it is accurate to about 1e-7 * max_j C(n, j) o'^j / D, small for the few
// draws per source that relocation makes (test/kernels/mcmc.test.ts measures it).
fn mcmc_relocated(l: f32, ratio: u32, min_opacity: f32) -> Relocated {
  let n = clamp(ratio, 1u, MCMC_MAX_RATIO);
  // log(1 - o) = -softplus(l), without forming 1 - o.
  let softplus = max(l, 0.0) + log(1.0 + exp(-abs(l)));
  let o = 1.0 / (1.0 + exp(-l));
  let one_minus = exp(-softplus / f32(n));
  let o2 = clamp(1.0 - one_minus, min_opacity, MCMC_MAX_OPACITY);
  var d = 0.0;
  var c = 1.0;      // C(n, j)
  var p = 1.0;      // o'^j
  var sign = 1.0;
  for (var j = 1u; j <= n; j++) {
    c = c * f32(n - j + 1u) / f32(j);
    p = p * o2;
    d += sign * c * p / sqrt(f32(j));
    sign = -sign;
  }
  return Relocated(log(o2 / (1.0 - o2)), log(o / d));
}
