#!/usr/bin/env node
// What a page pays per frame in headless Chromium before it draws anything, under the peers
// harness's frame sync (../shared/tools/peers/frame-sync.js: the next frame waits for this
// frame's GPU work) and its flags. bench/frame-floor.html clears a WebGL2 canvas, a WebGPU
// canvas or a GPUTexture, or only changes a text, or shows a cleared texture through the
// viewer's readback (the webgpu-readback* modes, as src/app/present.ts), once per frame; this
// prints the median and 90th-percentile rAF interval per mode and, for WebGPU, submit ->
// onSubmittedWorkDone.
//   node bench/frame-floor.mjs [--seconds 3] [--rounds 2] [--modes webgl2,webgpu-readback]
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { frameSyncScript, launchChromium, quantile as pct } from './harness-chromium.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const seconds = Number(opt('--seconds', '3'));
const rounds = Number(opt('--rounds', '2'));
const SYNC = frameSyncScript(opt('--sync', undefined));
const ALL_MODES = ['dom', 'webgl2', 'webgpu-device', 'webgpu-texture', 'webgpu-canvas', 'webgpu-texture-gl', 'webgpu-readback-nomap', 'webgpu-readback', 'webgpu-readback-2d', 'webgpu-readback-bitmap'];
const MODES = opt('--modes', '') ? opt('--modes', '').split(',') : ALL_MODES;

const html = readFileSync(resolve('bench/frame-floor.html'));
const server = createServer((req, res) => { res.setHeader('Content-Type', 'text/html'); res.end(html); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;
const results = Object.fromEntries(MODES.map((m) => [m, { frame: [], p90: [], lat: [], latP90: [] }]));
const browser = await launchChromium();
try {
  for (let r = 0; r < rounds; r++) {
    for (const mode of MODES) {
      const page = await browser.newPage({ viewport: { width: 640, height: 480 } });
      await page.addInitScript({ content: SYNC });
      await page.goto(`${url}?mode=${mode}`);
      await page.waitForFunction(() => window.__ready || window.__error, null, { timeout: 60_000 });
      const err = await page.evaluate(() => window.__error);
      if (err) throw new Error(err);
      await page.waitForTimeout(1000);
      const { ts, lat } = await page.evaluate((ms) => new Promise((done) => {
        const ts = [];
        const l0 = window.__latency.length;
        const f = (t) => { ts.push(t); if (t - ts[0] < ms) requestAnimationFrame(f); else done({ ts, lat: window.__latency.slice(l0) }); };
        requestAnimationFrame(f);
      }), seconds * 1000);
      const dt = ts.slice(1).map((t, i) => t - ts[i]);
      const res = results[mode];
      res.frame.push(pct(dt, 0.5));
      res.p90.push(pct(dt, 0.9));
      if (lat.length) { res.lat.push(pct(lat, 0.5)); res.latP90.push(pct(lat, 0.9)); }
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
const f = (a) => (a.length ? a.map((x) => x.toFixed(1)).join(', ') : '');
const version = browser.version();
console.log(`Per-frame floor in Chromium ${version} (rounds: ${rounds}, ${seconds} s each; ms, one figure per round)\n`);
console.log('| mode | frame median | frame p90 | submit to done, median | submit to done, p90 |');
console.log('|---|---:|---:|---:|---:|');
for (const m of MODES) {
  const r = results[m];
  console.log(`| ${m} | ${f(r.frame)} | ${f(r.p90)} | ${f(r.lat)} | ${f(r.latP90)} |`);
}
