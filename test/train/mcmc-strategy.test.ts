/**
 * McmcStrategy's kernels on the GPU against the float64 reference (src/reference/mcmc.ts): a
 * refinement (relocation + growth: draws, row copies, moments, the opacity/scale update), the
 * position noise and the regularisers' gradients.
 */
import { describe, expect, it } from 'vitest';
import { createBufferWithData, readF32 } from '../../src/gpu/buffers';
import { HOST_GROUPS, type HostGroup, type HostSplats, emptyHost, hostWidth } from '../../src/reference/densify';
import { sigmoid } from '../../src/reference/math';
import { gradientFactor, mcmcAdd, mcmcNoise, mcmcRegularizer, mcmcRelocate, mcmcWeightBits } from '../../src/reference/mcmc';
import { McmcStrategy } from '../../src/train/mcmc-strategy';
import { pruneLayout, pruneRows, pruneScores } from '../../src/train/mcmc-prune';
import { MCMC_UNIT_EXTENT } from '../../src/train/mcmc-config';
import { PARAM_GROUPS, SplatState } from '../../src/train/splat-state';
import { expectClose, rng } from '../helpers/compare';
import { getTestDevice } from '../helpers/gpu';

const f = Math.fround;
/**
 * Largest error of an offset copy's mean measured on SwiftShader: 2.33e-5 (spread 0.7, 1,123
 * rows; 9.2e-6 at spread 1, 5 rows), mostly WGSL's cos/sin (2^-11 absolute) on a Box-Muller
 * radius up to 5.9 times a scale up to 0.14.
 */
const MEANS_ERR = 2.33e-5;

/**
 * A logit whose weight o * 2^bits sits at least 0.05 from an integer, so the f32 sigmoid on the
 * GPU (relative error ~1e-7, i.e. < 0.007 on o * 2^16) gives the reference's integer weight.
 */
function safeLogit(r: () => number, bits: number, lo: number, hi: number): number {
  for (;;) {
    const l = f(lo + (hi - lo) * r());
    const x = sigmoid(l) * 2 ** bits;
    const frac = x - Math.floor(x);
    if (frac > 0.05 && frac < 0.95) return l;
  }
}

/** f32 values; dead splats at logit <= -6 (o < 0.0025), live ones at o >= 0.018. */
function randomHost(n: number, seed: number, deadFraction: number, shDegree = 1): HostSplats {
  const r = rng(seed);
  const K = (shDegree + 1) ** 2;
  const h = emptyHost(n, K);
  const bits = mcmcWeightBits(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) h.params.means[i * 3 + k] = f(r() * 4 - 2);
    for (let k = 0; k < 3; k++) h.params.logScales[i * 3 + k] = f(-4 + 2 * r());
    for (let k = 0; k < 4; k++) h.params.quats[i * 4 + k] = f(r() * 2 - 1);
    h.params.opacityLogits[i] = r() < deadFraction ? safeLogit(r, bits, -8, -6) : safeLogit(r, bits, -4, 4);
    for (let k = 0; k < K * 3; k++) h.params.sh[i * K * 3 + k] = f(r() - 0.5);
    for (const g of HOST_GROUPS) {
      const w = hostWidth(g, K);
      for (let k = 0; k < w; k++) {
        h.m[g][i * w + k] = f(r() - 0.5);
        h.v[g][i * w + k] = f(r());
      }
    }
  }
  return h;
}

function upload(device: GPUDevice, host: HostSplats, shDegree: number): SplatState {
  const st = new SplatState(device, shDegree, host.count, Math.max(host.count, 1));
  for (const set of ['params', 'm', 'v'] as const) for (const g of PARAM_GROUPS) device.queue.writeBuffer(st[set][g].buffer, 0, Float32Array.from(host[set][g]));
  return st;
}

describe('MCMC refinement on the GPU vs the float64 reference', () => {
  const cases = [
    { n: 1, add: 4, dead: 0, seed: 1, spread: 0 }, // one source drawn 4 times: ratio 5
    { n: 257, add: 0, dead: 0.4, seed: 2, spread: 0 }, // relocation only
    { n: 1000, add: 123, dead: 0.25, seed: 3, spread: 0 },
    { n: 50, add: 7, dead: 1, seed: 4, spread: 0 }, // all dead: nothing to relocate onto; growth still draws
    // Copies offset from their sources (McmcConfig.spread), in both rounds.
    { n: 1, add: 4, dead: 0, seed: 5, spread: 1 },
    { n: 1000, add: 123, dead: 0.25, seed: 6, spread: 0.7 },
  ];
  for (const c of cases) {
    it(`${c.n} splats, ${Math.round(c.dead * 100)}% dead, ${c.add} added, spread ${c.spread}`, async () => {
      const device = await getTestDevice();
      const host = randomHost(c.n, c.seed, c.dead);
      const st = upload(device, host, 1);
      const it = 700 + c.seed;
      // One refinement left in the run: the growth target is the budget.
      const strategy = new McmcStrategy(device, { splats: c.n + c.add, refineFrom: 0, refineEvery: 1, spread: c.spread }, c.seed * 7, it + 1);
      const got = await strategy.refine(it, st);
      const opts = { seed: c.seed * 7, iteration: it, minOpacity: 0.005, spread: c.spread };
      const r0 = mcmcRelocate(host, opts);
      const r1 = mcmcAdd(r0.splats, c.add, opts);
      expect(got).toEqual({ relocated: r0.copies, added: c.add });
      expect(st.count).toBe(c.n + c.add);
      for (const set of ['params', 'm', 'v'] as const) {
        for (const g of PARAM_GROUPS) {
          const want = r1.splats[set][g as HostGroup];
          const gpu = await st.read(set, g);
          // Measured on SwiftShader, worst case: opacity logits 4.4e-6 absolute, log-scales
          // 4.4e-6 (f32 sigmoid, softplus, exp, log and the binomial sum at ratio <= 5); 10x.
          // Copies and moments are exact.
          if (set === 'params' && g === 'opacityLogits') expectClose(gpu, want, 4.4e-5, 0, `${set}.${g}`);
          else if (set === 'params' && g === 'logScales') expectClose(gpu, want, 4.4e-5, 0, `${set}.${g}`);
          // Offset copies: the f32 hash-to-normal (log, sqrt, cos, sin), exp of the log-scales and
          // the rotation (MEANS_ERR); 10x. Every other value is exact or bounded above.
          else if (set === 'params' && g === 'means' && c.spread > 0) {
            const err = Math.max(...Array.from(gpu, (x, k) => Math.abs(x - want[k])));
            console.log(`[mcmc] spread ${c.spread}: means error ${err.toExponential(2)}`);
            expectClose(gpu, want, MEANS_ERR * 10, 0, `${set}.${g}`);
          } else expectClose(gpu, want, 0, 0, `${set}.${g}`);
        }
      }
      // At the budget, the next refinement only relocates.
      expect((await strategy.refine(it + 100, st)).added).toBe(0);
      expect(st.count).toBe(c.n + c.add);
      strategy.destroy();
      st.destroy();
    });
  }

  it('the opacity/scale update stays accurate in f32 for sources drawn many times', async () => {
    // 40 rows of which 39 are dead and one live source: it is drawn 39 times (ratio 40).
    const device = await getTestDevice();
    for (const liveLogit of [-3, 0, 2]) {
      const host = randomHost(40, 9, 1);
      host.params.opacityLogits[17] = liveLogit;
      const st = upload(device, host, 1);
      const strategy = new McmcStrategy(device, { splats: 40, refineFrom: 0, refineEvery: 1 }, 3, 1000);
      await strategy.refine(900, st);
      const want = mcmcRelocate(host, { seed: 3, iteration: 900, minOpacity: 0.005 }).splats;
      const logits = await st.read('params', 'opacityLogits');
      const scales = await st.read('params', 'logScales');
      const err = (a: Float32Array, b: Float64Array) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));
      console.log(`[mcmc] ratio 40 at logit ${liveLogit}: logit error ${err(logits, want.params.opacityLogits).toExponential(2)}, log-scale error ${err(scales, want.params.logScales).toExponential(2)}`);
      // Measured on SwiftShader: logits 5.5e-6, log-scales 4.2e-6 (at logit 0); 10x. The
      // alternating binomial sum stays accurate here: o' is small when a source is drawn often.
      expectClose(logits, want.params.opacityLogits, 5.5e-5, 0, 'opacityLogits');
      expectClose(scales, want.params.logScales, 4.2e-5, 0, 'logScales');
      strategy.destroy();
      st.destroy();
    }
  });
});

describe('MCMC draws weighted by the image gradient (gradientWeight)', () => {
  it("draws the reference's sources, which differ from draws by opacity alone", async () => {
    const device = await getTestDevice();
    const n = 800;
    const add = 150;
    const gradRef = 2e-4;
    const host = randomHost(n, 31, 0.3);
    // Statistics: grad-norm sums over 1..20 views, mean gradients from 1e-6 to 1e-2 (both clamps
    // reached); rows never seen keep count 0. Logits are then re-picked so o * factor * 2^bits sits
    // at least 0.05 from an integer (f32 gives the reference's integer weights).
    const r = rng(77);
    const stats = new Float32Array(n * 4);
    const bits = mcmcWeightBits(n);
    for (let i = 0; i < n; i++) {
      const count = r() < 0.1 ? 0 : 1 + Math.floor(20 * r());
      stats[4 * i] = f(10 ** (-6 + 4 * r()) * Math.max(count, 1));
      stats[4 * i + 1] = count;
      const dead = sigmoid(host.params.opacityLogits[i]) <= 0.005;
      const factor = gradientFactor({ seed: 0, iteration: 0, minOpacity: 0.005, gradRef, stats }, i);
      for (;;) {
        const l = f(dead ? -8 + 2 * r() : -4 + 8 * r());
        const x = sigmoid(l) * factor * 2 ** bits;
        if (x - Math.floor(x) > 0.05 && x - Math.floor(x) < 0.95) {
          host.params.opacityLogits[i] = l;
          break;
        }
      }
    }
    const st = upload(device, host, 1);
    const statsBuffer = createBufferWithData(device, 'test.stats', stats);
    const it = 404;
    const strategy = new McmcStrategy(device, { splats: n + add, refineFrom: 0, refineEvery: 1, gradientWeight: gradRef }, 5, it + 1);
    const got = await strategy.refine(it, st, statsBuffer);
    const opts = { seed: 5, iteration: it, minOpacity: 0.005, gradRef, stats };
    const r0 = mcmcRelocate(host, opts);
    const r1 = mcmcAdd(r0.splats, add, opts);
    expect(got).toEqual({ relocated: r0.copies, added: add });
    // Copies are exact (see the refinement cases above): the rows drawn are the reference's.
    for (const g of ['means', 'sh'] as const) expectClose(await st.read('params', g), r1.splats.params[g], 0, 0, `params.${g}`);
    // Without the gradient factor the same draw keys pick other rows.
    const plain = mcmcRelocate(host, { seed: 5, iteration: it, minOpacity: 0.005 });
    expect(plain.sources).not.toEqual(r0.sources);
    strategy.destroy();
    st.destroy();
    statsBuffer.destroy();
  });
});

describe('MCMC noise and regularisers on the GPU vs the float64 reference', () => {
  it('position noise: only nearly transparent splats move, by scaler * gate * Sigma z', async () => {
    const device = await getTestDevice();
    const host = randomHost(700, 21, 0.5);
    // Make the scales larger so the displacement is well above f32 rounding of the means.
    for (let i = 0; i < host.params.logScales.length; i++) host.params.logScales[i] = f(host.params.logScales[i] + 3);
    const st = upload(device, host, 1);
    const strategy = new McmcStrategy(device, {}, 5, 30_000);
    const scaler = 0.4;
    strategy.noise(1234, st, scaler / 5e5);
    const got = await st.read('params', 'means');
    const want = mcmcNoise(host, { scaler, seed: 5, iteration: 1234, sharpness: 100, gateOpacity: 0.005 });
    let moved = 0;
    let worst = 0;
    for (let i = 0; i < host.count; i++) {
      let norm = 0;
      for (let k = 0; k < 3; k++) norm = Math.max(norm, Math.abs(want[i * 3 + k] - host.params.means[i * 3 + k]));
      if (norm > 1e-3) moved++;
      for (let k = 0; k < 3; k++) {
        const e = Math.abs(got[i * 3 + k] - want[i * 3 + k]);
        // f32 rounding of |mean| <= 2 plus WGSL's cos/sin error (2^-11 absolute) on a
        // Box-Muller radius <= 5.9, relative to the displacement.
        worst = Math.max(worst, e / (2.4e-7 * 2 + 2e-3 * norm));
      }
    }
    console.log(`[mcmc] noise moved ${moved} of 700 splats; worst error ${worst.toFixed(3)} of its bound`);
    // Half the splats are dead (gate about 0.6) and a few live ones are faint; the rest stay.
    expect(moved).toBeGreaterThan(300);
    expect(moved).toBeLessThan(500);
    expect(worst).toBeLessThanOrEqual(1);
    // Another iteration draws other noise; the same one the same bits.
    const again = upload(device, host, 1);
    strategy.noise(1234, again, scaler / 5e5);
    expect(await again.read('params', 'means')).toEqual(got);
    strategy.noise(1235, again, scaler / 5e5);
    expect(await again.read('params', 'means')).not.toEqual(got);
    // In a scene of 4x the extent (MCMC_UNIT_EXTENT's), the noise (a length cubed) is divided by
    // 16: sixteen times the learning rate moves these splats as far as above, to f32 rounding.
    const wide = new McmcStrategy(device, {}, 5, 30_000, 4 * MCMC_UNIT_EXTENT);
    const far = upload(device, host, 1);
    wide.noise(1234, far, (16 * scaler) / 5e5);
    const farMeans = await far.read('params', 'means');
    farMeans.forEach((v, i) => expect(Math.abs(v - got[i])).toBeLessThanOrEqual(2.4e-7 * 2));
    wide.destroy();
    far.destroy();
    strategy.destroy();
    st.destroy();
    again.destroy();
  });

  it('regularisers add lambda_o o (1 - o) / N and lambda_s exp(s) / 3N to the gradients', async () => {
    const device = await getTestDevice();
    for (const n of [1, 256, 777]) {
      const host = randomHost(n, 30 + n, 0.2);
      const st = upload(device, host, 1);
      const r = rng(n);
      // Even elements start at 0 (the sum is the added term itself), odd ones at a random value.
      const g0 = Float32Array.from({ length: n }, (_, i) => (i % 2 ? r() - 0.5 : 0));
      const s0 = Float32Array.from({ length: 3 * n }, (_, i) => (i % 2 ? (r() - 0.5) * 1e-3 : 0));
      const vOpacityLogits = createBufferWithData(device, 'vOpacity', g0);
      const vLogScales = createBufferWithData(device, 'vScales', s0);
      // Scenes of 1, 2 and 4 times MCMC_UNIT_EXTENT: the scale term (a length) is divided by it.
      const unit = 2 ** (n % 3);
      const strategy = new McmcStrategy(device, { opacityReg: 0.01, scaleReg: 0.02 }, 0, 100, unit * MCMC_UNIT_EXTENT);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      strategy.encodeGradientTerms(pass, st, { vOpacityLogits, vLogScales });
      pass.end();
      device.queue.submit([enc.finish()]);
      const ref = mcmcRegularizer(host.params.opacityLogits, host.params.logScales, n, 0.01, 0.02 / unit);
      // Measured on SwiftShader: the added term within 5.9e-7 relative (f32 exp and the
      // coefficient); 10x, plus half an f32 ulp of the sum where the gradient was not 0.
      const check = (got: Float32Array, base: Float32Array, add: Float64Array, name: string) => {
        got.forEach((v, i) => {
          const want = base[i] + add[i];
          if (!(Math.abs(v - want) <= 5.9e-6 * Math.abs(add[i]) + 6e-8 * Math.abs(want))) throw new Error(`${name}[${i}]: ${v} vs ${want}`);
        });
      };
      check(await readF32(device, vOpacityLogits, n), g0, ref.vOpacityLogits, 'vOpacityLogits');
      check(await readF32(device, vLogScales, 3 * n), s0, ref.vLogScales, 'vLogScales');
      strategy.destroy();
      st.destroy();
      vOpacityLogits.destroy();
      vLogScales.destroy();
    }
  });
});

describe('MCMC prune to the budget on the GPU', () => {
  it('keeps the budget of highest scores, with their parameters and moments bit for bit, in row order', async () => {
    const device = await getTestDevice();
    const n = 1500;
    const keep = 437;
    const host = randomHost(n, 11, 0.2, 2);
    const st = upload(device, host, 2);
    const r = rng(12);
    // Ties (a run of equal scores straddles the cut) go to the lower row; NaN ranks last.
    const scores = Float32Array.from({ length: n }, () => Math.floor(r() * 40));
    scores[3] = Number.NaN;
    const asked: number[] = [];
    const strategy = new McmcStrategy(device, { splats: keep, peak: n, pruneAt: 9 }, 1, 20, MCMC_UNIT_EXTENT, async (s, it) => {
      asked.push(it, s.count);
      return scores;
    });
    const stats = createBufferWithData(device, 'stats', new Float32Array(n * 4).fill(3));
    expect(await strategy.prune(st, 9, stats)).toBe(n - keep);
    expect(asked).toEqual([9, n]);
    expect(st.count).toBe(keep);
    // The reference choice, written out: sort by score descending then row ascending, take `keep`.
    const rows = [...Array(n).keys()].filter((i) => i !== 3).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, keep).sort((a, b) => a - b);
    const cut = scores[[...rows].sort((a, b) => scores[a] - scores[b])[0]];
    expect(rows.some((i) => scores[i] === cut) && [...Array(n).keys()].some((i) => scores[i] === cut && !rows.includes(i))).toBe(true);
    for (const set of ['params', 'm', 'v'] as const) {
      for (const g of PARAM_GROUPS) {
        const w = host[set][g as HostGroup].length / n;
        const want = new Float32Array(keep * w);
        rows.forEach((src, i) => want.set(Float32Array.from(host[set][g as HostGroup]).subarray(src * w, (src + 1) * w), i * w));
        expectClose(await st.read(set, g), want, 0, 0, `${set}.${g}`);
      }
    }
    expect(Array.from(await readF32(device, stats, n * 4)).every((v) => v === 0)).toBe(true);
    // At or under the budget, nothing to prune.
    expect(await strategy.prune(st, 9, stats)).toBe(0);
    strategy.destroy();
    st.destroy();
    stats.destroy();
  });
});

describe('prune choice (mcmc-prune.ts)', () => {
  it('scores opacity times blend weight; keeps the highest, ties to the lower row, NaN last; lays rows out for the scatter', () => {
    // sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4.
    const s = pruneScores([0, Math.log(3)], [2, 4]);
    expect(s[0]).toBe(1);
    expect(Math.abs(s[1] - 3)).toBeLessThan(1e-15);
    expect(() => pruneScores([0], [1, 2])).toThrow(/1 opacities, 2 blend weights/);
    expect(Array.from(pruneRows([5, Number.NaN, 7, 5, 1], 3))).toEqual([0, 2, 3]);
    expect(Array.from(pruneRows([5, Number.NaN, 7, 5, 1], 2))).toEqual([0, 2]);
    expect(Array.from(pruneRows([1, 2], 5))).toEqual([0, 1]);
    // Rows 0, 2, 3 of 5 kept: exclusive scan of 1 0 1 1 0, then no new rows.
    expect(Array.from(pruneLayout(Uint32Array.of(0, 2, 3), 5))).toEqual([0, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3]);
  });
});
