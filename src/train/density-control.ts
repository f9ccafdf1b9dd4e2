/**
 * Adaptive density control on the GPU (../shared/docs/3dgs-reference.md §7, decisions.md
 * "density control"): clone, split, prune and opacity reset, with Adam moments moved together
 * with their rows. The strategy is this file's config and schedule; the state it acts on is the
 * trainer's SplatState plus the statistics buffer, and it keeps none of its own between calls
 * beyond reusable scratch buffers. src/reference/densify.ts is the float64 twin.
 *
 * One densification: classify every splat, scan, apply the splat cap, scan the output layout,
 * read back the new count (the one readback), then scatter every group's parameters and moments
 * into fresh buffers (SplatState.grow first when the count passes the capacity, so the capacity
 * still doubles) and swap them into the state. Deterministic: integer scans fix every row's place
 * and split noise is a hash of (seed, iteration, splat, child).
 *
 * Row order afterwards: surviving original rows in order, then new rows grouped by parent in
 * parent order (a clone's copy, or a split parent's children).
 *
 * The splat cap: growth is granted to candidates in splat order until the first one whose new
 * rows would take the post-prune count over maxSplats; that one and every later candidate are
 * left as they are (a refused split keeps its parent). Pruning still applies, and the cap never
 * removes splats: a state already over the cap just stops growing.
 */
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { DensifyCapKernel, DensifyClassifyKernel, DensifyScatterKernel, DensifySplitKernel, OpacityResetKernel } from '../kernels/densify';
import { PrefixSum } from '../kernels/prefix-sum';
import { PARAM_GROUPS, type ParamGroup, type SplatState, groupWidth } from './splat-state';

export interface DensityConfig {
  /** Densify at iterations it > densifyFrom (with it % densifyEvery == 0). Default 500. */
  densifyFrom: number;
  /** Densify and reset opacity only while it < densifyUntil. Default 15,000 (last densify 14,900). */
  densifyUntil: number;
  /** Densify every this many iterations. Default 100. */
  densifyEvery: number;
  /** Clone or split when the mean NDC mean-gradient norm (sum / visible count) is >= this. Default 2e-4. */
  gradThreshold: number;
  /** Clone when max scale <= percentDense * extent, else split. Default 0.01. */
  percentDense: number;
  /** Prune splats with opacity sigmoid(logit) < minOpacity. Default 0.005. */
  minOpacity: number;
  /** Prune max scale > maxWorldScale * extent, when it > worldScalePruneAfter. Default 0.1. */
  maxWorldScale: number;
  /** The world-size prune acts only at iterations it > this. Default 3000. */
  worldScalePruneAfter: number;
  /** Opacity reset at it % opacityResetEvery == 0 while it < densifyUntil; 0 turns it off. Default 3000. */
  opacityResetEvery: number;
  /** A reset clamps every opacity to at most this. Default 0.01. */
  resetOpacity: number;
  /** Children per split parent. Default 2. */
  splitChildren: number;
  /** Split children's scales are the parent's divided by this. Default 1.6 (0.8 * 2). */
  splitScaleDivisor: number;
  /**
   * A clone's copy moves off its source by this many standard deviations along a normal draw
   * (the split's); 0 stacks it on the source, as the reference does. Default 0: 0.5 gave +0.79
   * and -0.50 dB held out on buddha13 at 1,000 steps with two seeds, +0.49 on the playbot ring,
   * and -0.66 at 2,000 steps on buddha13 at 1/4 size (bench/README.md), so no schedule uses it.
   */
  cloneSpread: number;
  /** Cap on the splat count (see the file header for how growth stops). Default 3,000,000. */
  maxSplats: number;
  /** Seeds the split children's noise. Default 0. */
  seed: number;
}

export const DEFAULT_DENSITY: DensityConfig = Object.freeze({
  densifyFrom: 500,
  densifyUntil: 15_000,
  densifyEvery: 100,
  gradThreshold: 2e-4,
  percentDense: 0.01,
  minOpacity: 0.005,
  maxWorldScale: 0.1,
  worldScalePruneAfter: 3000,
  opacityResetEvery: 3000,
  resetOpacity: 0.01,
  splitChildren: 2,
  splitScaleDivisor: 1.6,
  cloneSpread: 0,
  maxSplats: 3_000_000,
  seed: 0,
});

/** Fills defaults and checks every field; never mutates the caller's object. */
export function resolveDensityConfig(c: Partial<DensityConfig> = {}): DensityConfig {
  const out: DensityConfig = { ...DEFAULT_DENSITY };
  for (const [k, v] of Object.entries(c) as [keyof DensityConfig, number | undefined][]) {
    if (!(k in DEFAULT_DENSITY)) throw new RangeError(`density config: unknown option '${k}'`);
    if (v !== undefined) out[k] = v;
  }
  const bad = (k: keyof DensityConfig, need: string): never => {
    throw new RangeError(`density config: ${k} must be ${need}, got ${String(out[k])}`);
  };
  for (const k of ['densifyFrom', 'densifyUntil', 'worldScalePruneAfter', 'opacityResetEvery', 'maxSplats'] as const) {
    if (!Number.isInteger(out[k]) || out[k] < 0) bad(k, 'a non-negative integer');
  }
  if (!Number.isInteger(out.densifyEvery) || out.densifyEvery < 1) bad('densifyEvery', 'a positive integer');
  if (!Number.isInteger(out.splitChildren) || out.splitChildren < 1) bad('splitChildren', 'a positive integer');
  if (out.maxSplats > 0xffffffff) bad('maxSplats', 'below 2^32');
  if (!Number.isInteger(out.seed)) bad('seed', 'an integer');
  for (const k of ['gradThreshold', 'percentDense', 'maxWorldScale', 'cloneSpread'] as const) if (!(out[k] >= 0 && Number.isFinite(out[k]))) bad(k, 'finite and >= 0');
  if (!(out.splitScaleDivisor > 0 && Number.isFinite(out.splitScaleDivisor))) bad('splitScaleDivisor', 'finite and > 0');
  if (!(out.minOpacity >= 0 && out.minOpacity < 1)) bad('minOpacity', 'in [0, 1)');
  if (!(out.resetOpacity > 0 && out.resetOpacity < 1)) bad('resetOpacity', 'in (0, 1)');
  return out;
}

export interface DensitySchedule {
  densify: boolean;
  /** The prune also removes splats larger than maxWorldScale * extent. */
  worldScalePrune: boolean;
  reset: boolean;
}

/** What happens after the optimizer step of iteration `it` (1-based), as the reference's train.py. */
export function densitySchedule(it: number, c: DensityConfig): DensitySchedule {
  const active = it < c.densifyUntil;
  return {
    densify: active && it > c.densifyFrom && it % c.densifyEvery === 0,
    worldScalePrune: it > c.worldScalePruneAfter,
    reset: active && c.opacityResetEvery > 0 && it % c.opacityResetEvery === 0,
  };
}

export interface DensityStepResult {
  densified: boolean;
  /** Copies made by cloning. */
  cloned: number;
  /** Parents split (each replaced by splitChildren children). */
  split: number;
  /** Rows removed by the prune, over the grown set. */
  pruned: number;
  reset: boolean;
  /** Splat count afterwards. */
  count: number;
}

const logit = (p: number): number => Math.log(p / (1 - p));

export class DensityControl {
  readonly config: DensityConfig;
  private readonly classify: DensifyClassifyKernel;
  private readonly cap: DensifyCapKernel;
  private readonly scatter: Record<ParamGroup, DensifyScatterKernel>;
  private readonly split: DensifySplitKernel;
  private readonly reset: OpacityResetKernel;
  private readonly scan: PrefixSum;
  /** [N] u32 action words. */
  private readonly actions: GrowableBuffer;
  /** [2N] u32: the growth, then (reused) the output rows. */
  private readonly counts: GrowableBuffer;
  /** [2N + 1] u32: scan of the growth, then (reused) the output layout. */
  private readonly prefix: GrowableBuffer;
  /** [2] u32 granted clones, splits (+ padding). */
  private readonly tally: GPUBuffer;
  /** Mappable: new count, clones, splits. */
  private readonly readback: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    config: Partial<DensityConfig> = {},
  ) {
    this.config = resolveDensityConfig(config);
    this.classify = new DensifyClassifyKernel(device);
    this.cap = new DensifyCapKernel(device);
    this.scatter = {} as Record<ParamGroup, DensifyScatterKernel>;
    for (const g of PARAM_GROUPS) this.scatter[g] = new DensifyScatterKernel(device, `DensifyScatter.${g}`);
    this.split = new DensifySplitKernel(device);
    this.reset = new OpacityResetKernel(device);
    this.scan = new PrefixSum(device, 'DensityControl.scan');
    this.actions = new GrowableBuffer(device, 'DensityControl.actions', STORAGE);
    this.counts = new GrowableBuffer(device, 'DensityControl.counts', STORAGE);
    this.prefix = new GrowableBuffer(device, 'DensityControl.prefix', STORAGE);
    this.tally = device.createBuffer({ label: 'DensityControl.tally', size: 16, usage: STORAGE });
    this.readback = device.createBuffer({ label: 'DensityControl.readback', size: 16, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
  }

  /**
   * After the optimizer step of iteration `it` (1-based): densify + prune when the schedule says
   * so (then zero `stats`), opacity reset when due (after densification, as the reference).
   * One small readback (the new count) per densification.
   */
  async afterStep(it: number, state: SplatState, stats: GPUBuffer, extent: number): Promise<DensityStepResult> {
    const s = densitySchedule(it, this.config);
    let out: DensityStepResult = { densified: false, cloned: 0, split: 0, pruned: 0, reset: false, count: state.count };
    if (s.densify) out = { ...(await this.densify(it, state, stats, extent, s.worldScalePrune)), reset: false };
    if (s.reset) {
      this.resetOpacity(state);
      out.reset = true;
    }
    return out;
  }

  /** Densify and prune now, whatever the schedule (afterStep decides when). Zeroes `stats`. */
  async densify(it: number, state: SplatState, stats: GPUBuffer, extent: number, worldScalePrune: boolean): Promise<DensityStepResult> {
    const c = this.config;
    const n = state.count;
    if (!(extent > 0 && Number.isFinite(extent))) throw new RangeError(`DensityControl: scene extent must be finite and > 0, got ${extent}`);
    if (stats.size < n * 16) throw new RangeError(`DensityControl: statistics buffer '${stats.label}' holds ${stats.size} bytes, need ${n * 16} for ${n} splats`);
    const d = this.device;
    if (n === 0) {
      const enc = d.createCommandEncoder({ label: 'DensityControl.clear' });
      enc.clearBuffer(stats);
      d.queue.submit([enc.finish()]);
      return { densified: true, cloned: 0, split: 0, pruned: 0, reset: false, count: 0 };
    }
    this.actions.ensure(n * 4);
    this.counts.ensure(n * 8);
    this.prefix.ensure(n * 8 + 4);
    const logDivisor = Math.log(c.splitScaleDivisor);

    const enc = d.createCommandEncoder({ label: 'DensityControl.layout' });
    enc.clearBuffer(this.tally);
    let pass = enc.beginComputePass({ label: 'DensityControl.classify' });
    this.classify.encode(pass, {
      count: n,
      children: c.splitChildren,
      worldPrune: worldScalePrune,
      gradThreshold: c.gradThreshold,
      cloneMaxLogScale: Math.log(c.percentDense * extent),
      pruneMaxLogScale: Math.log(c.maxWorldScale * extent),
      minOpacityLogit: logit(c.minOpacity),
      logDivisor,
      stats,
      logScales: state.params.logScales.buffer,
      opacityLogits: state.params.opacityLogits.buffer,
      actions: this.actions.buffer,
      growth: this.counts.buffer,
    });
    pass.end();
    this.scan.encode(enc, { input: this.counts.buffer, output: this.prefix.buffer, count: 2 * n });
    pass = enc.beginComputePass({ label: 'DensityControl.cap' });
    this.cap.encode(pass, { count: n, children: c.splitChildren, maxSplats: c.maxSplats, scan: this.prefix.buffer, actions: this.actions.buffer, rows: this.counts.buffer, tally: this.tally });
    pass.end();
    this.scan.encode(enc, { input: this.counts.buffer, output: this.prefix.buffer, count: 2 * n, totalOut: { buffer: this.readback, offset: 0 } });
    enc.copyBufferToBuffer(this.tally, 0, this.readback, 4, 8);
    d.queue.submit([enc.finish()]);
    await this.readback.mapAsync(0x1); // GPUMapMode.READ
    const [newCount, cloned, split] = new Uint32Array(this.readback.getMappedRange(0, 12).slice(0));
    this.readback.unmap();

    // The scatter compacts into fresh buffers of the (doubled when needed) capacity, reading the
    // old ones: no intermediate grown copy.
    state.reserveForReplacement(newCount);
    const K = state.shCoeffs;
    const next = state.freshBuffers();

    const enc2 = d.createCommandEncoder({ label: 'DensityControl.scatter' });
    pass = enc2.beginComputePass({ label: 'DensityControl.scatter' });
    for (const g of PARAM_GROUPS) {
      this.scatter[g].encode(pass, {
        count: n,
        width: groupWidth(g, K),
        layout: this.prefix.buffer,
        src: { param: state.params[g].buffer, m: state.m[g].buffer, v: state.v[g].buffer },
        dst: { param: next.params[g].buffer, m: next.m[g].buffer, v: next.v[g].buffer },
      });
    }
    this.split.encode(pass, {
      count: n,
      seed: c.seed,
      iteration: it,
      logDivisor,
      cloneSpread: c.cloneSpread,
      actions: this.actions.buffer,
      layout: this.prefix.buffer,
      srcMeans: state.params.means.buffer,
      srcLogScales: state.params.logScales.buffer,
      srcQuats: state.params.quats.buffer,
      dstMeans: next.params.means.buffer,
      dstLogScales: next.params.logScales.buffer,
    });
    pass.end();
    enc2.clearBuffer(stats);
    d.queue.submit([enc2.finish()]);
    state.adopt(next, newCount);
    const grown = n + cloned + split * (c.splitChildren - 1);
    return { densified: true, cloned, split, pruned: grown - newCount, reset: false, count: newCount };
  }

  /** Clamps every opacity to <= resetOpacity and zeroes the opacity group's Adam moments. */
  resetOpacity(state: SplatState): void {
    if (state.count === 0) return;
    const enc = this.device.createCommandEncoder({ label: 'DensityControl.resetOpacity' });
    const pass = enc.beginComputePass({ label: 'OpacityReset' });
    this.reset.encode(pass, {
      count: state.count,
      maxLogit: logit(this.config.resetOpacity),
      opacityLogits: state.params.opacityLogits.buffer,
      m: state.m.opacityLogits.buffer,
      v: state.v.opacityLogits.buffer,
    });
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    this.classify.destroy();
    this.cap.destroy();
    for (const g of PARAM_GROUPS) this.scatter[g].destroy();
    this.split.destroy();
    this.reset.destroy();
    this.scan.destroy();
    this.actions.destroy();
    this.counts.destroy();
    this.prefix.destroy();
    this.tally.destroy();
    this.readback.destroy();
  }
}
