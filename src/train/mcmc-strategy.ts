/**
 * MCMC densification on the GPU (src/train/mcmc-config.ts has the config and schedule,
 * src/reference/mcmc.ts the float64 twin, shaders/mcmc_*.wgsl the kernels). Per iteration:
 *   - before the optimizer step, the opacity and scale regularisers' gradients are added;
 *   - after it, at refinement iterations, dead splats are relocated onto live ones and the count
 *     grows towards the budget by copies of splats drawn by opacity (two rounds, each: weights,
 *     scan, draws, row copies with zeroed moments, the moment-preserving opacity/scale update);
 *   - then every splat's mean gets the opacity-gated noise;
 *   - with a peak above the budget (McmcConfig.peak), after the step of pruneAt the run keeps the
 *     budget's worth of splats with the highest scores (the trainer's: opacity times blend weight
 *     over the training views; mcmc-prune.ts) and compacts the rest away (mcmc-prune.ts, densify_scatter.wgsl).
 * Deterministic: draws and noise hash (seed, iteration, stream, index), and the scans and
 * counters are integer, so one seed gives the same bits every run. Nothing is kept between
 * calls beyond scratch buffers, so a checkpoint needs no state of its own. One small readback
 * (the draws made) per refinement.
 */
import { GrowableBuffer, STORAGE } from '../gpu/buffers';
import { DensifyScatterKernel } from '../kernels/densify';
import { McmcCopyKernel, McmcNoiseKernel, McmcRegularizeKernel, McmcRelocateKernel, McmcSampleKernel, McmcWeightsKernel } from '../kernels/mcmc';
import { PrefixSum } from '../kernels/prefix-sum';
import type { DensityStepResult } from './density-control';
import { MCMC_UNIT_EXTENT, type McmcConfig, mcmcGrowthTarget, mcmcLengthUnit, mcmcPruneIteration, mcmcRefineDue, resolveMcmcConfig } from './mcmc-config';
import { pruneLayout, pruneRows } from './mcmc-prune';
import { PARAM_GROUPS, type ParamGroup, type SplatState, groupWidth } from './splat-state';

export interface McmcStepResult extends DensityStepResult {
  /** Dead splats moved onto live ones at this iteration. */
  relocated: number;
  /** Splats added at this iteration. */
  added: number;
}

/** The gradient buffers the regularisers add to. */
export interface RegularizedGradients {
  vOpacityLogits: GPUBuffer;
  vLogScales: GPUBuffer;
}

/** [N] scores of the state's splats at iteration `it`; a prune keeps the highest. */
export type PruneScores = (state: SplatState, it: number) => Promise<ArrayLike<number>>;

const logit = (p: number): number => Math.log(p / (1 - p));

export class McmcStrategy {
  readonly config: McmcConfig;
  private readonly weights: McmcWeightsKernel;
  private readonly sample: McmcSampleKernel;
  private readonly copy: Record<ParamGroup, McmcCopyKernel>;
  private readonly zeroSources: Record<ParamGroup, McmcCopyKernel>;
  private readonly relocateCopies: McmcRelocateKernel;
  private readonly relocateSources: McmcRelocateKernel;
  private readonly noiseKernel: McmcNoiseKernel;
  private readonly regularize: McmcRegularizeKernel;
  private readonly scan: PrefixSum;
  /** The prune's compaction, per group. */
  private readonly scatter: Record<ParamGroup, DensifyScatterKernel>;
  /** [2N] u32 weights, then dead flags. */
  private readonly flags: GrowableBuffer;
  /** [2N + 1] u32 exclusive scan of flags. */
  private readonly scanned: GrowableBuffer;
  /** [N] u32 times each row was drawn. */
  private readonly counts: GrowableBuffer;
  /** [draws] vec2<u32> (source, destination). */
  private readonly pairs: GrowableBuffer;
  /** [4] u32: draws made by the last round. */
  private readonly info: GPUBuffer;
  /** Mappable: draws of the relocation and growth rounds. */
  private readonly readback: GPUBuffer;
  /** [1, 4] f32 stand-in for the statistics when the weights do not read them. */
  private readonly noStats: GPUBuffer;
  /** The scene's length against MCMC_UNIT_EXTENT: scales the world-unit regulariser and noise. */
  private readonly unit: number;

  /**
   * `iterations` is the run's length (the growth schedule reaches the budget at its last
   * refinement); `seed` keys every draw and the noise; `extent` is the scene's
   * (dataset.extent), against which the scale regulariser and the noise are sized.
   */
  constructor(
    private readonly device: GPUDevice,
    config: Partial<McmcConfig>,
    private readonly seed: number,
    private readonly iterations: number,
    extent: number = MCMC_UNIT_EXTENT,
    private readonly pruneScores?: PruneScores,
  ) {
    this.config = resolveMcmcConfig(config);
    this.unit = mcmcLengthUnit(extent);
    this.weights = new McmcWeightsKernel(device);
    this.sample = new McmcSampleKernel(device);
    this.copy = {} as Record<ParamGroup, McmcCopyKernel>;
    this.zeroSources = {} as Record<ParamGroup, McmcCopyKernel>;
    for (const g of PARAM_GROUPS) {
      this.copy[g] = new McmcCopyKernel(device, `McmcCopy.${g}`);
      this.zeroSources[g] = new McmcCopyKernel(device, `McmcZeroSources.${g}`);
    }
    this.relocateCopies = new McmcRelocateKernel(device, 'McmcRelocate.copies');
    this.relocateSources = new McmcRelocateKernel(device, 'McmcRelocate.sources');
    this.noiseKernel = new McmcNoiseKernel(device);
    this.regularize = new McmcRegularizeKernel(device);
    this.scan = new PrefixSum(device, 'McmcStrategy.scan');
    this.scatter = {} as Record<ParamGroup, DensifyScatterKernel>;
    for (const g of PARAM_GROUPS) this.scatter[g] = new DensifyScatterKernel(device, `McmcPrune.${g}`);
    this.flags = new GrowableBuffer(device, 'McmcStrategy.flags', STORAGE);
    this.scanned = new GrowableBuffer(device, 'McmcStrategy.scan', STORAGE);
    this.counts = new GrowableBuffer(device, 'McmcStrategy.counts', STORAGE);
    this.pairs = new GrowableBuffer(device, 'McmcStrategy.pairs', STORAGE);
    this.info = device.createBuffer({ label: 'McmcStrategy.info', size: 16, usage: STORAGE });
    this.readback = device.createBuffer({ label: 'McmcStrategy.readback', size: 16, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    this.noStats = device.createBuffer({ label: 'McmcStrategy.noStats', size: 16, usage: 0x80 }); // STORAGE
  }

  /** Adds the regularisers' gradients (record before the optimizer step, same pass). */
  encodeGradientTerms(pass: GPUComputePassEncoder, state: SplatState, grads: RegularizedGradients): void {
    const n = state.count;
    const c = this.config;
    if (n === 0 || (c.opacityReg === 0 && c.scaleReg === 0)) return;
    this.regularize.encode(pass, {
      count: n,
      opacityCoeff: c.opacityReg / n,
      // lambda_s exp(s) is a length: in units of the scene's extent, so any capture units train alike.
      scaleCoeff: c.scaleReg / (3 * n * this.unit),
      opacityLogits: state.params.opacityLogits.buffer,
      logScales: state.params.logScales.buffer,
      vOpacityLogits: grads.vOpacityLogits,
      vLogScales: grads.vLogScales,
    });
  }

  /**
   * After the optimizer step of iteration `it` (1-based): relocation and growth when due (then
   * `stats`, unused by MCMC, is zeroed so it stays bounded), then the position noise scaled by
   * `meansLr`, the means' learning rate of this iteration.
   */
  async afterStep(it: number, state: SplatState, stats: GPUBuffer, _extent: number, meansLr: number): Promise<McmcStepResult> {
    const out: McmcStepResult = { densified: false, cloned: 0, split: 0, pruned: 0, reset: false, count: state.count, relocated: 0, added: 0 };
    if (mcmcRefineDue(it, this.config, this.iterations) && state.count > 0) {
      const r = await this.refine(it, state, stats);
      const enc = this.device.createCommandEncoder({ label: 'McmcStrategy.clearStats' });
      enc.clearBuffer(stats);
      this.device.queue.submit([enc.finish()]);
      Object.assign(out, { densified: true, relocated: r.relocated, added: r.added, count: state.count });
    }
    this.noise(it, state, meansLr);
    if (it === mcmcPruneIteration(this.config, this.iterations) && state.count > this.config.splats) {
      out.pruned = await this.prune(state, it, stats);
      Object.assign(out, { densified: true, count: state.count });
    }
    return out;
  }

  /**
   * Keeps the budget's worth of splats with the highest scores (the constructor's `pruneScores`
   * at iteration `it`; mcmc-prune.ts), parameters and Adam moments, in row order, and zeroes
   * `stats`, whose rows no longer match. Returns how many were removed.
   */
  async prune(state: SplatState, it: number, stats?: GPUBuffer): Promise<number> {
    const n = state.count;
    const keep = this.config.splats;
    if (n <= keep) return 0;
    if (!this.pruneScores) throw new Error('McmcStrategy.prune: a run with a peak needs the prune scores');
    const scores = await this.pruneScores(state, it);
    if (scores.length !== n) throw new RangeError(`McmcStrategy.prune: ${scores.length} scores for ${n} splats`);
    const layout = pruneLayout(pruneRows(scores, keep), n);
    this.scanned.ensure(layout.byteLength);
    this.device.queue.writeBuffer(this.scanned.buffer, 0, layout);
    const next = state.freshBuffers();
    const enc = this.device.createCommandEncoder({ label: 'McmcStrategy.prune' });
    const pass = enc.beginComputePass({ label: 'McmcPrune' });
    for (const g of PARAM_GROUPS) {
      this.scatter[g].encode(pass, {
        count: n,
        width: groupWidth(g, state.shCoeffs),
        layout: this.scanned.buffer,
        src: { param: state.params[g].buffer, m: state.m[g].buffer, v: state.v[g].buffer },
        dst: { param: next.params[g].buffer, m: next.m[g].buffer, v: next.v[g].buffer },
      });
    }
    pass.end();
    if (stats) enc.clearBuffer(stats);
    this.device.queue.submit([enc.finish()]);
    state.adopt(next, keep);
    return n - keep;
  }

  /**
   * Relocates the dead and grows towards the budget now, whatever the schedule. `stats` ([N, 4]
   * densification statistics) weigh the draws when config.gradientWeight > 0.
   */
  async refine(it: number, state: SplatState, stats?: GPUBuffer): Promise<{ relocated: number; added: number }> {
    if (this.config.gradientWeight > 0 && !stats) throw new Error('McmcStrategy.refine: gradientWeight needs the densification statistics');
    const n = state.count;
    const add = mcmcGrowthTarget(n, it, this.config, this.iterations) - n;
    this.flags.ensure(n * 8);
    this.scanned.ensure(n * 8 + 4);
    this.counts.ensure(n * 4);
    this.pairs.ensure(Math.max(n, add) * 8);
    // The weights kernel binds the statistics even when it does not read them.
    const weightStats = stats ?? this.noStats;
    this.round(state, it, n, true, 0, weightStats);
    if (add > 0) {
      state.grow(n + add, n);
      this.round(state, it, n, false, add, weightStats);
    }
    await this.readback.mapAsync(0x1); // GPUMapMode.READ
    const [relocated, drawn] = new Uint32Array(this.readback.getMappedRange(0, 8).slice(0));
    this.readback.unmap();
    // Without a growth round the second word still holds an earlier refinement's count.
    const added = add > 0 ? drawn : 0;
    state.count = n + added;
    return { relocated, added };
  }

  /** One round over the first `n` rows: relocation (dead rows are the copies) or growth by `add`. */
  private round(state: SplatState, it: number, n: number, relocate: boolean, add: number, stats: GPUBuffer): void {
    const c = this.config;
    const enc = this.device.createCommandEncoder({ label: relocate ? 'McmcStrategy.relocate' : 'McmcStrategy.grow' });
    enc.clearBuffer(this.counts.buffer, 0, n * 4);
    let pass = enc.beginComputePass({ label: 'McmcStrategy.weights' });
    this.weights.encode(pass, {
      count: n,
      relocate,
      deadMaxLogit: logit(c.minOpacity),
      opacityLogits: state.params.opacityLogits.buffer,
      flags: this.flags.buffer,
      stats,
      gradRef: c.gradientWeight,
    });
    pass.end();
    this.scan.encode(enc, { input: this.flags.buffer, output: this.scanned.buffer, count: relocate ? 2 * n : n });
    pass = enc.beginComputePass({ label: 'McmcStrategy.copies' });
    const shared = { pairs: this.pairs.buffer, counts: this.counts.buffer, info: this.info };
    this.sample.encode(pass, {
      count: n,
      relocate,
      draws: add,
      seed: this.seed,
      iteration: it,
      scan: this.scanned.buffer,
      ...shared,
    });
    // Draws are at most n when relocating (one per dead row), `add` when growing.
    const draws = relocate ? n : add;
    const K = state.shCoeffs;
    for (const g of PARAM_GROUPS) {
      const rows = { param: state.params[g].buffer, m: state.m[g].buffer, v: state.v[g].buffer };
      this.copy[g].encode(pass, { count: draws, width: groupWidth(g, K), mode: 'copy', ...shared, ...rows });
    }
    const values = {
      minOpacity: c.minOpacity,
      opacityLogits: state.params.opacityLogits.buffer,
      logScales: state.params.logScales.buffer,
      means: state.params.means.buffer,
      quats: state.params.quats.buffer,
      seed: this.seed,
      iteration: it,
      relocate,
      spread: c.spread,
      ...shared,
    };
    this.relocateCopies.encode(pass, { count: draws, mode: 'copies', ...values });
    this.relocateSources.encode(pass, { count: n, mode: 'sources', ...values });
    for (const g of PARAM_GROUPS) {
      const rows = { param: state.params[g].buffer, m: state.m[g].buffer, v: state.v[g].buffer };
      this.zeroSources[g].encode(pass, { count: n, width: groupWidth(g, K), mode: 'zero-sources', ...shared, ...rows });
    }
    pass.end();
    enc.copyBufferToBuffer(this.info, 0, this.readback, relocate ? 0 : 4, 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** The position noise of iteration `it` on every splat. */
  noise(it: number, state: SplatState, meansLr: number): void {
    const c = this.config;
    if (state.count === 0 || c.noiseLr === 0) return;
    const enc = this.device.createCommandEncoder({ label: 'McmcStrategy.noise' });
    const pass = enc.beginComputePass({ label: 'McmcNoise' });
    this.noiseKernel.encode(pass, {
      count: state.count,
      seed: this.seed,
      iteration: it,
      // meansLr (a length) times Sigma (a length squared): back to one length of this scene.
      scaler: (meansLr * c.noiseLr) / (this.unit * this.unit),
      sharpness: c.noiseSharpness,
      gateOpacity: c.noiseGateOpacity,
      means: state.params.means.buffer,
      logScales: state.params.logScales.buffer,
      quats: state.params.quats.buffer,
      opacityLogits: state.params.opacityLogits.buffer,
    });
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    this.weights.destroy();
    this.sample.destroy();
    for (const g of PARAM_GROUPS) {
      this.copy[g].destroy();
      this.zeroSources[g].destroy();
    }
    this.relocateCopies.destroy();
    this.relocateSources.destroy();
    this.noiseKernel.destroy();
    this.regularize.destroy();
    this.scan.destroy();
    for (const g of PARAM_GROUPS) this.scatter[g].destroy();
    for (const b of [this.flags, this.scanned, this.counts, this.pairs]) b.destroy();
    this.info.destroy();
    this.noStats.destroy();
    this.readback.destroy();
  }
}
