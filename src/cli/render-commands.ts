/** `splat info <scene>` and `splat render <scene> --out img.png|img.jpg [--camera cam.json | --view LINK]`. */
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { type Camera, DEFAULT_NEAR, countBeforeNear, parseCameraJson } from '../io/camera';
import { DEFAULT_FILTER2D, sceneBounds, sceneFilter2d } from '../io/scene';
import { requestNodeDevice } from '../gpu/node-gpu';
import { SplatRenderer } from '../render/splat-renderer';
import { shDegreeNotice } from '../render/splat-capacity';
import { UsageError, flagInt, flagNumber, flagString, positionals } from './args';
import { checkWritable, readInput, writeOutput } from './files';
import { frameFile, viewCameras, viewSpec } from './render-view';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const infoCommand: Command = {
  name: 'info',
  summary: 'print format, splat count, SH degree and bounds as JSON',
  synopsis: '<scene>',
  details: 'A scene is any readable file (.ply .compressed.ply .splat .ksplat .spz .sog), a SOG meta.json, or a folder holding one.',
  flags: [],
  async run(p) {
    const [file] = positionals(p, ['<scene>']);
    const loaded = await readSceneFile(file);
    const b = sceneBounds(loaded.scene);
    const out = { file, format: loaded.format, splats: loaded.scene.count, shDegree: loaded.scene.shDegree, antialiased: loaded.scene.antialiased === true, ...(loaded.scene.antialiased ? { filter2d: loaded.scene.filter2d ?? DEFAULT_FILTER2D } : {}), bounds: { min: b.min, max: b.max }, warnings: loaded.warnings };
    console.log(JSON.stringify(out, null, 2));
    return 0;
  },
};

/** round(clamp(c, 0, 1) * 255) per channel, no colour-space conversion (what the canvas shows). */
export function imageToRgb8(image: Float32Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      const v = image[i * 4 + c];
      out[i * 3 + c] = Math.round(Math.min(1, Math.max(0, Number.isNaN(v) ? 0 : v)) * 255);
    }
  }
  return out;
}

export type ImageFormat = 'png' | 'jpeg';

/** The image format an output name asks for, or a UsageError naming the ones we write. */
export function imageFormatFor(path: string): ImageFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) return 'png';
  if (lower.endsWith('.jpg') || lower.endsWith('.jpeg')) return 'jpeg';
  throw new UsageError(`${path}: cannot tell the image format from the extension (use .png, .jpg or .jpeg)`);
}

/** PNG (lossless) or JPEG at `quality` (1..100) of 8-bit RGB pixels. */
export function encodeImage(rgb: Uint8Array, width: number, height: number, format: ImageFormat, quality: number): Uint8Array {
  if (format === 'png') return encodePng({ width, height, data: rgb, channels: 3, depth: 8 });
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  return new Uint8Array(encodeJpeg({ data: rgba, width, height }, quality).data);
}

function parseBackground(s: string | undefined): [number, number, number] {
  if (s === undefined) return [0, 0, 0];
  const parts = s.split(',').map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new UsageError(`--background must be r,g,b with values in 0..1, got "${s}"`);
  }
  return parts as [number, number, number];
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'render one view of a scene to a PNG or JPEG image',
  synopsis: '<scene> --out img.png [--camera cam.json | --view LINK] [flags]',
  details:
    'The view: a camera JSON (COLMAP: world-to-camera R (three rows) and t, fx fy cx cy, width and height; see README), or the viewer page\'s link (its address with eye=, target=, up= and fov=), or with neither the view the page opens the scene with. The image format follows the --out extension.',
  flags: [
    { name: 'camera', value: 'FILE', help: 'camera JSON (COLMAP conventions)' },
    { name: 'view', value: 'LINK', help: 'the viewer page\'s link (or its ?query): its eye, target, up and fov' },
    { name: 'size', value: 'WxH', help: 'image size for --view and the default view (default 1280x720)' },
    { name: 'y-up', help: 'the default view with +y up (as the page\'s "y-up scene"); default -y, as COLMAP' },
    { name: 'turntable', value: 'N', help: 'N views turning once around the up axis from --view or the default view: img-000.png ...' },
    { name: 'out', value: 'FILE', help: 'output image: .png, or .jpg/.jpeg (required)' },
    { name: 'sh-degree', value: 'N', help: 'SH degree 0..3 to render with (default: the scene\'s)' },
    { name: 'background', value: 'R,G,B', help: 'background colour, values 0..1 (default 0,0,0)' },
    { name: 'quality', value: 'Q', help: 'JPEG quality 1..100 (default 92)' },
  ],
  async run(p) {
    const [file] = positionals(p, ['<scene>']);
    const view = viewSpec(p);
    const outPath = flagString(p, 'out');
    if (!outPath) throw new UsageError('missing --out FILE');
    const format = imageFormatFor(outPath);
    const quality = flagInt(p, 'quality', 92);
    if (quality > 100) throw new UsageError(`--quality must be 1..100, got ${quality}`);
    const background = parseBackground(flagString(p, 'background'));
    // A camera JSON is read (and refused) before the scene, which may take long to read.
    const fromJson = view.kind === 'camera' ? [parseCameraJson(new TextDecoder().decode(await readInput(view.path)), view.path)] : undefined;
    await checkWritable(frameFile(outPath, 0, view.kind === 'view' ? view.turntable : 1));
    const loaded = await readSceneFile(file);
    for (const w of loaded.warnings) console.error(`${file}: ${w}`);
    const cameras = view.kind === 'view' ? viewCameras(view, loaded.scene) : fromJson!;
    // What to check when an image shows nothing, by where its camera came from.
    const check =
      view.kind === 'camera'
        ? { near: `; for a scene in small units set a smaller "near" in ${view.path}`, placement: `check "R" and "t" in ${view.path}` }
        : { near: '', placement: view.link !== undefined ? 'check the eye and target of --view' : 'the scene may be empty where its bounds say it is' };
    const shDegree = flagNumber(p, 'sh-degree', loaded.scene.shDegree);
    if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > 3) throw new UsageError('--sh-degree must be 0..3');
    const gpu = await requestNodeDevice();
    const renderer = new SplatRenderer(gpu.device);
    try {
      const shown = renderer.setScene(loaded.scene);
      if (shown < Math.min(shDegree, loaded.scene.shDegree)) console.error(`notice: ${shDegreeNotice(gpu.device.limits, file, loaded.scene, shown)}`);
      for (const [k, camera] of cameras.entries()) {
        const out = frameFile(outPath, k, cameras.length);
        const image = await renderer.renderToImage(camera, { shDegree, splatScale: 1, background, ...sceneFilter2d(loaded.scene) });
        await writeOutput(out, encodeImage(imageToRgb8(image, camera.width, camera.height), camera.width, camera.height, format, quality));
        console.error(`${out}: ${format.toUpperCase()} ${camera.width}x${camera.height}, ${loaded.scene.count} splats, ${renderer.frameStats.intersections} tile intersections (${gpu.adapterName})`);
        if (renderer.frameStats.intersections === 0) warnEmpty(out, loaded.scene.means, camera, check);
      }
    } finally {
      renderer.destroy();
      gpu.device.destroy();
    }
    return 0;
  },
};

/** An empty image is written (it may be meant), but say why when the units are the likely cause. */
function warnEmpty(outPath: string, means: Float32Array, camera: Camera, check: { near: string; placement: string }): void {
  const near = countBeforeNear(means, camera);
  const why = near > 0
    ? `: ${near} splats lie in front of the camera but nearer than its near plane (${camera.near ?? DEFAULT_NEAR})${check.near}`
    : `: no splat is in front of the camera and inside its view (${check.placement})`;
  console.error(`warning: ${outPath} shows only the background${why}`);
}
