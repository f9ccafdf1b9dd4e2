/**
 * The panel's fps and frame ms, both over the same half-second windows of finished frames.
 * frame ms is the mean time the GPU spent on a frame: from its submit, or from the previous
 * frame's end when it was queued behind it, to its end. A mean, not the last frame's figure:
 * frames shown through a readback can finish in pairs (two mappings resolving in one task), and
 * the second of a pair then reads near 0 ms while the pair took a whole interval.
 */
export class FrameClock {
  fps = 0;
  frameMs = 0;
  private lastDone = 0;
  private start = 0;
  private frames = 0;
  private busy = 0;

  constructor(private readonly windowMs = 500) {}

  /** A frame submitted at `submitted` finished at `done` (ms); returns its own busy time. */
  finished(submitted: number, done: number): number {
    const busy = done - Math.max(submitted, this.lastDone);
    this.lastDone = done;
    if (this.frames === 0) {
      this.start = done;
      this.busy = 0;
    } else this.busy += busy;
    this.frames++;
    if (done - this.start >= this.windowMs) {
      this.fps = ((this.frames - 1) * 1000) / (done - this.start);
      this.frameMs = this.busy / (this.frames - 1);
      // The frame that closes a window opens the next: windows tile the timeline, so a pair
      // split across two windows is not read as one frame over a whole interval.
      this.start = done;
      this.frames = 1;
      this.busy = 0;
    }
    return busy;
  }
}
