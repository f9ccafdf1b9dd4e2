/**
 * Waiting for the GPU without stealing its CPU. Dawn's Node binding (the `webgpu` package) turns
 * the event loop into a busy loop while any GPU promise is pending; on a CPU adapter such as
 * SwiftShader that spinning thread competes with the adapter's own worker threads for the cores
 * (measured: 40% more CPU time per step, and slower steps on a 2-core machine). So a loop that
 * waits for every step first sleeps for most of the GPU time it expects (learned from its previous
 * waits), then awaits. Browsers wait without spinning; there this does nothing.
 */

const spinningDevices = new WeakSet<GPUDevice>();

/** Marks a device whose waits spin the CPU (src/gpu/node-gpu.ts marks Dawn-in-Node devices). */
export function markSpinningWaits(device: GPUDevice): void {
  spinningDevices.add(device);
}

/** Fraction of the expected GPU time slept before awaiting: a shorter step wastes little. */
const SLEEP_FRACTION = 0.8;
/** Waits shorter than this are awaited at once (timer granularity). */
const MIN_SLEEP_MS = 4;

export class PatientWait {
  private expectedMs = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Runs `start` (which begins a GPU wait, e.g. mapAsync) after sleeping, and learns its length. */
  async run<T>(start: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const sleep = this.expectedMs * SLEEP_FRACTION;
    if (spinningDevices.has(this.device) && sleep >= MIN_SLEEP_MS) await new Promise((r) => setTimeout(r, sleep));
    const result = await start();
    const took = performance.now() - t0;
    this.expectedMs = this.expectedMs === 0 ? took : 0.7 * this.expectedMs + 0.3 * took;
    return result;
  }
}
