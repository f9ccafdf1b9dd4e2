// Counter-based random numbers shared by kernels that draw: a draw is a pure function of
// (seed, iteration, stream, index), so two runs with one seed give the same bits.
// src/reference/densify.ts (pcgHash) and src/reference/mcmc.ts (mcmcKey) are the float64 twins.

// PCG hash (O'Neill's RXS-M-XS output of one LCG step).
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Key of one stream at one iteration; draw j of the stream hashes key + j.
fn stream_key(seed: u32, iteration: u32, stream: u32) -> u32 {
  return pcg_hash(pcg_hash(pcg_hash(seed ^ stream) ^ iteration));
}

// Open (0, 1) on a 2^-24 grid: exact in f32, never 0 (log) or 1.
fn unit_open(h: u32) -> f32 {
  return (f32(h >> 8u) + 0.5) * (1.0 / 16777216.0);
}

const HASH_PI: f32 = 3.14159265358979;

// Three N(0, 1) values from the hashes of base .. base + 3: two Box-Muller pairs with angles in
// [-pi, pi], where WGSL bounds the error of cos and sin. src/reference/mcmc.ts noiseNormals and
// src/reference/densify.ts splitNoise are the float64 twins.
fn normal3(base: u32) -> vec3<f32> {
  let u0 = unit_open(pcg_hash(base));
  let u1 = unit_open(pcg_hash(base + 1u));
  let u2 = unit_open(pcg_hash(base + 2u));
  let u3 = unit_open(pcg_hash(base + 3u));
  let r0 = sqrt(-2.0 * log(u0));
  let r1 = sqrt(-2.0 * log(u2));
  let t0 = 2.0 * HASH_PI * u1 - HASH_PI;
  let t1 = 2.0 * HASH_PI * u3 - HASH_PI;
  return vec3<f32>(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1));
}
