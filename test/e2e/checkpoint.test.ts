/**
 * Training survives a reload and a lost GPU device, in headless Chromium (WebGPU on
 * SwiftShader): a user's dataset (the sample as an uploaded .zip) trains at 1/8 resolution with
 * a checkpoint every few steps (origin private file system, with a copy of the dataset);
 * closing the page with unsaved steps asks first; after a reload the page offers to resume the
 * run at its saved step, and resuming (the dataset read back from that copy) continues from
 * exactly that step to the end. Then the GPU device is destroyed mid-run: the page gets a new device, reloads
 * the last checkpoint, says so, and both training and drawing go on.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type {} from '../../src/app/device-recovery'; // window.__gpuDevice
import { TEST_OUTPUT, viewerForTests, type ViewerSession } from './browser';
import { control, sampleZip, setNumber, status, waitStatus } from './train-page';

const VIEW = { width: 400, height: 300 };
const OUT = TEST_OUTPUT;
const ITERATIONS = 14;
const SAVE_EVERY = 4;

let session: ViewerSession;
viewerForTests(VIEW, (s) => (session = s));

async function openPage(page: Page): Promise<void> {
  await page.goto(session.baseUrl + '/');
  await page.waitForFunction(() => window.__ready === true || window.__error !== undefined, null, { polling: 200, timeout: 150_000 });
  expect(await page.evaluate(() => window.__error)).toBeUndefined();
  await page.locator('.tp-rotv_b').first().click(); // unfold the panel (folded on small screens)
  // The live view at 1/4: SwiftShader draws it on the two cores that also train.
  await setNumber(page, 'resolution', 0.25, false);
}

describe('checkpoints in headless Chromium', () => {
  let savedAt = -1;

  it('saves the run every few steps and warns before a reload loses steps', async () => {
    const { page } = session;
    await openPage(page);
    await control(page, 'resolution', 'select').selectOption({ label: '1/8' });
    await setNumber(page, 'iterations', ITERATIONS);
    await setNumber(page, 'save every', SAVE_EVERY);
    await page.setInputFiles('#file-input', { name: 'mybuddha.zip', mimeType: 'application/zip', buffer: sampleZip() });
    await waitStatus(page, "t.dataset === 'mybuddha.zip' && t.state === 'idle'", 60_000);
    await page.locator('#train-panel button', { hasText: /^Start$/ }).click();
    const s = await waitStatus(page, `t.state === 'training' && t.savedIteration >= ${SAVE_EVERY} && t.iteration > t.savedIteration`, 150_000);
    savedAt = s.savedIteration;
    expect(savedAt % SAVE_EVERY).toBe(0);
    expect(s.checkpointBytes).toBeGreaterThan(21_402 * 59 * 4 * 3); // params + two Adam moments per splat
    console.log(`[checkpoint e2e] mybuddha.zip (buddha13) at 1/8, step ${savedAt}: ${s.splats} splats, ${(s.checkpointBytes / 2 ** 20).toFixed(1)} MiB saved in ${s.saveMs.toFixed(0)} ms`);
    // Steps since the last checkpoint: closing the page asks first.
    const prevented = await page.evaluate(() => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
  });

  it('offers to resume after a reload, and continues from the saved step to the end', async () => {
    const { page } = session;
    // The page has been used, so Chromium asks before leaving; the test confirms.
    page.on('dialog', (d) => void d.accept());
    const before = await status(page);
    await page.reload();
    await page.waitForFunction(() => window.__ready === true, null, { polling: 200, timeout: 150_000 });
    const offer = page.locator('#banner .actions button', { hasText: /^Resume mybuddha\.zip at step / });
    await offer.waitFor({ timeout: 30_000 });
    // The last checkpoint before the reload (a step save may have landed after the status read).
    const step = Number((await offer.textContent())!.match(/step (\d+)/)![1]);
    expect(step).toBeGreaterThanOrEqual(savedAt);
    expect(step).toBeLessThanOrEqual(before.iteration);
    expect(await page.locator('#banner .message').textContent()).toMatch(new RegExp(`^A training run of mybuddha\\.zip was saved at step ${step} of ${ITERATIONS} \\(`));
    await page.screenshot({ path: resolve(OUT, 'resume-offer.png') });
    await offer.click();
    const resumed = await waitStatus(page, `t.state === 'training' && t.resumedFrom >= 0 && t.iteration > t.resumedFrom`, 150_000);
    expect(resumed.resumedFrom).toBe(step);
    expect(resumed.iterations).toBe(ITERATIONS);
    await page.screenshot({ path: resolve(OUT, 'resume-running.png') });
    // The panel shows the run's settings again.
    expect(await control(page, 'iterations', 'input.tp-txtv_i').inputValue()).toBe(String(ITERATIONS));
  });

  it('recovers from a lost GPU device: a new device, the last checkpoint reloaded, training and drawing go on', async () => {
    const { page } = session;
    const s = await waitStatus(page, `t.state === 'training' && t.savedIteration > t.resumedFrom`, 150_000);
    expect(s.recoveries).toBe(0);
    await page.evaluate(() => window.__gpuDevice!().destroy());
    const after = await waitStatus(page, 't.recoveries === 1 && t.state === "training"', 120_000);
    expect(after.resumedFrom).toBeGreaterThanOrEqual(s.savedIteration);
    expect(await page.locator('#banner .message').textContent()).toMatch(
      new RegExp(`^The GPU device was lost .*; a new one took over and training continues from the checkpoint at step ${after.resumedFrom}\\.`),
    );
    await page.screenshot({ path: resolve(OUT, 'device-loss-notice.png') });
    const frames = await page.evaluate(() => window.__frames ?? 0);
    // Still frames of a training run are paced on this adapter (at most LivePacing's cap apart).
    await page.waitForFunction((n) => (window.__frames ?? 0) > n + 1, frames, { polling: 200, timeout: 120_000 });
    const done = await waitStatus(page, "t.state === 'done' || t.state === 'error'", 200_000);
    expect(done.state).toBe('done');
    expect(done.iteration).toBe(ITERATIONS);
    await page.screenshot({ path: resolve(OUT, 'device-loss-recovered.png') });
  });

  it('says when a checkpoint cannot be stored (the storage full), and the run trains to its end', async () => {
    const { page, errors } = await session.openPage(() => {
      FileSystemFileHandle.prototype.createWritable = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    });
    const failures: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' && /^checkpoint of full\.zip failed/.test(m.text())) failures.push(m.text());
    });
    await openPage(page);
    await control(page, 'resolution', 'select').selectOption({ label: '1/8' });
    await setNumber(page, 'iterations', 6);
    await setNumber(page, 'save every', 2);
    await page.setInputFiles('#file-input', { name: 'full.zip', mimeType: 'application/zip', buffer: sampleZip() });
    await waitStatus(page, "t.dataset === 'full.zip' && t.state === 'idle'", 60_000);
    await page.locator('#train-panel button', { hasText: /^Start$/ }).click();
    await page.waitForFunction(() => document.querySelector('#banner .message')?.textContent?.startsWith('Could not save'), null, { polling: 200, timeout: 150_000 });
    expect(await page.locator('#banner .message').textContent()).toMatch(
      /^Could not save a checkpoint of full\.zip \(.*quota.*\); training goes on, but a reload would lose it\.$/,
    );
    const done = await waitStatus(page, "t.state === 'done' || t.state === 'error'", 200_000);
    expect(done.state).toBe('done');
    expect(done.iteration).toBe(6);
    expect(done.savedIteration).toBe(-1); // nothing was saved
    expect(failures.length).toBeGreaterThanOrEqual(3); // steps 2, 4, 6: each failed, one notice
    expect(errors).toEqual([]);
    await page.close();
  });

  it('logged no errors', () => {
    // The lost device itself is reported by Chromium on the console; nothing else may be.
    expect(session.errors.filter((e) => !/device (was )?lost|Instance reference|destroyed/i.test(e))).toEqual([]);
  });
});
