/**
 * The viewer's frame in the browser's own WebGPU (bench/browser-viewer.mjs opens this page in
 * headless Chromium): Node's Dawn and Chromium's can compile shaders with different backends
 * (SwiftShader's Subzero in Node, where a draw change timed in Node did not predict Chromium),
 * so draw changes are judged here. One scene, the peers harness's camera, sorted quads into a
 * canvas-format texture the size of the view, each frame submitted alone and awaited
 * (`onSubmittedWorkDone`): "still" redraws the last projection and order (what the page does
 * while the camera rests), "orbiting" turns the camera 1 degree a frame (projection, depth sort
 * and draw every frame). Alternated frame by frame; medians. Query: scene (URL), w, h, frames;
 * optionally alt (URL of a .wgsl file) and altName (the shader file it stands for, e.g.
 * `splat_quads.wgsl`): a second renderer built with that source is timed frame by frame
 * alternated with the first, and the medians of the per-frame ratios are reported (ratios in
 * one page: separate Chromium processes differ by 15% and more on the same code).
 * Result in `window.__browserViewer`.
 */
import { SHADER_SOURCES } from '../src/gpu/wgsl';
import type { Camera } from '../src/io/camera';
import { loadScene } from '../src/io/load';
import { SplatRenderer, type RenderOptions } from '../src/render/splat-renderer';
import { harnessCamera } from './harness-camera';

export interface BrowserViewerResult {
  scene: string;
  splats: number;
  size: string;
  adapter: string;
  frames: number;
  stillMs: number;
  orbitMs: number;
  /** With an alternative shader: its medians, and the medians of its per-frame ratios to the first. */
  alt?: { name: string; stillMs: number; orbitMs: number; stillRatio: number; orbitRatio: number };
}

declare global {
  interface Window {
    __browserViewer?: BrowserViewerResult | { error: string };
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function run(): Promise<BrowserViewerResult> {
  const q = new URLSearchParams(location.search);
  const url = q.get('scene');
  if (!url) throw new Error('browser-viewer: no ?scene= URL');
  const [w, h, frames] = [Number(q.get('w') ?? 640), Number(q.get('h') ?? 480), Number(q.get('frames') ?? 15)];
  const response = await fetch(url);
  if (!response.ok) throw new Error(`browser-viewer: ${url}: HTTP ${response.status}`);
  const name = url.slice(url.lastIndexOf('/') + 1);
  const { scene } = await loadScene({ name, bytes: new Uint8Array(await response.arrayBuffer()) });
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error('browser-viewer: no WebGPU adapter (Chromium needs --enable-unsafe-webgpu --use-vulkan=swiftshader)');
  const device = await adapter.requestDevice();
  const format = navigator.gpu.getPreferredCanvasFormat();
  const target = device.createTexture({ label: 'browser-viewer.target', size: [w, h], format, usage: GPUTextureUsage.RENDER_ATTACHMENT });
  const opts: RenderOptions = { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] };
  const still = harnessCamera(scene, w, h);
  const makeRenderer = (): SplatRenderer => {
    const r = new SplatRenderer(device, { canvasFormat: format });
    r.setScene(scene);
    r.drawToTexture(still, opts, target); // builds every pipeline of the sorted path now
    return r;
  };
  const renderers = [makeRenderer()];
  const altUrl = q.get('alt');
  const altName = q.get('altName') ?? '';
  if (altUrl) {
    const sources = SHADER_SOURCES as Map<string, string>;
    const original = sources.get(altName);
    if (original === undefined) throw new Error(`browser-viewer: altName ${altName} is no shader file`);
    const text = await (await fetch(altUrl)).text();
    sources.set(altName, text);
    try {
      renderers.push(makeRenderer());
    } finally {
      sources.set(altName, original);
    }
  }
  let turn = 0;
  // Every renderer draws the same camera in a round: orbiting frames turn once per round.
  const frame = async (r: SplatRenderer, cam: Camera): Promise<number> => {
    const t0 = performance.now();
    r.drawToTexture(cam, opts, target);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const round = async (): Promise<{ orbit: number[]; still: number[] }> => {
    const cam = harnessCamera(scene, w, h, [0, -1, 0], ++turn);
    const orbit: number[] = [];
    const stills: number[] = [];
    for (const r of renderers) {
      orbit.push(await frame(r, cam));
      await frame(r, still); // the first still frame after a move projects once more
      stills.push(await frame(r, still));
    }
    return { orbit, still: stills };
  };
  await round();
  const rows: { orbit: number[]; still: number[] }[] = [];
  for (let i = 0; i < frames; i++) rows.push(await round());
  const info = adapter.info;
  for (const r of renderers) r.destroy();
  target.destroy();
  const col = (k: 'orbit' | 'still', j: number): number[] => rows.map((r) => r[k][j]);
  const ratio = (k: 'orbit' | 'still'): number => median(rows.map((r) => r[k][1] / r[k][0]));
  return {
    scene: name,
    splats: scene.count,
    size: `${w}x${h}`,
    adapter: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '),
    frames,
    stillMs: median(col('still', 0)),
    orbitMs: median(col('orbit', 0)),
    alt:
      renderers.length > 1
        ? { name: altName, stillMs: median(col('still', 1)), orbitMs: median(col('orbit', 1)), stillRatio: ratio('still'), orbitRatio: ratio('orbit') }
        : undefined,
  };
}

run().then(
  (r) => {
    window.__browserViewer = r;
    document.querySelector('#out')!.textContent = JSON.stringify(r, null, 2);
  },
  (e: unknown) => {
    window.__browserViewer = { error: e instanceof Error ? e.message : String(e) };
  },
);
