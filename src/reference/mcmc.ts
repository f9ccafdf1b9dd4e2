/**
 * Float64 CPU reference of MCMC densification (3DGS-MCMC, Kheradmand et al. 2024, as gsplat's
 * MCMCStrategy implements it), pure functions over host copies of the trainer's state:
 *
 *   - relocation: every dead splat (opacity <= minOpacity) becomes a copy of a live one drawn with
 *     probability proportional to opacity; a source drawn k times and its k copies all take the
 *     opacity o' = 1 - (1 - o)^(1/(k+1)) and the scale s * o / D(o', k+1), with
 *     D(o', n) = sum_{i=1..n} sum_{k=0..i-1} C(i-1, k) (-1)^k o'^(k+1) / sqrt(k+1)   (the paper's
 *     eq. 9), so the n copies composite to about the original's opacity and footprint;
 *   - growth: the same draw over every splat, the copies appended as new rows;
 *   - position noise: means += scaler * sigmoid(-100 (o - 0.005)) * Sigma z, z ~ N(0, I), Sigma the
 *     splat's covariance, so only nearly transparent splats wander;
 *   - the regularisers lambda_o mean(o) + lambda_s mean(exp(logScale)) and their gradients.
 *
 * Draws are integer: weights w = max(1, floor(o * 2^bits)) (0 for ineligible rows), an exact
 * exclusive prefix sum, and a target floor(h * total / 2^32) from a counter-based hash h of
 * (seed, iteration, round, draw), so the GPU reproduces the same sources. Adam moments move with
 * the rows: the copies and every drawn source restart with zero moments (gsplat zeroes the
 * sources'; a copy's old moments belong to the dead splat it replaces, so they are zeroed too).
 * Written independently of the GPU kernels (shaders/mcmc_*.wgsl); it imports only the hash, its
 * normal draw and the Gaussian sample offset from the densification reference.
 */
import { type HostSplats, HOST_GROUPS, cloneHost, emptyHost, gaussianOffset, hashNormals, hostWidth, pcgHash } from './densify';
import { quatToRotation, sigmoid } from './math';

/** A source drawn more often than this counts as drawn this often (gsplat's binomial table). */
export const MCMC_MAX_RATIO = 51;
/** Largest opacity a relocation writes: 1 - 2^-23 (f32 epsilon). */
export const MCMC_MAX_OPACITY = 1 - 2 ** -23;
/** Stream tags keeping the draws of each round and the noise independent. */
export const MCMC_STREAM = { relocate: 0x6d636d30, add: 0x6d636d31, noise: 0x6d636d32, relocateSpread: 0x6d636d33, addSpread: 0x6d636d34 } as const;

/** Bits of opacity resolution in the integer weights: 2^bits * n <= 2^31, at most 16. */
export function mcmcWeightBits(n: number): number {
  const ceilLog2 = n <= 1 ? 0 : 32 - Math.clz32(n - 1);
  return Math.min(16, 31 - ceilLog2);
}

/** The key of one stream at one iteration: draw j hashes key + j (wrapping in u32). */
export function mcmcKey(seed: number, iteration: number, stream: number): number {
  return pcgHash((pcgHash((pcgHash((seed ^ stream) >>> 0) ^ (iteration >>> 0)) >>> 0)) >>> 0);
}

/** floor(a * b / 2^32) for u32 a, b. */
export function mulHi32(a: number, b: number): number {
  return Number((BigInt(a >>> 0) * BigInt(b >>> 0)) >> 32n);
}

/** Binomial coefficient, exact in float64 for n <= 56. */
export function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** The paper's D(o', n) (eq. 9 of 3DGS-MCMC, as a double sum). */
export function relocationDenominator(o: number, n: number): number {
  let d = 0;
  for (let i = 1; i <= n; i++) {
    for (let k = 0; k < i; k++) d += (binomial(i - 1, k) * (k % 2 === 0 ? 1 : -1) * o ** (k + 1)) / Math.sqrt(k + 1);
  }
  return d;
}

/** Opacity logit and log-scales of each of `ratio` copies of a splat (ratio clamped to 1..51). */
export function relocatedSplat(logit: number, logScales: ArrayLike<number>, ratio: number, minOpacity: number): { logit: number; logScales: number[] } {
  const n = Math.min(Math.max(ratio, 1), MCMC_MAX_RATIO);
  const o = sigmoid(logit);
  const o2 = Math.min(Math.max(1 - Math.pow(1 - o, 1 / n), minOpacity), MCMC_MAX_OPACITY);
  const logCoeff = Math.log(o / relocationDenominator(o2, n));
  return { logit: Math.log(o2 / (1 - o2)), logScales: [0, 1, 2].map((k) => logScales[k] + logCoeff) };
}

/** Integer draw weights: max(1, floor(sigmoid(logit) * factor(i) * 2^bits)) where eligible, else 0. */
export function drawWeights(logits: ArrayLike<number>, count: number, bits: number, eligible: (i: number) => boolean, factor: (i: number) => number = () => 1): number[] {
  return Array.from({ length: count }, (_, i) => (eligible(i) ? Math.max(1, Math.floor(sigmoid(logits[i]) * factor(i) * 2 ** bits)) : 0));
}

/** `draws` rows drawn with replacement by weight (none when every weight is 0). */
export function drawSources(weights: number[], draws: number, key: number): number[] {
  const excl = [0];
  for (const w of weights) excl.push(excl[excl.length - 1] + w);
  const total = excl[weights.length];
  if (total === 0) return [];
  return Array.from({ length: draws }, (_, j) => {
    const t = mulHi32(pcgHash((key + j) >>> 0), total);
    // The row whose interval [excl[i], excl[i + 1]) holds t.
    let i = 0;
    while (excl[i + 1] <= t) i++;
    return i;
  });
}

export interface McmcDrawOptions {
  seed: number;
  iteration: number;
  minOpacity: number;
  /**
   * Gradient-weighted draws: each weight's opacity times clamp(g / gradRef, 0.1, 10) / 10, g =
   * stats[4i] / max(stats[4i + 1], 1) (grad-norm sum and visible count). Absent or 0: by opacity.
   */
  gradRef?: number;
  stats?: ArrayLike<number>;
  /**
   * Copies' offset in standard deviations: draw j's copy moves by spread R diag(exp(s')) z_j off
   * its source, s' its new log-scales, z_j = noiseNormals(the round's spread key, j). Absent or 0: none.
   */
  spread?: number;
}

/** The gradient factor of splat i's draw weight (1 without gradient weighting). */
export function gradientFactor(o: McmcDrawOptions, i: number): number {
  if (!o.gradRef) return 1;
  if (!o.stats) throw new Error('gradient-weighted draws need the statistics');
  const g = o.stats[4 * i] / Math.max(o.stats[4 * i + 1], 1);
  return Math.min(Math.max(g / o.gradRef, 0.1), 10) / 10;
}

export interface McmcRoundResult {
  splats: HostSplats;
  /** Rows written as copies (dead rows relocated, or rows added). */
  copies: number;
  /** [copies] the row each copy came from. */
  sources: number[];
}

/**
 * Copies `sources[j]` into `dests[j]` with the relocation update applied to every drawn source
 * and its copies (from the sources' values before the round); copies and sources get zero
 * moments. `out` already holds the untouched rows (and room for appended ones).
 */
function applyCopies(s: HostSplats, out: HostSplats, sources: number[], dests: number[], minOpacity: number, spread = 0, spreadKey = 0): void {
  const K = s.shCoeffs;
  const drawn = new Map<number, number>();
  for (const src of sources) drawn.set(src, (drawn.get(src) ?? 0) + 1);
  const updated = new Map<number, { logit: number; logScales: number[] }>();
  for (const [src, k] of drawn) updated.set(src, relocatedSplat(s.params.opacityLogits[src], s.params.logScales.subarray(src * 3, src * 3 + 3), k + 1, minOpacity));
  const writeRow = (row: number, from: number) => {
    const u = updated.get(from)!;
    for (const g of HOST_GROUPS) {
      const w = hostWidth(g, K);
      out.params[g].set(s.params[g].subarray(from * w, (from + 1) * w), row * w);
      out.m[g].fill(0, row * w, (row + 1) * w);
      out.v[g].fill(0, row * w, (row + 1) * w);
    }
    out.params.opacityLogits[row] = u.logit;
    out.params.logScales.set(u.logScales, row * 3);
  };
  sources.forEach((src, j) => {
    writeRow(dests[j], src);
    if (spread > 0) spreadCopy(out, dests[j], spread, noiseNormals(spreadKey, j));
  });
  for (const src of drawn.keys()) writeRow(src, src);
}

/** Moves row `row` (quaternion and log-scales already its own) by spread R diag(exp(s)) z. */
function spreadCopy(out: HostSplats, row: number, spread: number, z: [number, number, number]): void {
  const p = out.params;
  const d = gaussianOffset(p.quats.subarray(row * 4, row * 4 + 4), p.logScales.subarray(row * 3, row * 3 + 3), z);
  for (let r = 0; r < 3; r++) p.means[row * 3 + r] += spread * d[r];
}

/** Relocates every dead splat onto live ones (round 0 of a refinement). The count is unchanged. */
export function mcmcRelocate(s: HostSplats, o: McmcDrawOptions): McmcRoundResult {
  const n = s.count;
  const dead = Array.from({ length: n }, (_, i) => sigmoid(s.params.opacityLogits[i]) <= o.minOpacity);
  const weights = drawWeights(s.params.opacityLogits, n, mcmcWeightBits(n), (i) => !dead[i], (i) => gradientFactor(o, i));
  const dests = dead.flatMap((d, i) => (d ? [i] : []));
  const sources = drawSources(weights, dests.length, mcmcKey(o.seed, o.iteration, MCMC_STREAM.relocate));
  const out = cloneHost(s);
  if (sources.length === 0) return { splats: out, copies: 0, sources: [] };
  applyCopies(s, out, sources, dests, o.minOpacity, o.spread, mcmcKey(o.seed, o.iteration, MCMC_STREAM.relocateSpread));
  return { splats: out, copies: sources.length, sources };
}

/** Appends `add` copies of splats drawn by opacity (round 1 of a refinement). */
export function mcmcAdd(s: HostSplats, add: number, o: McmcDrawOptions): McmcRoundResult {
  const n = s.count;
  const K = s.shCoeffs;
  const weights = drawWeights(s.params.opacityLogits, n, mcmcWeightBits(n), () => true, (i) => gradientFactor(o, i));
  const sources = drawSources(weights, add, mcmcKey(o.seed, o.iteration, MCMC_STREAM.add));
  const out = emptyHost(n + sources.length, K);
  for (const set of ['params', 'm', 'v'] as const) for (const g of HOST_GROUPS) out[set][g].set(s[set][g]);
  applyCopies(s, out, sources, sources.map((_, j) => n + j), o.minOpacity, o.spread, mcmcKey(o.seed, o.iteration, MCMC_STREAM.addSpread));
  return { splats: out, copies: sources.length, sources };
}

/** Three N(0, 1) values for draw or splat `index` of a stream's key (hashNormals of key + 4 index). */
export function noiseNormals(key: number, index: number): [number, number, number] {
  return hashNormals(key + 4 * index);
}

export interface NoiseOptions {
  /** Means learning rate times the noise learning rate. */
  scaler: number;
  seed: number;
  iteration: number;
  /** Gate sharpness k and opacity o0 of sigmoid(-k (o - o0)): gsplat's 100 and 0.005. */
  sharpness: number;
  gateOpacity: number;
}

/** Means after the position noise of one iteration (a new array). */
export function mcmcNoise(s: Pick<HostSplats, 'count' | 'params'>, o: NoiseOptions): Float64Array {
  const p = s.params;
  const out = Float64Array.from(p.means.subarray(0, s.count * 3));
  const key = mcmcKey(o.seed, o.iteration, MCMC_STREAM.noise);
  for (let i = 0; i < s.count; i++) {
    const gate = sigmoid(-o.sharpness * (sigmoid(p.opacityLogits[i]) - o.gateOpacity));
    const q = p.quats.subarray(i * 4, i * 4 + 4);
    const qn = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
    const R = quatToRotation(q[0] / qn, q[1] / qn, q[2] / qn, q[3] / qn);
    const z = noiseNormals(key, i);
    // Sigma z = R diag(exp(2 s)) R^T z.
    const rtz = [0, 1, 2].map((a) => R[a] * z[0] + R[3 + a] * z[1] + R[6 + a] * z[2]);
    const d = rtz.map((x, a) => x * Math.exp(2 * p.logScales[i * 3 + a]));
    for (let r = 0; r < 3; r++) out[i * 3 + r] += o.scaler * gate * (R[r * 3] * d[0] + R[r * 3 + 1] * d[1] + R[r * 3 + 2] * d[2]);
  }
  return out;
}

/** lambda_o mean(sigmoid(logit)) + lambda_s mean(exp(logScale)) over `count` splats, and its gradient. */
export function mcmcRegularizer(
  logits: ArrayLike<number>,
  logScales: ArrayLike<number>,
  count: number,
  opacityReg: number,
  scaleReg: number,
): { loss: number; vOpacityLogits: Float64Array; vLogScales: Float64Array } {
  const vOpacityLogits = new Float64Array(count);
  const vLogScales = new Float64Array(count * 3);
  let loss = 0;
  for (let i = 0; i < count; i++) {
    const o = sigmoid(logits[i]);
    loss += (opacityReg * o) / count;
    vOpacityLogits[i] = (opacityReg * o * (1 - o)) / count;
    for (let k = 0; k < 3; k++) {
      const e = Math.exp(logScales[i * 3 + k]);
      loss += (scaleReg * e) / (3 * count);
      vLogScales[i * 3 + k] = (scaleReg * e) / (3 * count);
    }
  }
  return { loss, vOpacityLogits, vLogScales };
}
