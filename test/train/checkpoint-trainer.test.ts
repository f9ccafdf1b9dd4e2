/**
 * Trainer.captureState / restoreState on the GPU, the API the CLI and the browser build on:
 * a run restored from its encoded checkpoint continues bit for bit like the unbroken run
 * (random backgrounds and densification after the checkpoint included), a restored trainer
 * captures the same bytes it was given, and a trainer that has not stepped yet can be saved.
 */
import { describe, expect, it } from 'vitest';
import { initFromPoints } from '../../src/train/init';
import { Trainer } from '../../src/train/trainer';
import type { TrainConfig } from '../../src/train/config';
import { checkpointScene, decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint';
import { datasetIdentity } from '../../src/train/checkpoint-resume';
import { getTestDevice } from '../helpers/gpu';
import { smallBuddha } from '../helpers/small-buddha';

/** Random backgrounds draw from their RNG every step; densification at 4 and 6 moves rows. */
const CONFIG: Partial<TrainConfig> = { iterations: 7, seed: 9, background: 'random', density: { densifyFrom: 2, densifyEvery: 2 } };

describe('Trainer checkpoints', () => {
  it('a run restored from its encoded checkpoint ends bit-identical to the unbroken run', async () => {
    const device = await getTestDevice();
    const dataset = await smallBuddha();
    const identity = datasetIdentity('buddha13-small', dataset);
    const a = new Trainer(device, dataset, initFromPoints(dataset.points, { shDegree: 1 }), { ...CONFIG, shDegree: 1 });

    // Nothing stepped yet: the statistics are all zero and the state is savable.
    const fresh = await a.captureState();
    expect(fresh.iteration).toBe(0);
    expect(fresh.densifyStats.every((v) => v === 0)).toBe(true);

    for (let i = 0; i < 3; i++) await a.step();
    const bytes = encodeCheckpoint({ config: a.config, dataset: identity, state: await a.captureState() });
    const saved = decodeCheckpoint(bytes, 'mid.ckpt');
    expect(saved.state.densifyStats.some((v) => v > 0)).toBe(true);
    const counts: number[] = [];
    while (!a.done) counts.push((await a.step()).splats);
    expect(counts.some((n) => n !== saved.state.count), 'densification after the checkpoint').toBe(true);
    const unbroken = await a.exportScene();
    a.destroy();

    const b = new Trainer(device, dataset, checkpointScene(saved), saved.config);
    b.restoreState(saved.state);
    // Saving again before the first step gives back exactly what was restored.
    expect(encodeCheckpoint({ config: b.config, dataset: identity, state: await b.captureState() })).toEqual(bytes);
    while (!b.done) await b.step();
    const resumed = await b.exportScene();
    b.destroy();

    expect(resumed.count).toBe(unbroken.count);
    for (const k of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) {
      const x = new Uint32Array(resumed[k].buffer, resumed[k].byteOffset, resumed[k].length);
      const y = new Uint32Array(unbroken[k].buffer, unbroken[k].byteOffset, unbroken[k].length);
      const first = x.findIndex((v, i) => v !== y[i]);
      expect(first, `${k}: first differing index`).toBe(-1);
    }
  });
});
