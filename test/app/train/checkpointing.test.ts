import { describe, expect, it } from 'vitest';
import { AUTO_CHECKPOINT_MS, checkpointDue } from '../../../src/app/train/checkpointing';

describe('checkpointDue', () => {
  const at = (iteration: number, savedIteration: number, everySteps: number, activeMsSinceSave = 0) => ({ iteration, savedIteration, everySteps, activeMsSinceSave });

  it('saves every N steps when N is set', () => {
    expect(checkpointDue('step', at(3, 0, 4))).toBe(false);
    expect(checkpointDue('step', at(4, 0, 4))).toBe(true);
    expect(checkpointDue('step', at(7, 4, 4))).toBe(false);
    expect(checkpointDue('step', at(8, 4, 4))).toBe(true);
  });

  it('by default saves after a few minutes of training, however many steps that is', () => {
    expect(checkpointDue('step', at(500, 0, 0, AUTO_CHECKPOINT_MS - 1))).toBe(false);
    expect(checkpointDue('step', at(2, 0, 0, AUTO_CHECKPOINT_MS))).toBe(true);
  });

  it('always saves on pause and at the end, unless the checkpoint already holds the step', () => {
    expect(checkpointDue('pause', at(5, 4, 100))).toBe(true);
    expect(checkpointDue('end', at(9, 4, 100))).toBe(true);
    expect(checkpointDue('pause', at(4, 4, 1))).toBe(false);
    expect(checkpointDue('end', at(0, 0, 1))).toBe(false);
  });
});
