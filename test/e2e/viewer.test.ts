/**
 * The viewer end to end in headless Chromium (WebGPU on SwiftShader): the default scene renders
 * like the CPU reference, a file opened through the file input replaces it, dragging moves the
 * camera, and a malformed file shows an error while the scene stays.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decode, encode } from 'fast-png';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultViewPose, robustBounds } from '../../src/view/scene-framing';
import { poseToCamera, type Vec3, type ViewPose } from '../../src/view/view-camera';
import { readPly } from '../../src/io/ply';
import { writePly } from '../../src/io/ply-writer';
import type { SplatScene } from '../../src/io/scene';
import { referenceRender } from '../../src/reference/render';
import { REPO_ROOT, SHARED_DATA, TEST_OUTPUT, viewerForTests, type ViewerSession } from './browser';
import type {} from '../../src/app/device-recovery'; // window.__gpuDevice

// Small so SwiftShader draws a frame in about a second.
const VIEW = { width: 256, height: 192 };
// A front view of the playbot (y-down scene, up = -y), close enough that it fills most of the frame.
const POSE: ViewPose = { eye: [0, -1.1, -2.4], target: [0, -0.45, 0], up: [0, -1, 0], fovY: 50 };
const OUT = TEST_OUTPUT;

let session: ViewerSession;
viewerForTests(VIEW, (s) => (session = s));

const vec = (v: number[]): string => v.join(',');

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__ready === true || window.__error !== undefined, null, { polling: 200, timeout: 150_000 });
  const error = await page.evaluate(() => window.__error);
  expect(error, 'viewer reported an error').toBeUndefined();
}

/** Waits until `n` more frames have finished on the GPU. */
/**
 * Waits until `n` frames submitted after this call have been drawn. Counted from the frames
 * submitted (`__renders`), not the frames done: up to two frames are in flight, so two frames
 * done after a change may both have been submitted before it. Frames finish in order.
 */
async function waitFrames(page: Page, n: number): Promise<void> {
  const submitted = await page.evaluate(() => window.__renders ?? 0);
  await page.waitForFunction((target) => (window.__frames ?? 0) >= target, submitted + n, { polling: 100, timeout: 60_000 });
}

/** RGB bytes of the canvas as the page shows it, without the panel and the scene line on top. */
async function canvasRgb(page: Page, size = VIEW): Promise<Uint8Array> {
  const hide = await page.addStyleTag({ content: '.tp-dfwv, #scene-info, #toolbar, #hints, #banner { visibility: hidden !important; }' });
  const png = decode(await page.locator('#view').screenshot());
  await hide.evaluate((el) => (el as Element).remove());
  expect([png.width, png.height]).toEqual([size.width, size.height]);
  const rgb = new Uint8Array(png.width * png.height * 3);
  for (let p = 0; p < png.width * png.height; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = png.data[p * png.channels + c];
  }
  return rgb;
}

function savePng(name: string, rgb: Uint8Array, size = VIEW): void {
  writeFileSync(resolve(OUT, name), encode({ width: size.width, height: size.height, data: rgb, channels: 3, depth: 8 }));
}

/** The camera the address bar describes. */
async function linkPose(page: Page): Promise<ViewPose & { text: Record<string, string> }> {
  const text: Record<string, string> = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));
  const v = (k: string) => text[k].split(',').map(Number) as [number, number, number];
  return { eye: v('eye'), target: v('target'), up: v('up'), fovY: Number(text.fov), text };
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('viewer in headless Chromium', () => {
  let firstImage: Uint8Array;
  let scene: SplatScene;

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
    scene = (await readPly(new Uint8Array(readFileSync(file)), file)).scene;
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

  it('shows the same pixels through the WebGPU canvas as through the readback it uses on a CPU adapter', async () => {
    const { page, baseUrl } = session;
    // A width whose RGBA rows are not a multiple of 256 bytes: the copy pads every row.
    const size = { width: 250, height: VIEW.height };
    await page.setViewportSize(size);
    const link = `/?eye=${vec(POSE.eye)}&target=${vec(POSE.target)}&up=${vec(POSE.up)}&fov=${POSE.fovY}`;
    const shown: Record<string, Uint8Array> = {};
    try {
      // By default (SwiftShader is a CPU adapter) through a mapped copy and WebGL2.
      for (const present of ['readback', 'canvas']) {
        await page.goto(`${baseUrl}${link}${present === 'canvas' ? '&present=canvas' : ''}`);
        await waitReady(page);
        expect(await page.evaluate(() => window.__present)).toBe(present === 'canvas' ? 'canvas (webgpu)' : 'readback (webgl2)');
        shown[present] = await canvasRgb(page, size);
        savePng(`viewer-present-${present}.png`, shown[present], size);
      }
    } finally {
      await page.setViewportSize(VIEW);
    }
    let max = 0;
    let lit = 0;
    for (let i = 0; i < shown.canvas.length; i++) max = Math.max(max, Math.abs(shown.canvas[i] - shown.readback[i]));
    for (let i = 0; i < shown.canvas.length; i += 3) if (shown.canvas[i] + shown.canvas[i + 1] + shown.canvas[i + 2] > 30) lit++;
    console.log(`WebGPU canvas vs readback at ${size.width}x${size.height}: max |diff| ${max}/255, lit pixels ${lit}`);
    expect(lit / (size.width * size.height)).toBeGreaterThan(0.1);
    // The same draw into the same 8-bit format, copied texel for texel (a blit of equal size): no
    // difference was measured (0/255); a flipped, sheared or swizzled image differs by far more.
    expect(max).toBe(0);
    await page.goto(baseUrl + link);
    await waitReady(page);
  });

  it('keeps the readback on screen under the peers harness frame loop, which reads the WebGL2 drawing buffer after every frame', async () => {
    // ../shared/tools/peers/frame-sync.js: each frame waits for the last one's WebGPU work and
    // ends with a 1-pixel readPixels of every WebGL canvas. Without preserveDrawingBuffer the
    // readback's canvas stayed black under it (Chromium 150) while frames were drawn and counted.
    const sync = readFileSync(resolve(REPO_ROOT, '../shared/tools/peers/frame-sync.js'), 'utf8');
    const { page, errors } = await session.openPage({ content: sync });
    try {
      await page.setViewportSize({ width: 640, height: 480 });
      await page.goto(`${session.baseUrl}/?eye=${vec(POSE.eye)}&target=${vec(POSE.target)}&up=${vec(POSE.up)}&fov=${POSE.fovY}`);
      await waitReady(page);
      expect(await page.evaluate(() => window.__present)).toBe('readback (webgl2)');
      // The page as it is, overlays and all (hiding them makes Chromium composite the canvas
      // again, which showed it), twice some frames apart (the black came and went with timing):
      // the left part of the view, clear of the panel.
      const clip = { x: 16, y: 64, width: 320, height: 320 };
      for (const shot of [1, 2]) {
        await waitFrames(page, 10);
        const png = decode(await page.screenshot({ clip }));
        writeFileSync(resolve(OUT, `viewer-present-harness-sync-${shot}.png`), encode({ width: png.width, height: png.height, data: png.data, channels: png.channels, depth: 8 }));
        let lit = 0;
        for (let p = 0; p < clip.width * clip.height; p++) {
          const o = p * png.channels;
          if (png.data[o] + png.data[o + 1] + png.data[o + 2] > 30) lit++;
        }
        console.log(`readback under the harness frame sync, shot ${shot}: lit pixels ${lit} of ${clip.width * clip.height}`);
        // The robot fills 38% of this region (measured); a black canvas leaves none of it lit.
        expect(lit / (clip.width * clip.height)).toBeGreaterThan(0.1);
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('greets a first-time user: control hints, a ? help listing every control, Open, Train, Screenshot and Fullscreen at the top', async () => {
    const { page } = session;
    expect(await page.locator('#hints').isVisible()).toBe(true);
    await page.keyboard.press('?');
    const help = page.locator('#help');
    expect(await help.isVisible()).toBe(true);
    const rows = await help.locator('th').allTextContents();
    for (const control of ['Left drag', 'Wheel', 'Double-click', 'W A S D', 'Q E', 'F', 'R', '?']) expect(rows).toContain(control);
    await page.keyboard.press('Escape');
    expect(await help.isVisible()).toBe(false);

    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('#open-button').click()]);
    expect(chooser.isMultiple()).toBe(true);
    await page.locator('#train-button').click();
    expect(await page.locator('#train-menu').isVisible()).toBe(true);
    expect(await page.locator('#train-menu .presets .name').allTextContents()).toEqual(['quick preview', 'balanced', 'full']);
    await page.keyboard.press('Escape');
    expect(await page.locator('#train-menu').isVisible()).toBe(false);
    expect(await page.locator('#fullscreen-button').isVisible()).toBe(true);

    // The screenshot is the view alone, at the canvas size, not black.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#screenshot-button').click()]);
    expect(download.suggestedFilename()).toBe('playbot-31000-view.png');
    const shot = decode(readFileSync(await download.path()));
    expect([shot.width, shot.height]).toEqual([VIEW.width, VIEW.height]);
    let lit = 0;
    for (let p = 0; p < shot.width * shot.height; p++) if (shot.data[p * shot.channels] + shot.data[p * shot.channels + 1] > 60) lit++;
    expect(lit / (shot.width * shot.height)).toBeGreaterThan(0.1);
    // Opaque like the canvas: the frame's alpha (0 where only the background shows) is not saved.
    if (shot.channels === 4) expect(shot.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    // Using the page counts as having seen the hints.
    expect(await page.locator('#hints').isVisible()).toBe(false);
  });

  it('changes the view when the user drags, and the address bar follows the camera', async () => {
    const { page } = session;
    const eyeBefore = await page.evaluate(() => new URLSearchParams(location.search).get('eye'));
    expect(eyeBefore).not.toBeNull();
    // Chromium delivers pointer moves once per frame, and a SwiftShader frame takes seconds:
    // one move event makes the whole drag.
    await page.mouse.move(128, 96);
    await page.mouse.down();
    await page.mouse.move(168, 104);
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

  it('sets the orbit centre on double-click: the eye stays and the splat under the cursor becomes the target', async () => {
    const { page } = session;
    const before = await linkPose(page);
    const click = { x: 128, y: 70 }; // the robot's face
    await page.mouse.dblclick(click.x, click.y);
    await page.waitForFunction((t) => new URLSearchParams(location.search).get('target') !== t, before.text.target, {
      polling: 100,
      timeout: 30_000,
    });
    const after = await linkPose(page);
    after.eye.forEach((v, i) => expect(v).toBeCloseTo(before.eye[i], 4));
    // The new target is a splat mean (not the fallback plane point): the link keeps 6 digits.
    let nearest = Infinity;
    for (let i = 0; i < scene.count; i++) {
      const d = Math.hypot(...after.target.map((v, a) => v - scene.means[i * 3 + a]));
      nearest = Math.min(nearest, d);
    }
    expect(nearest).toBeLessThan(1e-5);
    // ...and it lies under the cursor, within the 6 px pick radius, in the camera before the click.
    const cam = poseToCamera(before, VIEW.width, VIEW.height);
    const c = [0, 1, 2].map((r) => cam.R[r * 3] * after.target[0] + cam.R[r * 3 + 1] * after.target[1] + cam.R[r * 3 + 2] * after.target[2] + cam.t[r]);
    const u = (cam.fx * c[0]) / c[2] + cam.cx;
    const v = (cam.fy * c[1]) / c[2] + cam.cy;
    expect(Math.hypot(u - click.x, v - click.y)).toBeLessThan(6.01);
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
    // A local file has no address: the link must claim neither another scene nor a camera
    // (which would open the default scene from this file's viewpoint).
    await page.waitForFunction(() => location.search === '', null, { polling: 100, timeout: 30_000 });
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

  it('refuses random bytes named .ply with an error naming the file, and keeps the scene', async () => {
    const { page } = session;
    await page.evaluate(() => (window.__error = undefined)); // the malformed file's error is expected
    let seed = 7;
    const garbage = Buffer.alloc(12_000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    await page.setInputFiles('#file-input', { name: 'garbage.ply', mimeType: 'application/octet-stream', buffer: garbage });
    await page.waitForFunction(() => window.__error !== undefined, null, { polling: 100, timeout: 60_000 });
    expect(await page.evaluate(() => window.__error)).toMatch(/^garbage\.ply: /);
    expect(await page.locator('#banner .message').textContent()).toContain('garbage.ply');
    expect(await page.locator('#scene-info').textContent()).toContain('1,873 splats');
  });

  it('opens a file dropped on the page', async () => {
    const { page } = session;
    const bytes = readFileSync(resolve(SHARED_DATA, 'ply/playbot-8406.ply'));
    const dataTransfer = await page.evaluateHandle(
      ({ name, b64 }) => {
        const raw = atob(b64);
        const data = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
        const dt = new DataTransfer();
        dt.items.add(new File([data], name));
        return dt;
      },
      { name: 'playbot-8406.ply', b64: bytes.toString('base64') },
    );
    await page.dispatchEvent('#view', 'drop', { dataTransfer });
    await page.waitForFunction(() => document.querySelector('#scene-info')?.textContent?.includes('8,406 splats'), null, {
      polling: 100,
      timeout: 60_000,
    });
    await waitReady(page);
    expect(await page.locator('#banner').isVisible()).toBe(false); // the old error went away
  });

  it('downloads the open scene as an INRIA .ply from the panel', async () => {
    const { page } = session;
    await page.locator('.tp-rotv_b').first().click(); // unfold the panel (folded on small screens)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download as', { exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('playbot-8406.ply');
    const saved = resolve(OUT, 'viewer-download.ply');
    await download.saveAs(saved);
    const source = resolve(SHARED_DATA, 'ply/playbot-8406.ply');
    const got = (await readPly(new Uint8Array(readFileSync(saved)), saved)).scene;
    const want = (await readPly(new Uint8Array(readFileSync(source)), source)).scene;
    expect(got.count).toBe(8406);
    expect(got.shDegree).toBe(want.shDegree);
    // Lossless: float32 in, float32 out.
    expect(Buffer.from(got.means.buffer).equals(Buffer.from(want.means.buffer))).toBe(true);
    expect(Buffer.from(got.sh.buffer).equals(Buffer.from(want.sh.buffer))).toBe(true);
    await page.locator('.tp-rotv_b').first().click();
  });

  it('opens an unbundled SOG picked as meta.json plus its WebP textures (the worker asks for siblings)', async () => {
    const { page } = session;
    const dir = resolve(SHARED_DATA, 'sog/playbot-8406');
    const files = readdirSync(dir).map((f) => resolve(dir, f));
    await page.setInputFiles('#file-input', files);
    // Loose files name no folder: not "meta.json", which every SOG scene has.
    await page.waitForFunction(() => document.querySelector('#scene-info')?.textContent?.startsWith('SOG scene ·'), null, {
      polling: 100,
      timeout: 60_000,
    });
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toContain('8,406 splats');
  });

  it('logged no errors other than the expected malformed-file one (no device loss, no GPU validation error)', () => {
    const unexpected = session.errors.filter((e) => !e.includes('broken.ply') && !e.includes('garbage.ply'));
    expect(unexpected).toEqual([]);
  });

  afterAll(async () => {
    // Stop its frame loop: SwiftShader is shared by every tab, and the next tests time frames.
    await session?.page.close();
  });
});

describe('links and failures in a fresh tab', () => {
  it('opens the embedded default scene framed from the front, upright (up = -y), without a link', async () => {
    const { page, errors } = await session.openPage();
    await page.goto(session.baseUrl + '/');
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toContain('playbot-31000.ply');
    await page.waitForFunction(() => new URLSearchParams(location.search).has('eye'), null, { polling: 100, timeout: 30_000 });
    const shown = await linkPose(page);
    const file = resolve(REPO_ROOT, 'scenes/playbot-31000.ply');
    const { scene } = await readPly(new Uint8Array(readFileSync(file)), file);
    const want = defaultViewPose(robustBounds(scene)!, [0, -1, 0], 50, VIEW.width / VIEW.height);
    for (const k of ['eye', 'target', 'up'] as const) shown[k].forEach((v, i) => expect(v).toBeCloseTo(want[k][i], 4));
    expect(shown.text.url).toBeUndefined(); // the default scene needs no address
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws an antialiased file with the 2D filter size it names', async () => {
    const { page, errors } = await session.openPage();
    const file = resolve(SHARED_DATA, 'ply/playbot-1873.ply');
    const { scene: aa } = await readPly(new Uint8Array(readFileSync(file)), file);
    aa.antialiased = true;
    aa.filter2d = 0.1;
    writeFileSync(resolve(OUT, 'aa-filter.ply'), writePly(aa));
    const pose: ViewPose = { eye: [1.5, -1, -2], target: [0, -0.5, 0], up: [0, -1, 0], fovY: 40 };
    const link = `/?url=${encodeURIComponent(`/@fs${OUT}/aa-filter.ply`)}&eye=${vec(pose.eye)}&target=${vec(pose.target)}&up=${vec(pose.up)}&fov=${pose.fovY}`;
    await page.goto(session.baseUrl + link);
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toContain('antialiased, 0.1 px² filter');
    const shown = await canvasRgb(page);
    savePng('viewer-aa-filter.png', shown);
    const camera = poseToCamera(pose, VIEW.width, VIEW.height);
    const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
    const ref = (filter2d?: number) => Uint8Array.from(referenceRender(aa, camera, { antialias: true, filter2d }).image, byte);
    const own = meanAbsDiff(shown, ref(0.1));
    const other = meanAbsDiff(shown, ref(undefined)); // 0.3 px^2
    console.log(`antialiased file, 0.1 px^2: mean |diff| ${own.toFixed(3)}/255 to its reference, ${other.toFixed(3)}/255 to the 0.3 one`);
    // As the default scene's test: 8-bit rounding and rare threshold flips keep the mean within 2.
    expect(own).toBeLessThan(2);
    // Drawn with 0.3 it would sit nearer the other reference (measured: own 0.24, other 0.83).
    expect(other).toBeGreaterThan(2 * own);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a scene a few millimetres across as the same scene in metres (the near plane scales with it)', async () => {
    const { page, errors } = await session.openPage();
    const file = resolve(SHARED_DATA, 'ply/playbot-1873.ply');
    const { scene } = await readPly(new Uint8Array(readFileSync(file)), file);
    const tiny = { ...scene, means: scene.means.map((v) => v / 1024), logScales: scene.logScales.map((v) => v - Math.log(1024)) };
    writeFileSync(resolve(OUT, 'tiny-units.ply'), writePly(tiny));
    const pose: ViewPose = { eye: [1.5, -1, -2], target: [0, -0.5, 0], up: [0, -1, 0], fovY: 40 };
    const small = (v: Vec3) => v.map((x) => x / 1024);
    const link = `/?url=${encodeURIComponent(`/@fs${OUT}/tiny-units.ply`)}&eye=${vec(small(pose.eye))}&target=${vec(small(pose.target))}&up=${vec(pose.up)}&fov=${pose.fovY}`;
    await page.goto(session.baseUrl + link);
    await waitReady(page);
    const shown = await canvasRgb(page);
    savePng('viewer-tiny-units.png', shown);
    const byte = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
    const ref = Uint8Array.from(referenceRender(scene, poseToCamera(pose, VIEW.width, VIEW.height)).image, byte);
    const diff = meanAbsDiff(shown, ref);
    console.log(`scene at 1/1024 scale: mean |diff| ${diff.toFixed(3)}/255 to the reference of the scene in metres`);
    // Measured 0.26/255 (8-bit rounding, rare threshold flips); 2 as in the default scene's test.
    // With the old fixed near plane (0.01 world units, 4 times the eye's distance from the target) the canvas was black.
    expect(diff).toBeLessThan(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens ?url= from the camera of the link and keeps the scene address in the address bar', async () => {
    const { page, errors } = await session.openPage();
    const url = `/@fs${SHARED_DATA}/ply/playbot-1873.ply`;
    const pose: ViewPose = { eye: [1.5, -1, -2], target: [0, -0.5, 0], up: [0, -1, 0], fovY: 40 };
    const link = `/?url=${encodeURIComponent(url)}&eye=${vec(pose.eye)}&target=${vec(pose.target)}&up=${vec(pose.up)}&fov=${pose.fovY}`;
    await page.goto(session.baseUrl + link);
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toContain('1,873 splats');
    await page.waitForTimeout(600); // past the address-bar debounce
    const shown = await linkPose(page);
    expect(shown.text.url).toBe(url);
    for (const k of ['eye', 'target', 'up'] as const) shown[k].forEach((v, i) => expect(v).toBeCloseTo(pose[k][i], 4));
    expect(shown.fovY).toBe(40);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the error of a dead link over the default scene, and keeps the link for a retry', async () => {
    const { page } = await session.openPage();
    const link = `/?url=%2Fno-such-scene.ply&eye=${vec(POSE.eye)}&target=${vec(POSE.target)}`;
    await page.goto(session.baseUrl + link);
    await page.waitForFunction(() => window.__ready === true, null, { polling: 100, timeout: 150_000 });
    const error = await page.evaluate(() => window.__error!);
    expect(error).toContain('no-such-scene.ply');
    expect(await page.locator('#banner').isVisible()).toBe(true);
    expect(await page.locator('#banner .message').textContent()).toBe(`${error}\nShowing the default scene instead.`);
    expect(await page.locator('#scene-info').textContent()).toContain('playbot-31000.ply');
    await page.waitForTimeout(600); // past the address-bar debounce
    expect(await page.evaluate(() => location.search)).toBe(link.slice(1));
    // On a narrow screen the message sits below the folded panel, not over it.
    const banner = (await page.locator('#banner').boundingBox())!;
    const panel = (await page.locator('.tp-rotv_b').first().boundingBox())!;
    expect(banner.y).toBeGreaterThanOrEqual(panel.y + panel.height);
    await page.close();
  });

  it('names an unbundled SOG opened by link after its folder', async () => {
    const { page, errors } = await session.openPage();
    await page.goto(`${session.baseUrl}/?url=${encodeURIComponent(`/@fs${SHARED_DATA}/sog/playbot-8406/meta.json`)}`);
    await waitReady(page);
    expect(await page.locator('#scene-info').textContent()).toMatch(/^playbot-8406 · 8,406 splats/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('resets (R) to the scene framed, not to the camera a link came with', async () => {
    const { page, errors } = await session.openPage();
    await page.goto(session.baseUrl + `/?eye=${vec(POSE.eye)}&target=${vec(POSE.target)}&up=${vec(POSE.up)}&fov=${POSE.fovY}`);
    await waitReady(page);
    await page.locator('#view').focus();
    await page.keyboard.press('KeyR');
    const file = resolve(REPO_ROOT, 'scenes/playbot-31000.ply');
    const { scene } = await readPly(new Uint8Array(readFileSync(file)), file);
    const want = defaultViewPose(robustBounds(scene)!, POSE.up, 50, VIEW.width / VIEW.height);
    // The glide ends at the framed eye and the address bar follows (six significant digits).
    await page.waitForFunction(
      (eye) => {
        const e = new URLSearchParams(location.search).get('eye')?.split(',').map(Number) ?? [];
        return e.length === 3 && Math.hypot(e[0] - eye[0], e[1] - eye[1], e[2] - eye[2]) < 1e-3;
      },
      want.eye,
      { polling: 100, timeout: 30_000 },
    );
    const shown = await linkPose(page);
    for (const k of ['eye', 'target'] as const) shown[k].forEach((v, i) => expect(v).toBeCloseTo(want[k][i], 3));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws the scene again on a new device when the GPU device is lost', async () => {
    const { page, errors } = await session.openPage();
    await page.goto(session.baseUrl + `/?eye=${vec(POSE.eye)}&target=${vec(POSE.target)}&up=${vec(POSE.up)}&fov=${POSE.fovY}`);
    await waitReady(page);
    const before = await canvasRgb(page);
    await page.evaluate(() => window.__gpuDevice!().destroy());
    await page.waitForFunction(() => document.querySelector('#banner .message')?.textContent?.includes('a new one took over'), null, { polling: 100, timeout: 60_000 });
    expect(await page.locator('#banner .message').textContent()).toBe('The GPU device was lost (destroyed: Device was destroyed); a new one took over.');
    await waitFrames(page, 2);
    // The same view as before the loss, drawn by the new device.
    const after = await canvasRgb(page);
    savePng('viewer-device-lost-after.png', after);
    expect(meanAbsDiff(after, before)).toBeLessThan(0.5);
    expect(errors.filter((e) => !/destroyed|lost/i.test(e))).toEqual([]);
    await page.close();
  });

  it('says so on the page when the browser has no WebGPU', async () => {
    const { page } = await session.openPage(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    await page.goto(session.baseUrl + '/');
    await page.waitForFunction(() => window.__error !== undefined, null, { polling: 100, timeout: 30_000 });
    expect(await page.locator('#banner .message').textContent()).toMatch(/WebGPU is not available/);
    expect(await page.locator('#banner').isVisible()).toBe(true);
    await page.close();
  });
});
