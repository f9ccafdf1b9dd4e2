/** Helpers of the browser tests of training: the sample packed as a user would upload it, the status hook, the Train panel's controls. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { Page } from 'playwright-core';
import type { TrainStatus } from '../../src/app/train/train-status';
import { REPO_ROOT } from './browser';

export const SAMPLE = resolve(REPO_ROOT, 'scenes/buddha13');

/** The sample as a zip with one enclosing folder (as zipping a folder makes); `edit` may alter files. */
export function sampleZip(edit: (path: string, bytes: Uint8Array) => Uint8Array = (_, b) => b): Buffer {
  const files: Zippable = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = relative(SAMPLE, full).split('\\').join('/');
        files[`buddha13/${path}`] = [edit(path, new Uint8Array(readFileSync(full))), { level: 0 }];
      }
    }
  };
  walk(SAMPLE);
  return Buffer.from(zipSync(files));
}


export const status = (page: Page): Promise<TrainStatus> => page.evaluate(() => ({ ...window.__train! }));

/** Waits until `fn` (an expression over `t`, the page's window.__train) holds; returns the status then. */
export async function waitStatus(page: Page, fn: string, timeout: number): Promise<TrainStatus> {
  await page.waitForFunction(`(() => { const t = window.__train; return !!t && (${fn}); })()`, null, { polling: 200, timeout });
  return status(page);
}

/** A panel control by its label: under the Train folder, or anywhere in the panel when `train` is false. */
export function control(page: Page, label: string, selector: string, train = true) {
  const root = train ? page.locator('#train-panel') : page.locator('.tp-dfwv');
  return root.locator('.tp-lblv').filter({ has: page.locator('.tp-lblv_l', { hasText: new RegExp(`^${label}$`) }) }).first().locator(selector);
}

/** Types a number into a panel text field and commits it. */
export async function setNumber(page: Page, label: string, value: number, train = true): Promise<void> {
  const input = control(page, label, 'input.tp-txtv_i', train);
  await input.fill(String(value));
  await input.press('Enter');
}
