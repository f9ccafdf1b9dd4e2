#!/usr/bin/env node
// A page's frames under the peers harness's frame sync and flags, with every queue submit timed
// to its onSubmittedWorkDone and the compute passes counted (bench/README.md, "Why WebGL2 stays
// ahead here"). One line per URL: frame median, submit-to-done median and p10, compute passes.
//   node bench/harness-probe.mjs URL... [--seconds 5]
// The URL carries the harness's camera contract, e.g. the viewer served by `vite preview` with
// ?url=<scene>&eye=..&target=..&up=..&fov=..&near=..&far=..&w=640&h=480 (run.mjs prints it).
import { frameSyncScript, launchChromium, quantile as pct } from './harness-chromium.mjs';

const argv = process.argv.slice(2);
const si = argv.indexOf('--seconds');
const seconds = si >= 0 ? Number(argv.splice(si, 2)[1]) : 5;
const SYNC = frameSyncScript();
const PROBE = `(() => {
  const lat = []; self.__probe = { lat, computePasses: 0 };
  if (!self.GPUQueue) return;
  const begin = GPUCommandEncoder.prototype.beginComputePass;
  GPUCommandEncoder.prototype.beginComputePass = function (...a) { self.__probe.computePasses++; return begin.apply(this, a); };
  const submit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (...a) {
    const t0 = performance.now();
    const r = submit.apply(this, a);
    this.onSubmittedWorkDone().then(() => lat.push(performance.now() - t0));
    return r;
  };
})();`;
const browser = await launchChromium();
try {
  for (const url of argv) {
    const page = await browser.newPage({ viewport: { width: 640, height: 480 } });
    await page.addInitScript({ content: SYNC });
    await page.addInitScript({ content: PROBE });
    await page.goto(url);
    await page.waitForFunction(() => window.__ready || window.__error, null, { timeout: 120_000 });
    await page.waitForTimeout(2000);
    const r = await page.evaluate((ms) => new Promise((done) => {
      const ts = [], l0 = self.__probe.lat.length, c0 = self.__probe.computePasses;
      const f = (t) => {
        ts.push(t);
        if (t - ts[0] < ms) requestAnimationFrame(f);
        else done({ ts, lat: self.__probe.lat.slice(l0), cp: self.__probe.computePasses - c0 });
      };
      requestAnimationFrame(f);
    }), seconds * 1000);
    const dt = r.ts.slice(1).map((t, i) => t - r.ts[i]);
    const lat = r.lat.length ? `submit to done ${pct(r.lat, 0.5).toFixed(1)} ms (p10 ${pct(r.lat, 0.1).toFixed(1)}) over ${r.lat.length} submits` : 'no submits';
    console.log(`${url}\n  frame ${pct(dt, 0.5).toFixed(1)} ms over ${dt.length} frames; ${lat}; ${r.cp} compute passes`);
    await page.close();
  }
} finally {
  await browser.close();
}
