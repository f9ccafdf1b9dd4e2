import { describe, expect, it } from 'vitest';
import { FrameClock } from '../../src/app/frame-clock';

describe("FrameClock (the panel's fps and frame ms)", () => {
  it('frames finishing in pairs read the time the pair took, not the near-zero second frame', () => {
    // A GPU-bound readback page, two frames in flight: both submitted as soon as the previous
    // pair was seen, the GPU takes 300 ms for each, and the page sees their mappings resolve
    // together, 0.1 ms apart, when the second is done.
    const c = new FrameClock();
    for (let k = 1; k <= 10; k++) {
      c.finished(600 * (k - 1) + 0.2, 600 * k);
      c.finished(600 * (k - 1) + 0.3, 600 * k + 0.1);
    }
    expect(c.fps).toBeCloseTo(1000 / 300, 10); // two frames per 600 ms window: exact up to rounding
    // The pair's 600 ms over its two frames.
    expect(c.frameMs).toBeCloseTo(300, 0); // 299.95: the 0.1 + 0.2 ms between a pair and the next submit
  });

  it('a frame that waits for nothing counts from its submit: an idle GPU reads short frames at the display rate', () => {
    const c = new FrameClock();
    for (let k = 0; k < 40; k++) c.finished(16 * k, 16 * k + 4);
    expect(c.fps).toBeCloseTo(62.5, 6);
    expect(c.frameMs).toBeCloseTo(4, 6);
  });

  it("returns each frame's own busy time (what the live view's pacing needs)", () => {
    const c = new FrameClock();
    expect(c.finished(0, 10)).toBe(10);
    expect(c.finished(5, 30)).toBe(20); // queued behind the first: from its end
    expect(c.finished(100, 103)).toBe(3);
    expect(c.fps).toBe(0); // no half second yet
  });
});
