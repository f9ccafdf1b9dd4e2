#!/usr/bin/env node
// Looks at the page as a user would: serves the app, opens it in headless Chromium (SwiftShader
// WebGPU), waits for the first frame (window.__ready) and saves a screenshot.
// usage: node scripts/screenshot.mjs [path-and-query] [out.png] [width] [height] [--train-sample SECONDS]
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const trainIdx = args.indexOf('--train-sample');
const trainSeconds = trainIdx >= 0 ? Number(args.splice(trainIdx, 2)[1]) : 0;
const [path = '/', out = 'test-output/screenshot.png', w = '1024', h = '640'] = args;
const server = await createServer({ logLevel: 'error', server: { host: '127.0.0.1', port: 0, hmr: false, watch: null } });
await server.listen();
const { port } = server.httpServer.address();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: Number(w), height: Number(h) } });
  page.on('console', (m) => m.type() === 'error' && console.error(`page: ${m.text()}`));
  await page.goto(`http://127.0.0.1:${port}${path}`);
  await page.waitForFunction(() => window.__ready === true || window.__error, null, { timeout: 300_000 });
  if (trainSeconds > 0) {
    const clicked = await page.evaluate(() => {
      const b = [...document.querySelectorAll('button')].find((e) => /train the sample/i.test(e.textContent ?? ''));
      b?.click();
      return Boolean(b);
    });
    if (!clicked) throw new Error('no "Train the sample" button on the page');
    await page.waitForTimeout(trainSeconds * 1000);
  }
  await page.screenshot({ path: out, timeout: 300_000 });
  console.log(`${out}: ${w}x${h} of ${path}${trainSeconds ? ` after ${trainSeconds}s of training` : ''}`);
} finally {
  await browser.close();
  await server.close();
}
