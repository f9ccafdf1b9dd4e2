/**
 * Dropout in the trainer: step `it` of a run with `dropout: R` renders with rate R it / iterations,
 * drawn from the run's seed and the step (src/reference/dropout.ts says which splats), and its
 * gradients are an independent DifferentiableRenderer run's with that dropout. Two runs with one
 * seed give the same bits.
 */
import { describe, expect, it } from 'vitest';
import { initFromPoints } from '../../src/train/init';
import { Trainer } from '../../src/train/trainer';
import { ViewSampler } from '../../src/train/random';
import { DifferentiableRenderer } from '../../src/train/differentiable-renderer';
import { dropoutFactor } from '../../src/reference/dropout';
import { readF32 } from '../../src/gpu/buffers';
import type { GaussianGradients } from '../../src/render/backward-pass';
import { getTestDevice } from '../helpers/gpu';
import { firstDifference, smallBuddha } from '../helpers/small-buddha';

describe('Trainer with dropout', () => {
  it("step 1 renders with rate R / iterations from the run's seed: the gradients of an independent run with that dropout", async () => {
    const device = await getTestDevice();
    const dataset = await smallBuddha();
    const initial = initFromPoints(dataset.points, { shDegree: 0 });
    const n = initial.count;
    const config = { iterations: 4, seed: 5, shDegree: 0, dropout: 0.8 };
    const trainer = new Trainer(device, dataset, initial, config);
    await trainer.step();
    const grads = (trainer as unknown as { diff: { gradients: GaussianGradients } }).diff.gradients;
    const [vMeans, vLogits] = await Promise.all([readF32(device, grads.vMeans, n * 3), readF32(device, grads.vOpacityLogits, n)]);
    trainer.destroy();

    const dropout = { rate: 0.2, seed: 5, iteration: 1 };
    const view = dataset.train[new ViewSampler(dataset.train.length, config.seed).next()];
    const diff = new DifferentiableRenderer(device);
    const opts = { shDegree: 0, background: [0, 0, 0] as [number, number, number] };
    const want = await diff.run(initial, view.camera, view.image, { ...opts, dropout });
    const without = await diff.run(initial, view.camera, view.image, opts);
    diff.destroy();
    // The same kernels on the same inputs: the same bits.
    expect(Buffer.from(vLogits.buffer).equals(Buffer.from(want.gradients.v_opacityLogits.buffer))).toBe(true);
    expect(Buffer.from(vMeans.buffer).equals(Buffer.from(want.gradients.v_means.buffer))).toBe(true);

    // The splats the reference's draw leaves out got no gradient, though the view reaches them.
    let dropped = 0;
    let reached = 0;
    for (let i = 0; i < n; i++) {
      if (without.gradients.v_opacityLogits[i] === 0) continue;
      reached++;
      if (dropoutFactor(dropout, i) === 0) {
        dropped++;
        expect(vLogits[i], `splat ${i} was left out`).toBe(0);
      }
    }
    expect(reached).toBeGreaterThan(n / 4);
    // A fifth of them, within 5 standard deviations of a binomial draw.
    expect(Math.abs(dropped - 0.2 * reached)).toBeLessThan(5 * Math.sqrt(0.16 * reached));
  }, 120_000);

  it('two runs with one seed end with the same bits, and differ from a run without dropout', async () => {
    const device = await getTestDevice();
    const dataset = await smallBuddha();
    const initial = initFromPoints(dataset.points, { shDegree: 0 });
    const run = async (dropout: number) => {
      const t = new Trainer(device, dataset, initial, { iterations: 6, seed: 2, shDegree: 0, dropout });
      for (let i = 0; i < 6; i++) await t.step();
      const scene = await t.exportScene();
      t.destroy();
      return scene;
    };
    const a = await run(0.5);
    const b = await run(0.5);
    const none = await run(0);
    expect(firstDifference(a, b)).toBeUndefined();
    expect(firstDifference(a, none)).toBeDefined();
  }, 120_000);
});
