/**
 * The last good training state, kept so a diverged run (NaN/Inf loss) can still be exported.
 * Captured on the CPU after the first and every 100th finite-loss step: a download is cheap at
 * that rate and survives whatever later corrupts the GPU buffers. The copy is recorded when
 * `capture` is called, so later steps cannot leak into it. It is the scene an export would give
 * at that step (an anti-aliased run's with its 3D filter baked in and its 2D filter named).
 */
import type { SplatScene } from '../io/scene';

export class Snapshot {
  scene: SplatScene | undefined;
  iteration = 0;
  private pending: Promise<void> | undefined;

  /** Starts `read` (a download that records its copy when called); a capture still in flight is not restarted. */
  capture(read: () => Promise<SplatScene>, iteration: number): void {
    if (this.pending) return;
    this.pending = read()
      .then((scene) => {
        if (isFinite(scene)) {
          this.scene = scene;
          this.iteration = iteration;
        }
      })
      .finally(() => {
        this.pending = undefined;
      });
  }

  /** Waits for a capture in flight. */
  async settled(): Promise<void> {
    await this.pending;
  }

  destroy(): void {
    this.scene = undefined;
  }
}

function isFinite(s: SplatScene): boolean {
  for (const a of [s.means, s.logScales, s.quats, s.opacityLogits, s.sh]) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  }
  return true;
}
