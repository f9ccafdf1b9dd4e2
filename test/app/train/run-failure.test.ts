/**
 * A failed training step is reported to the user unless a device loss explains it. The case
 * behind CI's failure at 9a0b4b9: the old run's last step rejected ("The Device was lost before
 * mapping was resolved") only after a new device had taken over, and the page, checking its new
 * device, called that a training error over the recovery's notice.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failureToReport } from '../../../src/app/train/run-failure';

const GRACE = 1000;

function device(): { lost: Promise<unknown>; lose: () => void } {
  let lose!: () => void;
  const lost = new Promise<unknown>((r) => (lose = () => r({ reason: 'destroyed' })));
  return { lost, lose };
}

/** Settles `p` while fake time moves on; returns its value and the ms it took. */
async function settle(p: Promise<boolean>): Promise<{ value: boolean; ms: number }> {
  let value: boolean | undefined;
  void p.then((v) => (value = v));
  let ms = 0;
  while (value === undefined && ms <= 2 * GRACE) {
    await vi.advanceTimersByTimeAsync(50);
    ms += 50;
  }
  return { value: value!, ms };
}

describe('a failed run is reported unless a device loss explains it', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a failure on a live device, run still current: reported once the grace has passed', async () => {
    const r = await settle(failureToReport(device(), () => true, GRACE));
    expect(r.value).toBe(true);
    expect(r.ms).toBeGreaterThanOrEqual(GRACE);
  });

  it('the device is lost during the grace: not reported, without waiting it out', async () => {
    const d = device();
    const p = failureToReport(d, () => true, GRACE);
    await vi.advanceTimersByTimeAsync(200);
    d.lose();
    const r = await settle(p);
    expect(r).toEqual({ value: false, ms: 50 });
  });

  it("the run's device was lost before its step rejected (a new device already took over): not reported", async () => {
    const old = device();
    old.lose();
    const r = await settle(failureToReport(old, () => true, GRACE));
    expect(r).toEqual({ value: false, ms: 50 });
  });

  it('a run replaced meanwhile (or a device loss being handled): not reported', async () => {
    const r = await settle(failureToReport(device(), () => false, GRACE));
    expect(r.value).toBe(false);
  });
});
