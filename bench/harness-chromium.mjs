// Headless Chromium as the peers harness (../shared/tools/peers/run.mjs) runs it, shared by the
// browser benches (browser-viewer.mjs, frame-floor.mjs, harness-probe.mjs): the same flags
// (SwiftShader through Vulkan for WebGPU and through ANGLE for WebGL, uncapped frame rate) and
// the harness's frame sync, so a figure here compares with the harness's own.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader',
  '--disable-gpu-vsync', '--disable-frame-rate-limit', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** The harness's frame-sync.js (or another copy of it), as a script to add to a page. */
export function frameSyncScript(path = '../shared/tools/peers/frame-sync.js') {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${file} not found: the browser benches use the peers harness's frame sync`);
  return readFileSync(file, 'utf8');
}

/** The p-quantile of numbers (p in [0, 1]), by rank. */
export function quantile(values, p) {
  const s = values.slice().sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}
