/**
 * One training-style frame (forward, loss, backward) per run, every pass timed by timestamp
 * queries, and each stage judged against the adapter's limits (bench/calibrate.ts): projection and
 * sort passes by bytes moved against the streaming copy, the tile rasterizer by Gaussian-pixel
 * pairs (intersections x 256) against the naive blend loop.
 */
import type { Camera } from '../src/io/camera';
import type { SplatScene } from '../src/io/scene';
import { STORAGE } from '../src/gpu/buffers';
import { GaussianBuffers } from '../src/render/gaussian-buffers';
import { ForwardPass } from '../src/render/forward-pass';
import { BackwardPass } from '../src/render/backward-pass';
import { ImageLoss } from '../src/kernels/image-loss';
import { ISECT_GRAD_BYTES } from '../src/kernels/rasterize-backward';
import { TILE_RECORD_BYTES } from '../src/kernels/tile-ranges';
import type { Limits } from './calibrate';
import { PassProfiler } from './pass-profiler';
import { median, round } from './timing';

/** A case the adapter cannot hold (allocation failure or a buffer over its binding limit). */
export class TooLargeForAdapter extends Error {
  constructor(
    name: string,
    /** What failed: the allocation error or the limit that was exceeded. */
    readonly detail: string,
  ) {
    super(`${name}: ${detail}`);
  }
}

export interface StageVsLimit {
  stage: string;
  ms: number;
  /** GB/s for memory-bound stages, million pairs/s for the rasterizer. */
  rate: number;
  unit: 'GB/s' | 'M pairs/s';
  /** rate / the adapter's limit (copy bandwidth, or the naive blend loop's rate). */
  ofLimit: number;
}

export interface RenderBench {
  name: string;
  splats: number;
  width: number;
  height: number;
  intersections: number;
  /** Median ms per pass label, over the runs (passes sharing a label are summed per run). */
  passes: Record<string, number>;
  ms: { forward: number; loss: number; backward: number; frame: number };
  stages: StageVsLimit[];
  /** Bytes per intersection record in every per-intersection buffer. */
  perIntersectionBytes: Record<string, number>;
}

const sum = (passes: Record<string, number>, prefix: string): number =>
  Object.entries(passes).reduce((s, [k, v]) => (k.startsWith(prefix) ? s + v : s), 0);

/** Bytes the projection moves per splat: parameters in, record and key/value out. */
function projectionBytes(shCoeffs: number): number {
  return 12 + 12 + 16 + 4 + shCoeffs * 12 + 48 + 8;
}

export async function benchRender(device: GPUDevice, name: string, scene: SplatScene, cam: Camera, runs: number, limits: Limits): Promise<RenderBench> {
  const gaussians = GaussianBuffers.upload(device, scene);
  const fwd = new ForwardPass(device);
  const bwd = new BackwardPass(device);
  const loss = new ImageLoss(device);
  const opts = { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] as [number, number, number] };
  const release = (): void => {
    for (const r of [gaussians, fwd, bwd, loss]) r.destroy();
  };
  // The warm-up sizes every buffer; a failed allocation there would make every timed frame an
  // invalid command buffer, so it is caught here and the case reported as too large.
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let scopesOpen = true;
  const closeScopes = async (): Promise<string | undefined> => {
    if (!scopesOpen) return undefined;
    scopesOpen = false;
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope(); // the cause of any validation error that follows it
    return (oom ?? validation)?.message.split('\n')[0];
  };
  let failure: string | undefined;
  try {
    await fwd.renderExact(gaussians, cam, opts);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    failure = e.message;
  }
  const target = device.createBuffer({ label: 'bench.target', size: cam.width * cam.height * 16, usage: STORAGE });
  const vImage = device.createBuffer({ label: 'bench.vImage', size: cam.width * cam.height * 16, usage: STORAGE });
  loss.setTarget(target, cam.width, cam.height);
  const prof = new PassProfiler(device);
  const perRun: Record<string, number[]> = {};
  const counts: Record<string, number> = {};
  for (let r = 0; r <= runs && failure === undefined; r++) {
    prof.install();
    const enc = device.createCommandEncoder({ label: 'bench.frame' });
    try {
      fwd.encode(enc, gaussians, cam, opts);
      loss.encode(enc, fwd.image.buffer, vImage);
      bwd.encode(enc, fwd, gaussians, vImage);
    } catch (e) {
      prof.uninstall();
      if (!(e instanceof RangeError)) throw e;
      failure = e.message;
      break;
    }
    prof.uninstall();
    device.queue.submit([enc.finish()]);
    const times = await prof.collect();
    if (r === 0) {
      // warm-up: pipeline compilation, first-touch allocations
      failure = await closeScopes();
      continue;
    }
    for (const t of times) {
      (perRun[t.label] ??= []).push(t.ms);
      counts[t.label] = t.passes;
    }
  }
  prof.destroy();
  await closeScopes();
  if (failure !== undefined) {
    for (const b of [target, vImage]) b.destroy();
    release();
    throw new TooLargeForAdapter(name, failure);
  }
  await fwd.checkCapacity();
  const passes: Record<string, number> = {};
  for (const [k, v] of Object.entries(perRun)) passes[k] = round(median(v), 3);
  const n = scene.count;
  const isects = fwd.stats.intersections;
  const stages: StageVsLimit[] = [];
  const memory = (stage: string, ms: number, bytes: number) => {
    const gbs = bytes / ms / 1e6;
    stages.push({ stage, ms: round(ms, 3), rate: round(gbs, 3), unit: 'GB/s', ofLimit: round(gbs / limits.copyGBs, 3) });
  };
  memory('projection', passes['Forward.project'], n * projectionBytes(gaussians.shCoeffs));
  // A sort pass reads and writes every key and value (16 B a pair); count, scan and scatter.
  for (const [sort, keys] of [['Forward.depthSort', n], ['Forward.tileSort', isects]] as const) {
    // Passes: count dispatches, or one-workgroup passes (small sorts on CPU adapters).
    const p = (counts[`${sort}.count`] ?? 0) + (counts[`${sort}.single`] ?? 0);
    if (p > 0) memory(`${sort.slice(8)} pass (${p} passes)`, sum(passes, `${sort}.`) / p, keys * 16);
  }
  const rasterMs = passes['Forward.rasterize'];
  const pairs = (isects * 256) / rasterMs / 1e3;
  stages.push({ stage: 'rasterize', ms: rasterMs, rate: round(pairs, 1), unit: 'M pairs/s', ofLimit: round(pairs / limits.blendMEvals, 2) });
  const forward = sum(passes, 'Forward.');
  const lossMs = sum(passes, 'ImageLoss');
  const backward = sum(passes, 'Backward.');
  const result: RenderBench = {
    name,
    splats: n,
    width: cam.width,
    height: cam.height,
    intersections: isects,
    passes,
    ms: { forward: round(forward, 2), loss: round(lossMs, 2), backward: round(backward, 2), frame: round(forward + lossMs + backward, 2) },
    stages,
    perIntersectionBytes: {
      'tile ids + sort scratch': 8,
      'slots + sort scratch': 8,
      'splat index by slot': 4,
      'tile record': TILE_RECORD_BYTES,
      'backward partial gradients': ISECT_GRAD_BYTES * bwd.partialCopies,
    },
  };
  for (const b of [target, vImage]) b.destroy();
  release();
  return result;
}
