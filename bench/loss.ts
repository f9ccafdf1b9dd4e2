/**
 * Image loss benchmark: wall time per forward + backward (`encode`) and per metrics-only pass
 * (`encodeMetrics`) of ImageLoss at given sizes, and the bytes of its scratch buffers. Work is
 * timed as `iterations` passes in one submission, after a warm-up, so the queue round trip is
 * paid once. `npm run bench` (bench/run.ts) calls `benchLoss`; nothing runs on import.
 */
import { createBufferWithData } from '../src/gpu/buffers';
import { ImageLoss } from '../src/kernels/image-loss';

export interface LossBenchResult {
  width: number;
  height: number;
  /** Milliseconds per loss forward + backward. */
  lossMs: number;
  /** Milliseconds per metrics-only pass. */
  metricsMs: number;
  scratchBytes: Record<string, number>;
}

function testImage(width: number, height: number, phase: number): Float32Array {
  const img = new Float32Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      img[i] = 0.5 + 0.5 * Math.sin(x * 0.05 + phase);
      img[i + 1] = 0.5 + 0.5 * Math.cos(y * 0.07 + phase);
      img[i + 2] = ((x ^ y) & 255) / 255;
      img[i + 3] = 1;
    }
  }
  return img;
}

async function timeIt(device: GPUDevice, iterations: number, record: (enc: GPUCommandEncoder) => void): Promise<number> {
  const warm = device.createCommandEncoder({ label: 'bench.loss.warmup' });
  record(warm);
  device.queue.submit([warm.finish()]);
  await device.queue.onSubmittedWorkDone();
  const enc = device.createCommandEncoder({ label: 'bench.loss' });
  for (let i = 0; i < iterations; i++) record(enc);
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / iterations;
}

export async function benchLoss(device: GPUDevice, sizes: [number, number][] = [[1280, 720]], iterations = 20): Promise<LossBenchResult[]> {
  const results: LossBenchResult[] = [];
  for (const [width, height] of sizes) {
    const loss = new ImageLoss(device);
    const image = createBufferWithData(device, 'bench.loss.image', testImage(width, height, 0));
    const vImage = device.createBuffer({ label: 'bench.loss.vImage', size: width * height * 16, usage: GPUBufferUsage.STORAGE });
    loss.setTarget(testImage(width, height, 0.3), width, height);
    const lossMs = await timeIt(device, iterations, (enc) => loss.encode(enc, image, vImage));
    const metricsMs = await timeIt(device, iterations, (enc) => loss.encodeMetrics(enc, image));
    const stats = await loss.readStats();
    if (!Number.isFinite(stats.loss)) throw new Error(`bench loss: non-finite loss ${stats.loss} at ${width} x ${height}`);
    results.push({ width, height, lossMs, metricsMs, scratchBytes: loss.scratchBytes() });
    image.destroy();
    vImage.destroy();
    loss.destroy();
  }
  return results;
}

export function formatLossBench(results: LossBenchResult[]): string {
  return results
    .map((r) => {
      const mib = Object.values(r.scratchBytes).reduce((a, b) => a + b, 0) / 2 ** 20;
      return `loss ${r.width}x${r.height}: forward+backward ${r.lossMs.toFixed(3)} ms, metrics ${r.metricsMs.toFixed(3)} ms, scratch ${mib.toFixed(1)} MiB`;
    })
    .join('\n');
}
