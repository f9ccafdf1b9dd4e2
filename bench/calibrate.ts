/**
 * The adapter's practical limits, measured in the same run as the stages they judge:
 * - copy: bytes per second of a streaming vec4 copy (read + write counted), the yardstick of
 *   every memory-bound stage (sorts, projection);
 * - blend: Gaussian-pixel evaluations per second of the naive rasterizer (every pixel loops
 *   over every Gaussian, no binning, no early stop), the yardstick of the tile rasterizer.
 * Each is the median of several submits after a warm-up, timed by timestamp queries.
 */
import { bindBuffers, bindGroupLayout, computePipeline } from '../src/gpu/pipeline';
import { grid1d } from '../src/gpu/dispatch';
import { seededRandom } from '../src/train/random';
import { PassProfiler } from './pass-profiler';
import { median } from './timing';

export interface Limits {
  /** Streaming copy, GB/s (bytes read + written). */
  copyGBs: number;
  /** Naive per-pixel blend loop, million Gaussian-pixel evaluations per second. */
  blendMEvals: number;
}

const STORAGE = 0x80 | 0x8 | 0x4;

async function timePasses(device: GPUDevice, runs: number, record: (pass: GPUComputePassEncoder) => void): Promise<number> {
  const prof = new PassProfiler(device);
  const times: number[] = [];
  for (let r = 0; r <= runs; r++) {
    prof.install();
    const enc = device.createCommandEncoder({ label: 'calibrate' });
    const pass = enc.beginComputePass({ label: 'calibrate' });
    record(pass);
    pass.end();
    prof.uninstall();
    device.queue.submit([enc.finish()]);
    const [t] = await prof.collect();
    if (r > 0) times.push(t.ms);
  }
  prof.destroy();
  return median(times);
}

export async function measureCopy(device: GPUDevice, bytes = 32 << 20, runs = 5): Promise<number> {
  const layout = bindGroupLayout(device, 'Calibrate.copy', ['read', 'rw']);
  const pipeline = computePipeline(device, 'Calibrate.copy', 'calibrate_copy.wgsl', [layout]);
  const src = device.createBuffer({ label: 'Calibrate.src', size: bytes, usage: STORAGE });
  const dst = device.createBuffer({ label: 'Calibrate.dst', size: bytes, usage: STORAGE });
  const group = bindBuffers(device, 'Calibrate.copy', layout, [src, dst]);
  const [x, y] = grid1d(bytes / 16, 256);
  const ms = await timePasses(device, runs, (pass) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(x, y);
  });
  src.destroy();
  dst.destroy();
  return (2 * bytes) / ms / 1e6;
}

/** Naive blend of `gaussians` random screen-space splats over width x height pixels. */
export async function measureBlend(device: GPUDevice, width = 128, height = 128, gaussians = 1024, runs = 3): Promise<number> {
  const layout = bindGroupLayout(device, 'Calibrate.blend', ['read', 'rw', 'uniform']);
  const pipeline = computePipeline(device, 'Calibrate.blend', 'calibrate_blend.wgsl', [layout]);
  const r = seededRandom(7);
  const data = new Float32Array(gaussians * 12);
  for (let i = 0; i < gaussians; i++) {
    const s = 2 + 20 * r();
    data.set([r() * width, r() * height, 1 / (s * s), 0, 1 / (s * s), r(), r(), r(), 0.2 + 0.7 * r(), 0, 0, 0], i * 12);
  }
  const splats = device.createBuffer({ label: 'Calibrate.splats', size: data.byteLength, usage: STORAGE });
  device.queue.writeBuffer(splats, 0, data);
  const image = device.createBuffer({ label: 'Calibrate.image', size: width * height * 16, usage: STORAGE });
  const size = device.createBuffer({ label: 'Calibrate.size', size: 16, usage: 0x40 | 0x8 });
  device.queue.writeBuffer(size, 0, new Uint32Array([width, height, 0, 0]));
  const group = bindBuffers(device, 'Calibrate.blend', layout, [splats, image, size]);
  const ms = await timePasses(device, runs, (pass) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.ceil(width / 16), Math.ceil(height / 16));
  });
  for (const b of [splats, image, size]) b.destroy();
  return (width * height * gaussians) / ms / 1e3;
}

export async function measureLimits(device: GPUDevice): Promise<Limits> {
  return { copyGBs: await measureCopy(device), blendMEvals: await measureBlend(device) };
}
