/**
 * Issue 8's real-GPU targets, at their sizes by default: the viewer at 1920x1080 with 1M SH-3
 * splats (>= 120 fps) and training at 1 MP with 1M splats (>= 50 it/s). Synthetic scenes
 * (bench/synthetic.ts, bench/synthetic-views.ts), since no capture here has 1M splats.
 *
 * Viewer (the page's path, SplatRenderer.drawToTexture into a texture): per frame, submit to
 * done (wall clock) and the GPU's pass times (timestamp queries), with the camera still (the
 * last projection and order drawn again) and orbiting (a new angle every frame: projection,
 * depth sort, draw); and a pipelined run (two frames in flight, like the page) whose wall time
 * per frame is the fps a page would see before presentation.
 * Training: Trainer.step on a dataset of 8 rendered views, SH degree 3 from step 3, no
 * densification (the reference schedule densifies from step 500), wall time per step.
 *
 * `node scripts/run-ts.mjs bench/gpu-targets.ts [--splats 1000000] [--size 1920x1080]
 *  [--train-splats 1000000] [--train-size 1280x800] [--frames 60] [--steps 50] [--warmup 5] [--views 8] [--out FILE]
 *  [--require-gpu]`; small sizes run on SwiftShader (`--splats 20000 --size 320x180 ...`).
 * The GPU machine runs it through scripts/device-kit.sh.
 */
import { writeFileSync } from 'node:fs';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { kernelShapes } from '../src/gpu/kernel-shapes';
import { SplatRenderer, type RenderOptions } from '../src/render/splat-renderer';
import { Trainer } from '../src/train/trainer';
import { PassProfiler } from './pass-profiler';
import { syntheticScene } from './synthetic';
import { syntheticDataset, turnedCamera } from './synthetic-views';
import { median, round } from './timing';
import { arg } from './args';

interface FrameStats {
  /** Median submit-to-done wall ms per frame. */
  wallMs: number;
  /** Median sum of the frame's GPU pass times (ms); null without timestamp queries. */
  gpuMs: number | null;
  /** Median GPU ms per pass label. */
  passes: Record<string, number>;
}

export interface GpuTargets {
  adapter: string;
  shapes: string;
  date: string;
  viewer: {
    splats: number;
    /** Splats the last orbiting frame drew (in front of the camera and on screen). */
    drawn: number;
    width: number;
    height: number;
    still: FrameStats;
    orbiting: FrameStats;
    /** Orbiting, two frames in flight: wall ms per frame and the fps it makes. */
    pipelinedMs: number;
    pipelinedFps: number;
  };
  training: TrainingResult;
}

type TrainingResult =
  | { splats: number; width: number; height: number; views: number; steps: number; seconds: number; iterationsPerSecond: number; medianStepMs: number }
  /** Training failed (e.g. out of GPU memory): the viewer's numbers are kept. */
  | { splats: number; width: number; height: number; views: number; error: string };

async function measureTraining(device: GPUDevice, splats: number, width: number, height: number, views: number, warmup: number, steps: number): Promise<TrainingResult> {
  const dataset = await syntheticDataset(device, splats, width, height, views, 7);
  const initial = syntheticScene(splats, width, height, 3, 8).scene;
  const trainer = new Trainer(device, dataset, initial, { iterations: warmup + steps, seed: 0, schedule: 'reference', shIncreaseEvery: 1 });
  try {
    for (let i = 0; i < warmup; i++) await trainer.step(); // pipelines, buffer sizes; SH degree 3 from step 3
    const stepMs: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const s0 = performance.now();
      await trainer.step();
      stepMs.push(performance.now() - s0);
    }
    await device.queue.onSubmittedWorkDone();
    const seconds = (performance.now() - t0) / 1000;
    const base = { splats: trainer.state.count, width, height, views, steps, seconds: round(seconds, 3) };
    return { ...base, iterationsPerSecond: round(steps / seconds, 2), medianStepMs: round(median(stepMs), 3) };
  } catch (e) {
    console.error(`training failed: ${(e as Error).message}`);
    return { splats, width, height, views, error: (e as Error).message };
  } finally {
    trainer.destroy();
  }
}

function size(text: string, flag: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new Error(`${flag} must be WIDTHxHEIGHT, got "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

async function viewerFrames(device: GPUDevice, r: SplatRenderer, target: GPUTexture, frames: number, orbit: boolean, prof: PassProfiler | undefined): Promise<FrameStats> {
  const opts: RenderOptions = { shDegree: 3, splatScale: 1, background: [0, 0, 0] };
  const { width, height } = target;
  r.drawToTexture(turnedCamera(width, height, 0), opts, target);
  await device.queue.onSubmittedWorkDone();
  const wall: number[] = [];
  const gpu: number[] = [];
  const per: Record<string, number[]> = {};
  for (let f = 0; f < frames; f++) {
    const cam = turnedCamera(width, height, orbit ? 0.25 * (f + 1) : 0);
    prof?.install();
    const t0 = performance.now();
    r.drawToTexture(cam, opts, target);
    prof?.uninstall();
    await device.queue.onSubmittedWorkDone();
    wall.push(performance.now() - t0);
    if (prof) {
      const times = await prof.collect();
      gpu.push(times.reduce((s, t) => s + t.ms, 0));
      for (const t of times) (per[t.label] ??= []).push(t.ms);
    }
  }
  const passes: Record<string, number> = {};
  for (const [k, v] of Object.entries(per)) passes[k] = round(median(v), 3);
  return { wallMs: round(median(wall), 3), gpuMs: prof ? round(median(gpu), 3) : null, passes };
}

/** Orbiting frames with at most two in flight (the page's MAX_FRAMES_IN_FLIGHT): wall ms per frame. */
async function pipelined(device: GPUDevice, r: SplatRenderer, target: GPUTexture, frames: number): Promise<number> {
  const opts: RenderOptions = { shDegree: 3, splatScale: 1, background: [0, 0, 0] };
  const inFlight: Promise<undefined>[] = [];
  const t0 = performance.now();
  for (let f = 0; f < frames; f++) {
    if (inFlight.length >= 2) await inFlight.shift();
    r.drawToTexture(turnedCamera(target.width, target.height, 0.25 * (f + 1)), opts, target);
    inFlight.push(device.queue.onSubmittedWorkDone());
  }
  await Promise.all(inFlight);
  return (performance.now() - t0) / frames;
}

export async function main(argv: string[]): Promise<number> {
  const splats = positive(arg(argv, '--splats') ?? '1000000', '--splats');
  const [width, height] = size(arg(argv, '--size') ?? '1920x1080', '--size');
  const trainSplats = positive(arg(argv, '--train-splats') ?? String(splats), '--train-splats');
  const [tw, th] = size(arg(argv, '--train-size') ?? '1280x800', '--train-size');
  const frames = positive(arg(argv, '--frames') ?? '60', '--frames');
  const steps = positive(arg(argv, '--steps') ?? '50', '--steps');
  const warmup = positive(arg(argv, '--warmup') ?? '5', '--warmup');
  const views = positive(arg(argv, '--views') ?? '8', '--views');
  const out = arg(argv, '--out') ?? '';

  const ctx = await requestNodeDevice();
  const device = ctx.device;
  const shapes = kernelShapes(device).kind;
  console.error(`adapter: ${ctx.adapterName} (${shapes} kernel shapes, timestamps ${ctx.timestampQuery ? 'on' : 'off'})`);
  if (argv.includes('--require-gpu') && shapes !== 'gpu') {
    throw new Error(`--require-gpu: the adapter is "${ctx.adapterName}", a CPU adapter; check VK_DRIVER_FILES / the Vulkan loader (scripts/device-kit.sh)`);
  }
  const prof = ctx.timestampQuery ? new PassProfiler(device) : undefined;

  console.error(`viewer: ${splats.toLocaleString('en-US')} SH-3 splats at ${width}x${height} ...`);
  const { scene } = syntheticScene(splats, width, height, 3, 42);
  const r = new SplatRenderer(device);
  r.setScene(scene);
  const target = device.createTexture({ label: 'gpu-targets.viewer', size: [width, height], format: 'rgba8unorm', usage: 0x10 | 0x1 });
  const still = await viewerFrames(device, r, target, frames, false, prof);
  const orbiting = await viewerFrames(device, r, target, frames, true, prof);
  const pipelinedMs = await pipelined(device, r, target, frames);
  const drawn = await r.sortedDrawCount();
  target.destroy();
  r.destroy();
  console.error(`viewer: still ${still.wallMs} ms, orbiting ${orbiting.wallMs} ms, pipelined ${round(pipelinedMs, 3)} ms (${drawn.toLocaleString('en-US')} splats drawn)`);

  console.error(`training: ${trainSplats.toLocaleString('en-US')} splats at ${tw}x${th}, ${views} rendered views ...`);
  const training = await measureTraining(device, trainSplats, tw, th, views, warmup, steps);

  const result: GpuTargets = {
    adapter: ctx.adapterName,
    shapes,
    date: new Date().toISOString(),
    viewer: { splats, drawn, width, height, still, orbiting, pipelinedMs: round(pipelinedMs, 3), pipelinedFps: round(1000 / pipelinedMs, 1) },
    training,
  };
  const json = `${JSON.stringify(result, null, 2)}\n`;
  if (out) writeFileSync(out, json);
  console.log(json);
  console.log(summary(result));
  prof?.destroy();
  device.destroy();
  return 'error' in training ? 1 : 0;
}

/** The two targets in one markdown table (bench/README.md quotes it). */
export function summary(r: GpuTargets): string {
  const v = r.viewer;
  const t = r.training;
  return [
    `${r.adapter} (${r.date.slice(0, 10)})`,
    '',
    '| target | measured | goal |',
    '|---|---:|---:|',
    `| viewer, ${v.splats.toLocaleString('en-US')} SH-3 splats, ${v.width}x${v.height}, orbiting, 2 frames in flight | ${v.pipelinedFps} fps (${v.pipelinedMs} ms) | >= 120 fps |`,
    `| viewer, orbiting, one frame at a time: wall / GPU ms | ${v.orbiting.wallMs} / ${v.orbiting.gpuMs ?? '-'} | |`,
    `| viewer, still, one frame at a time: wall / GPU ms | ${v.still.wallMs} / ${v.still.gpuMs ?? '-'} | |`,
    `| training, ${t.splats.toLocaleString('en-US')} splats, ${t.width}x${t.height} | ${'error' in t ? `failed: ${t.error}` : `${t.iterationsPerSecond} it/s (median step ${t.medianStepMs} ms)`} | >= 50 it/s |`,
  ].join('\n');
}
