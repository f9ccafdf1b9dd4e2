#!/usr/bin/env node
// The viewer's frame timed inside headless Chromium (bench/browser-viewer.ts says what and how):
//   node bench/browser-viewer.mjs [scene.ply ...] [--size 640x480] [--frames 15] [--rounds 1]
//        [--alt SHADER=FILE]   e.g. --alt splat_quads.wgsl=/tmp/try.wgsl: A/B against that source
// Serves the project with vite (the scenes' folders allowed), opens the page once per scene and
// round in a fresh Chromium with the peers harness's flags, and prints a markdown table.
import { dirname, resolve } from 'node:path';
import { createServer } from 'vite';
import { launchChromium } from './harness-chromium.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const [w, h] = opt('--size', '640x480').split('x').map(Number);
const frames = Number(opt('--frames', '15'));
const rounds = Number(opt('--rounds', '1'));
const altArg = opt('--alt', '');
const [altName, altFile] = altArg ? [altArg.slice(0, altArg.indexOf('=')).replace(/^shaders\//, ''), resolve(altArg.slice(altArg.indexOf('=') + 1))] : ['', ''];
const scenes = (args.length ? args : ['../shared/data/ply/playbot-8406.ply', '../shared/data/ply/playbot-31000.ply']).map((s) => resolve(s));

const server = await createServer({
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, hmr: false, watch: null, fs: { allow: [process.cwd(), ...scenes.map((s) => dirname(s)), ...(altFile ? [dirname(altFile)] : [])] } },
});
await server.listen();
const { port } = server.httpServer.address();
const rows = [];
try {
  for (let r = 0; r < rounds; r++) {
    for (const scene of scenes) {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
        const q = new URLSearchParams({ scene: `/@fs${scene}`, w: String(w), h: String(h), frames: String(frames) });
        if (altFile) {
          q.set('alt', `/@fs${altFile}`);
          q.set('altName', altName);
        }
        await page.goto(`http://127.0.0.1:${port}/bench/browser-viewer.html?${q}`);
        await page.waitForFunction(() => window.__browserViewer, null, { timeout: 600_000 });
        const res = await page.evaluate(() => window.__browserViewer);
        if (res.error) throw new Error(`${scene}: ${res.error}`);
        rows.push(res);
        console.error(`${res.scene}: still ${res.stillMs.toFixed(2)} ms, orbiting ${res.orbitMs.toFixed(2)} ms${res.alt ? `; alt x${res.alt.stillRatio.toFixed(3)} still, x${res.alt.orbitRatio.toFixed(3)} orbiting` : ''}`);
      } finally {
        await browser.close();
      }
    }
  }
} finally {
  await server.close();
}
const alt = rows[0]?.alt;
console.log(`Viewer frame in Chromium (${rows[0]?.adapter}; GPU work per frame, submit to done, medians of ${frames} frames${alt ? `; alt: ${altName} from ${altFile}, ratio = alt / current, median of per-frame ratios` : ''}):\n`);
console.log(`| scene | splats | size | still | orbiting |${alt ? ' alt still | alt orbiting | still ratio | orbiting ratio |' : ''}`);
console.log(`|---|---:|---|---:|---:|${alt ? '---:|---:|---:|---:|' : ''}`);
const f = (x) => x.toFixed(2);
for (const r of rows) {
  const extra = r.alt ? ` ${f(r.alt.stillMs)} | ${f(r.alt.orbitMs)} | ${r.alt.stillRatio.toFixed(3)} | ${r.alt.orbitRatio.toFixed(3)} |` : '';
  console.log(`| ${r.scene} | ${r.splats.toLocaleString('en-US')} | ${r.size} | ${f(r.stillMs)} | ${f(r.orbitMs)} |${extra}`);
}
