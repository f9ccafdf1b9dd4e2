/**
 * The viewer end to end in headless Chromium (WebGPU on SwiftShader): the default scene renders
 * like the CPU reference, a file opened through the file input replaces it, dragging moves the
 * camera, and a malformed file shows an error while the scene stays.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decode, encode } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poseToCamera, type ViewPose } from '../../src/app/view-camera';
import { readPly } from '../../src/io/ply';
import { referenceRender } from '../../src/reference/render';
import { REPO_ROOT, SHARED_DATA, startViewer, type ViewerSession } from './browser';

// Small so SwiftShader draws a frame in about a second.
const VIEW = { width: 256, height: 192 };
// A front view of the playbot (y-down scene, up = -y), close enough that it fills most of the frame.
const POSE: ViewPose = { eye: [0, -1.1, -2.4], target: [0, -0.45, 0], up: [0, -1, 0], fovY: 50 };
const OUT = resolve(REPO_ROOT, 'test-output');

let session: ViewerSession;

beforeAll(async () => {
  session = await startViewer(VIEW);
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await session?.close();
});

const vec = (v: number[]): string => v.join(',');

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__ready === true || window.__error !== undefined, null, { polling: 200, timeout: 150_000 });
  const error = await page.evaluate(() => window.__error);
  expect(error, 'viewer reported an error').toBeUndefined();
}

/** Waits until `n` more frames have finished on the GPU. */
async function waitFrames(page: Page, n: number): Promise<void> {
  const start = await page.evaluate(() => window.__frames ?? 0);
  await page.waitForFunction((target) => (window.__frames ?? 0) >= target, start + n, { polling: 100, timeout: 60_000 });
}

/** RGB bytes of the canvas as the page shows it, without the panel and the scene line on top. */
async function canvasRgb(page: Page): Promise<Uint8Array> {
  await page.addStyleTag({ content: '.tp-dfwv, #scene-info { visibility: hidden !important; }' });
  const png = decode(await page.locator('#view').screenshot());
  expect([png.width, png.height]).toEqual([VIEW.width, VIEW.height]);
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = png.data[p * png.channels + c];
  }
  return rgb;
}

function savePng(name: string, rgb: Uint8Array): void {
  writeFileSync(resolve(OUT, name), encode({ width: VIEW.width, height: VIEW.height, data: rgb, channels: 3, depth: 8 }));
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('viewer in headless Chromium', () => {
  let firstImage: Uint8Array;

  it('renders the default scene like the CPU reference from the camera in the link', async () => {
    const { page, baseUrl } = session;
    const link = `/?eye=${vec(POSE.eye)}&target=${vec(POSE.target)}&up=${vec(POSE.up)}&fov=${POSE.fovY}`;
    await page.goto(baseUrl + link);
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toContain('31,000 splats');
    const shown = await canvasRgb(page);
    savePng('viewer-default.png', shown);
    firstImage = shown;

    const file = resolve(SHARED_DATA, 'ply/playbot-31000.ply');
    const { scene } = await readPly(new Uint8Array(readFileSync(file)), file);
    const camera = poseToCamera(POSE, VIEW.width, VIEW.height);
    const ref = referenceRender(scene, camera, { shDegree: scene.shDegree, background: [0, 0, 0], splatScale: 1 }).image;
    const ref8 = new Uint8Array(ref.length);
    for (let i = 0; i < ref.length; i++) ref8[i] = Math.round(Math.min(1, Math.max(0, ref[i])) * 255);
    savePng('viewer-default-reference.png', ref8);

    const errors = Array.from(shown, (v, i) => Math.abs(v - ref8[i])).sort((a, b) => a - b);
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    const p99 = errors[Math.floor(0.99 * (errors.length - 1))];
    let lit = 0;
    for (let p = 0; p < ref8.length; p += 3) if (ref8[p] + ref8[p + 1] + ref8[p + 2] > 30) lit++;
    console.log(`default scene vs reference: mean |diff| ${mean.toFixed(3)}/255, p99 ${p99}/255, max ${errors[errors.length - 1]}/255, lit pixels ${lit}`);
    // The robot must cover a good part of the frame, or matching a black image would prove nothing.
    expect(lit / (VIEW.width * VIEW.height)).toBeGreaterThan(0.1);
    // Tolerance: the canvas holds 8-bit unorm (+-0.5/255 rounding on both sides); the GPU
    // composites in f32 against the f64 reference (~1e-6 per blend, far below one step), but
    // pixels where a splat's alpha sits at the 1/255 skip threshold or the 0.99 clamp, or where
    // f32 depth ties reorder nearly coincident splats, flip by several steps. Those are rare:
    // the mean stays within 2 steps and 99% of channels within 10.
    expect(mean).toBeLessThan(2);
    expect(p99).toBeLessThanOrEqual(10);
  });

  it('changes the view when the user drags, and the address bar follows the camera', async () => {
    const { page } = session;
    const eyeBefore = await page.evaluate(() => new URLSearchParams(location.search).get('eye'));
    expect(eyeBefore).not.toBeNull();
    await page.mouse.move(128, 96);
    await page.mouse.down();
    await page.mouse.move(168, 104, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((before) => new URLSearchParams(location.search).get('eye') !== before, eyeBefore, {
      polling: 100,
      timeout: 30_000,
    });
    await waitFrames(page, 2); // a frame drawn after the motion settled
    const params = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));
    const eye = params.eye.split(',').map(Number);
    const target = params.target.split(',').map(Number);
    // Orbiting keeps the target and the distance (the link has six significant digits).
    target.forEach((v: number, i: number) => expect(v).toBeCloseTo(POSE.target[i], 4));
    const dist = (a: number[]) => Math.hypot(a[0] - POSE.target[0], a[1] - POSE.target[1], a[2] - POSE.target[2]);
    expect(dist(eye)).toBeCloseTo(dist(POSE.eye), 4);
    expect(Math.hypot(eye[0] - POSE.eye[0], eye[2] - POSE.eye[2])).toBeGreaterThan(0.1);
    const after = await canvasRgb(page);
    savePng('viewer-dragged.png', after);
    expect(meanAbsDiff(after, firstImage)).toBeGreaterThan(3);
  });

  it('replaces the scene with a .ply opened through the file input', async () => {
    const { page } = session;
    await page.setInputFiles('#file-input', resolve(SHARED_DATA, 'ply/playbot-1873.ply'));
    await page.waitForFunction(() => document.querySelector('#scene-info')?.textContent?.includes('1,873 splats'), null, {
      polling: 100,
      timeout: 60_000,
    });
    await waitReady(page);
    await waitFrames(page, 1);
    // A local file has no address: the link must not claim another scene.
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('url'))).toBeNull();
  });

  it('shows an error for a malformed file and keeps the current scene', async () => {
    const { page } = session;
    const header = [
      'ply',
      'format binary_little_endian 1.0',
      'element vertex 1000',
      ...['x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3'].map(
        (p) => `property float ${p}`,
      ),
      'end_header',
      '',
    ].join('\n');
    // The header promises 1000 splats of 56 bytes; only 100 bytes follow.
    const buffer = Buffer.concat([Buffer.from(header, 'latin1'), Buffer.alloc(100)]);
    await page.setInputFiles('#file-input', { name: 'broken.ply', mimeType: 'application/octet-stream', buffer });
    await page.waitForFunction(() => window.__error !== undefined, null, { polling: 100, timeout: 60_000 });
    const error = await page.evaluate(() => window.__error!);
    expect(error).toContain('broken.ply');
    expect(await page.locator('#banner').isVisible()).toBe(true);
    expect(await page.locator('#banner .message').textContent()).toBe(error);
    expect(await page.evaluate(() => window.__ready)).toBe(true);
    expect(await page.locator('#scene-info').textContent()).toContain('1,873 splats');
    await waitFrames(page, 1); // still rendering
  });

  it('logged no errors other than the expected malformed-file one (no device loss, no GPU validation error)', () => {
    const unexpected = session.errors.filter((e) => !e.includes('broken.ply'));
    expect(unexpected).toEqual([]);
  });
});
