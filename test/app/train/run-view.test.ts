import { describe, expect, it } from 'vitest';
import { datasetReadout, runStateText, runTitle, splatsReadout } from '../../../src/app/train/run-view';

describe('run status text', () => {
  it('tells stopped from done, with the step', () => {
    expect(runStateText('training', 120, 2000)).toBe('training, step 120 of 2,000');
    expect(runStateText('paused', 120, 2000)).toBe('paused at step 120 of 2,000');
    expect(runStateText('stopped', 120, 2000)).toBe('stopped at step 120 of 2,000');
    expect(runStateText('done', 2000, 2000)).toBe('trained, 2,000 steps');
  });

  it('puts the step first in the tab title', () => {
    expect(runTitle('buddha13', 'training', 120, 2000, 'Viewer')).toBe('120/2,000 buddha13 training — Viewer');
    expect(runTitle('buddha13', 'stopped', 120, 2000, 'Viewer')).toBe('120/2,000 buddha13 stopped — Viewer');
    expect(runTitle('buddha13', 'done', 2000, 2000, 'Viewer')).toBe('✓ buddha13 trained — Viewer');
  });

  it("keeps the running dataset in the readout while another one is loaded next", () => {
    const a = { name: 'a', data: { train: [1, 2], test: [3] } };
    const b = { name: 'b', data: { train: [1], test: [] } };
    expect(datasetReadout(a, b, true)).toBe('a (2 train, 1 test); next: b');
    expect(datasetReadout(a, a, true)).toBe('a (2 train, 1 test)');
    expect(datasetReadout(a, b, false)).toBe('b (1 train, 0 test)');
    expect(datasetReadout(undefined, undefined, false)).toBe('-');
  });

  it("shows an MCMC run's count against the budget it grows to; ADC's count alone", () => {
    expect(splatsReadout(21_402, 64_206)).toBe('21,402 of 64,206 (MCMC)');
    expect(splatsReadout(31_655, undefined)).toBe('31,655');
    // With a peak: against the peak until the prune, then against the budget.
    expect(splatsReadout(30_000, 10_552, 64_206)).toBe('30,000 of 64,206, then 10,552 (MCMC)');
    expect(splatsReadout(10_000, 10_552, 64_206)).toBe('10,000 of 64,206, then 10,552 (MCMC)'); // before growth
    expect(splatsReadout(10_552, 10_552, 64_206, true)).toBe('10,552 of 10,552 (MCMC)');
    expect(splatsReadout(10_552, 10_552, 10_552)).toBe('10,552 of 10,552 (MCMC)'); // a peak at the budget is none
  });
});
