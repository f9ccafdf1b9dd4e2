/** `splat info <scene>` and `splat render <scene> --camera cam.json --out img.png`. */
import { readFile, writeFile } from 'node:fs/promises';
import { encode as encodePng } from 'fast-png';
import { parseCameraJson } from '../io/camera';
import { sceneBounds } from '../io/scene';
import { requestNodeDevice } from '../gpu/node-gpu';
import { SplatRenderer } from '../render/splat-renderer';
import { flagNumber, flagString, parseArgs } from './args';
import { readSceneFile } from './scene-file';
import type { Command } from './command';

export const infoCommand: Command = {
  usage: 'info <scene>                      print splat count, SH degree and bounds as JSON',
  async run(args) {
    const p = parseArgs(args);
    const file = p.positional[0];
    if (!file) throw new Error('missing <scene>');
    const loaded = await readSceneFile(file);
    const b = sceneBounds(loaded.scene);
    const out = { file, format: loaded.format, splats: loaded.scene.count, shDegree: loaded.scene.shDegree, bounds: { min: b.min, max: b.max }, warnings: loaded.warnings };
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

function parseBackground(s: string | undefined): [number, number, number] {
  if (s === undefined) return [0, 0, 0];
  const parts = s.split(',').map(Number);
  if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v) || v < 0 || v > 1)) {
    throw new Error(`--background must be r,g,b with values in 0..1, got "${s}"`);
  }
  return parts as [number, number, number];
}

export const renderCommand: Command = {
  usage: 'render <scene> --camera cam.json --out img.png [--sh-degree N] [--background r,g,b]',
  async run(args) {
    const p = parseArgs(args);
    const file = p.positional[0];
    const cameraPath = flagString(p, 'camera');
    const outPath = flagString(p, 'out');
    if (!file || !cameraPath || !outPath) throw new Error(`usage: splat ${renderCommand.usage}`);
    const camera = parseCameraJson(await readFile(cameraPath, 'utf8'), cameraPath);
    const background = parseBackground(flagString(p, 'background'));
    const loaded = await readSceneFile(file);
    for (const w of loaded.warnings) console.error(`${file}: ${w}`);
    const shDegree = flagNumber(p, 'sh-degree', loaded.scene.shDegree);
    if (!Number.isInteger(shDegree) || shDegree < 0 || shDegree > 3) throw new Error('--sh-degree must be 0..3');
    const gpu = await requestNodeDevice();
    const renderer = new SplatRenderer(gpu.device);
    try {
      renderer.setScene(loaded.scene);
      const image = await renderer.renderToImage(camera, { shDegree, splatScale: 1, background });
      const png = encodePng({ width: camera.width, height: camera.height, data: imageToRgb8(image, camera.width, camera.height), channels: 3, depth: 8 });
      await writeFile(outPath, png);
      console.error(`${outPath}: ${camera.width}x${camera.height}, ${loaded.scene.count} splats, ${renderer.frameStats.intersections} tile intersections (${gpu.adapterName})`);
    } finally {
      renderer.destroy();
      gpu.device.destroy();
    }
    return 0;
  },
};
