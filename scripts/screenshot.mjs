#!/usr/bin/env node
// Looks at the page as a user would: serves the app, opens it in headless Chromium (SwiftShader
// WebGPU), waits for the first frame (window.__ready), optionally acts on it, and saves a
// screenshot.
// usage: node scripts/screenshot.mjs [path-and-query] [out.png] [width] [height] [actions...]
// actions, run in order after the first frame:
//   --train-sample SECONDS  click "Train the sample" in the panel and wait
//   --click SELECTOR        click an element (Playwright selector, e.g. '#train-button', 'text=Open')
//   --press KEY             press a key on the page (e.g. '?', 'KeyR')
//   --wait MS               wait
import { createServer } from 'vite';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const actions = [];
const positional = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) actions.push([args[i], args[++i]]);
  else positional.push(args[i]);
}
const [path = '/', out = 'test-output/screenshot.png', w = '1024', h = '640'] = positional;
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
  for (const [action, value] of actions) {
    if (action === '--train-sample') {
      await page.locator('#train-panel button', { hasText: /^Train the sample/ }).click();
      await page.waitForTimeout(Number(value) * 1000);
    } else if (action === '--click') await page.locator(value).first().click();
    else if (action === '--press') await page.keyboard.press(value);
    else if (action === '--wait') await page.waitForTimeout(Number(value));
    else throw new Error(`unknown action ${action}`);
  }
  await page.screenshot({ path: out, timeout: 300_000 });
  console.log(`${out}: ${w}x${h} of ${path}${actions.length ? ` after ${actions.map((a) => a.join(' ')).join(', ')}` : ''}`);
} finally {
  await browser.close();
  await server.close();
}
