/**
 * Pacing of the live view while a training run steps (src/app/viewer.ts). On a CPU adapter
 * (SwiftShader and the like) the view's frames and the trainer's steps run on the same cores, and
 * a view drawn every animation frame left training a small part of them: "Train the sample" in a
 * 1100x800 page made 1.03 steps a second (2.3 frames a second), where the same steps run at 8.65
 * a second in Node (bench/README.md, sixteenth session). So while the camera, the canvas and the
 * settings are still, a frame is drawn only once the last one has been done for `idleFactor`
 * times as long as it took: the view then takes at most 1 / (1 + idleFactor) of the time, and it
 * still shows the run's progress every few of its own frame times. Anything the user changes
 * draws at once, every frame (the viewer decides that; this only paces still frames).
 */
export class LivePacing {
  private nextAt = -Infinity;

  constructor(
    readonly idleFactor: number,
    readonly maxWaitMs = Infinity,
  ) {
    if (!(idleFactor >= 0)) throw new Error(`LivePacing: idleFactor must be >= 0, got ${idleFactor}`);
    if (!(maxWaitMs >= 0)) throw new Error(`LivePacing: maxWaitMs must be >= 0, got ${maxWaitMs}`);
  }

  /** Whether a still frame may be drawn at `now` (ms, the clock of `drawn`). */
  mayDraw(now: number): boolean {
    return now >= this.nextAt;
  }

  /**
   * A drawn frame was done at `doneAt` (ms) after `ms` of work: the next still frame waits
   * idleFactor * ms, at most `maxWaitMs`. The cap matters because `ms` is the frame's submit to
   * done on a queue it shares with the trainer: a frame queued behind a long step reads as that
   * step, and uncapped the view then froze for many steps (a live view 30 s old reads as hung).
   */
  drawn(doneAt: number, ms: number): void {
    this.nextAt = doneAt + Math.min(this.maxWaitMs, this.idleFactor * Math.max(0, ms));
  }
}
