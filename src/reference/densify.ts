/**
 * Float64 CPU reference of adaptive density control (clone, split, prune, opacity reset) as pure
 * functions over host copies of the trainer's state: every function returns new arrays and moves
 * the Adam moments together with the parameter rows (kept rows keep theirs, new rows get zeros).
 * Semantics: ../shared/docs/3dgs-reference.md §7 and decisions.md "density control"; written
 * independently of the GPU kernels, in the reference's own order (classify, grow, prune).
 *
 * Row order of the result, which the GPU matches: surviving original rows in their order, then
 * the new rows grouped by parent in parent order (a clone's copy, or a split's children in child
 * order). Split children are drawn with `splitNoise`, a counter-based hash the GPU evaluates too,
 * so both produce the same children.
 */
import { quatToRotation, matVec3, sigmoid } from './math';

export const HOST_GROUPS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;
export type HostGroup = (typeof HOST_GROUPS)[number];
export type HostRows = Record<HostGroup, Float64Array>;

/** Host copy of the trainer's Gaussians: parameters and both Adam moments, `count` rows each. */
export interface HostSplats {
  count: number;
  /** SH coefficients per colour channel, K = (degree + 1)^2; the sh group holds K * 3 per row. */
  shCoeffs: number;
  params: HostRows;
  m: HostRows;
  v: HostRows;
}

export function hostWidth(group: HostGroup, shCoeffs: number): number {
  return group === 'means' || group === 'logScales' ? 3 : group === 'quats' ? 4 : group === 'opacityLogits' ? 1 : shCoeffs * 3;
}

export interface DensifyOptions {
  /** Clone or split when sum / count of the NDC mean-gradient norms is >= this. */
  gradThreshold: number;
  /** Clone when max(exp(logScale)) <= percentDense * extent, else split. */
  percentDense: number;
  /** Prune rows with sigmoid(logit) < minOpacity. */
  minOpacity: number;
  /** With worldScalePrune, also prune rows with max scale > maxWorldScale * extent. */
  maxWorldScale: number;
  worldScalePrune: boolean;
  /** Children per split parent (>= 1) and the divisor of their scales. */
  splitChildren: number;
  splitScaleDivisor: number;
  /** A clone's copy moves by cloneSpread R diag(exp(s)) splitNoise(seed, iteration, i, 0); absent or 0: stacked. */
  cloneSpread?: number;
  /** Growth stops at the first candidate whose new rows would take the count over this. */
  maxSplats: number;
  /** Scene extent E. */
  extent: number;
  /** Split noise key. */
  seed: number;
  iteration: number;
}

export interface DensifyResult {
  splats: HostSplats;
  /** Copies made (clone candidates granted growth). */
  cloned: number;
  /** Parents split (each replaced by splitChildren children). */
  split: number;
  /** Rows removed by the prune, counted over the grown set (split parents not included). */
  pruned: number;
}

/** PCG hash (O'Neill's RXS-M-XS output of one LCG step) on u32. */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) >>> 0)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** A u32 mapped to the open interval (0, 1) on a 2^-24 grid (exact in f32, so the GPU agrees). */
function unitOpen(h: number): number {
  return ((h >>> 8) + 0.5) / 16777216;
}

/**
 * Three independent N(0, 1) values for child `child` of the splat at pre-densification row
 * `index`, keyed by (seed, iteration): two Box-Muller pairs from four hashed uniforms. Angles are
 * taken in [-pi, pi], where WGSL bounds the error of cos and sin.
 */
export function splitNoise(seed: number, iteration: number, index: number, child: number): [number, number, number] {
  const key = pcgHash((pcgHash((pcgHash(index >>> 0) ^ (iteration >>> 0)) >>> 0) ^ (seed >>> 0)) >>> 0);
  return hashNormals(key + child * 4);
}

/**
 * Three N(0, 1) values from the hashes of base .. base + 3 (u32, wrapping): two Box-Muller pairs
 * with angles in [-pi, pi] (shaders/common/hash.wgsl normal3).
 */
export function hashNormals(base: number): [number, number, number] {
  const u = [0, 1, 2, 3].map((k) => unitOpen(pcgHash((base + k) >>> 0)));
  const r0 = Math.sqrt(-2 * Math.log(u[0]));
  const t0 = 2 * Math.PI * u[1] - Math.PI;
  const r1 = Math.sqrt(-2 * Math.log(u[2]));
  const t1 = 2 * Math.PI * u[3] - Math.PI;
  return [r0 * Math.cos(t0), r0 * Math.sin(t0), r1 * Math.cos(t1)];
}

/**
 * R(q / |q|) (exp(s) * z): the offset of a sample z of a splat's Gaussian (quat wxyz, log-scales)
 * from its mean. A zero quaternion is the identity, as the kernels' safe_normalize4 makes it.
 */
export function gaussianOffset(quat: ArrayLike<number>, logScales: ArrayLike<number>, z: [number, number, number]): number[] {
  const qn = Math.hypot(quat[0], quat[1], quat[2], quat[3]) || 1;
  const R = quatToRotation(quat[0] / qn, quat[1] / qn, quat[2] / qn, quat[3] / qn);
  return matVec3(R, [0, 1, 2].map((k) => Math.exp(logScales[k]) * z[k]));
}

function row(a: Float64Array, i: number, w: number): Float64Array {
  return a.subarray(i * w, (i + 1) * w);
}

function maxScale(logScales: Float64Array, i: number): number {
  return Math.max(Math.exp(logScales[i * 3]), Math.exp(logScales[i * 3 + 1]), Math.exp(logScales[i * 3 + 2]));
}

/** One output row before the prune: where its values come from. */
interface PendingRow {
  params: Record<HostGroup, Float64Array>;
  /** The original row whose moments it keeps, or -1 for a new row (zero moments). */
  momentsFrom: number;
  isNew: boolean;
}

/**
 * densify_and_prune of the reference: clone small high-gradient splats, split large ones into
 * children sampled from the parent Gaussian, then prune by opacity (and world size) over the
 * result. `stats` is [N, 4]: gradient-norm sum, visible count, unused, unused.
 */
export function densifyAndPrune(s: HostSplats, stats: ArrayLike<number>, o: DensifyOptions): DensifyResult {
  const n = s.count;
  const K = s.shCoeffs;
  if (stats.length < n * 4) throw new RangeError(`densifyAndPrune: stats hold ${stats.length} values, need ${n * 4}`);
  if (!(Number.isInteger(o.splitChildren) && o.splitChildren >= 1)) throw new RangeError(`densifyAndPrune: splitChildren must be an integer >= 1, got ${o.splitChildren}`);
  const E = o.extent;
  const prunedBy = (logit: number, scale: number): boolean =>
    sigmoid(logit) < o.minOpacity || (o.worldScalePrune && scale > o.maxWorldScale * E);

  const originals: PendingRow[] = [];
  const added: PendingRow[] = [];
  // Rows the prune would leave if nothing grew; growth is granted against the cap from there.
  let total = 0;
  for (let i = 0; i < n; i++) if (!prunedBy(s.params.opacityLogits[i], maxScale(s.params.logScales, i))) total++;
  let full = false;
  let cloned = 0;
  let split = 0;

  for (let i = 0; i < n; i++) {
    const params = {} as Record<HostGroup, Float64Array>;
    for (const g of HOST_GROUPS) params[g] = row(s.params[g], i, hostWidth(g, K));
    const count = stats[i * 4 + 1];
    const grad = count > 0 ? stats[i * 4] / count : 0;
    const scale = maxScale(s.params.logScales, i);
    const logit = s.params.opacityLogits[i];
    const wants = grad >= o.gradThreshold;
    const isClone = wants && scale <= o.percentDense * E;
    const isSplit = wants && scale > o.percentDense * E;
    const survives = !prunedBy(logit, scale);
    let growth = 0;
    if (isClone) growth = survives ? 1 : 0;
    if (isSplit) growth = (prunedBy(logit, scale / o.splitScaleDivisor) ? 0 : o.splitChildren) - (survives ? 1 : 0);
    let granted = false;
    if ((isClone || isSplit) && !full) {
      if (total + growth <= o.maxSplats) {
        granted = true;
        total += growth;
      } else {
        full = true;
      }
    }
    if (granted && isSplit) {
      split++;
      const sd = [0, 1, 2].map((k) => Math.exp(params.logScales[k]));
      for (let c = 0; c < o.splitChildren; c++) {
        const off = gaussianOffset(params.quats, params.logScales, splitNoise(o.seed, o.iteration, i, c));
        const child = { ...params };
        child.means = Float64Array.from([0, 1, 2], (k) => params.means[k] + off[k]);
        child.logScales = Float64Array.from(sd, (x) => Math.log(x / o.splitScaleDivisor));
        added.push({ params: child, momentsFrom: -1, isNew: true });
      }
      continue; // the parent is replaced by its children
    }
    originals.push({ params, momentsFrom: i, isNew: false });
    if (granted && isClone) {
      cloned++;
      const copy = { ...params };
      if (o.cloneSpread) {
        const off = gaussianOffset(params.quats, params.logScales, splitNoise(o.seed, o.iteration, i, 0));
        copy.means = Float64Array.from([0, 1, 2], (k) => params.means[k] + o.cloneSpread! * off[k]);
      }
      added.push({ params: copy, momentsFrom: -1, isNew: true });
    }
  }

  const kept = [...originals, ...added].filter((r) => !prunedBy(r.params.opacityLogits[0], maxScale(r.params.logScales, 0)));
  const grownCount = originals.length + added.length;
  const out = emptyHost(kept.length, K);
  kept.forEach((r, j) => {
    for (const g of HOST_GROUPS) {
      const w = hostWidth(g, K);
      out.params[g].set(r.params[g], j * w);
      if (r.momentsFrom >= 0) {
        out.m[g].set(row(s.m[g], r.momentsFrom, w), j * w);
        out.v[g].set(row(s.v[g], r.momentsFrom, w), j * w);
      }
    }
  });
  return { splats: out, cloned, split, pruned: grownCount - kept.length };
}

/** reset_opacity: opacity <= resetOpacity (as a logit clamp) and every opacity moment zeroed. */
export function resetOpacity(s: HostSplats, resetTo: number): HostSplats {
  const limit = Math.log(resetTo / (1 - resetTo));
  const out = cloneHost(s);
  for (let i = 0; i < s.count; i++) out.params.opacityLogits[i] = Math.min(s.params.opacityLogits[i], limit);
  out.m.opacityLogits.fill(0);
  out.v.opacityLogits.fill(0);
  return out;
}

export function emptyHost(count: number, shCoeffs: number): HostSplats {
  const make = (): HostRows => {
    const r = {} as HostRows;
    for (const g of HOST_GROUPS) r[g] = new Float64Array(count * hostWidth(g, shCoeffs));
    return r;
  };
  return { count, shCoeffs, params: make(), m: make(), v: make() };
}

export function cloneHost(s: HostSplats): HostSplats {
  const copy = (r: HostRows): HostRows => {
    const o = {} as HostRows;
    for (const g of HOST_GROUPS) o[g] = Float64Array.from(r[g]);
    return o;
  };
  return { count: s.count, shCoeffs: s.shCoeffs, params: copy(s.params), m: copy(s.m), v: copy(s.v) };
}
