/**
 * A synthetic "real-sized" capture for measuring training quality: a trained scene rendered by
 * this project's renderer from a ring of cameras, written as a COLMAP export (images/*.png,
 * sparse/0/cameras.bin, images.bin, and a points3D.bin of noisy samples of the splat centres),
 * so held-out PSNR of a scene trained on it can be compared with the scene it came from.
 *
 *   node scripts/run-ts.mjs bench/capture.ts [--scene ../shared/data/ply/playbot-31000.ply]
 *     [--out bench/.data/playbot-ring] [--views 40] [--size 640x480] [--points 10000] [--seed 1]
 *
 * The cameras circle the scene's up axis (-y: COLMAP scenes are y-down) at two alternating
 * heights, looking at the centre of the splats' robust bounds, PINHOLE with a 40-degree
 * vertical field of view. Deterministic: the same arguments give the same files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { requestNodeDevice } from '../src/gpu/node-gpu';
import { lookAtCamera, type Camera } from '../src/io/camera';
import { rotationToQvec, writeCamerasBin, writeImagesBin, writePoints3DBin } from '../src/io/colmap/binary-writer';
import { readPly } from '../src/io/ply';
import { SH_C0, type SplatScene } from '../src/io/scene';
import { SplatRenderer } from '../src/render/splat-renderer';
import { robustBounds } from '../src/view/scene-framing';
import { seededRandom } from '../src/train/random';
import { imageToRgb8 } from '../src/cli/render-commands';

export interface CaptureOptions {
  /** Trained scene to render (INRIA .ply). */
  scene: string;
  /** Folder of the COLMAP export (created). */
  out: string;
  views: number;
  width: number;
  height: number;
  /** Vertical field of view, degrees. */
  fovY: number;
  /** Camera heights above the centre, degrees; views alternate between them. */
  elevations: number[];
  /** Distance from the centre, in radii of the robust bounds. */
  distance: number;
  /** Points in points3D.bin, drawn from splats with opacity >= minOpacity. */
  points: number;
  minOpacity: number;
  /** Standard deviation of the noise added to each point, as a fraction of the bounds' radius. */
  noise: number;
  seed: number;
}

export const CAPTURE_DEFAULTS: CaptureOptions = {
  scene: '../shared/data/ply/playbot-31000.ply',
  out: 'bench/.data/playbot-ring',
  views: 40,
  width: 640,
  height: 480,
  fovY: 40,
  elevations: [15, 35],
  distance: 1.6,
  points: 10_000,
  minOpacity: 0.2,
  noise: 0.005,
  seed: 1,
};

/** The ring: camera k at azimuth 360 k / views, at elevations[k % elevations.length]. */
export function ringCameras(centre: number[], radius: number, o: CaptureOptions): Camera[] {
  const up = [0, -1, 0];
  return Array.from({ length: o.views }, (_, k) => {
    const az = (2 * Math.PI * k) / o.views;
    const el = (o.elevations[k % o.elevations.length] * Math.PI) / 180;
    const d = o.distance * radius;
    const eye = [centre[0] + d * Math.cos(el) * Math.cos(az), centre[1] - d * Math.sin(el), centre[2] + d * Math.cos(el) * Math.sin(az)];
    return lookAtCamera(eye, centre, up, o.width, o.height, o.fovY);
  });
}

/** `count` splat centres (opacity >= minOpacity) with Gaussian noise, coloured by their SH DC term. */
export function noisyPoints(scene: SplatScene, o: CaptureOptions, radius: number): { xyz: Float32Array; rgb: Uint8Array } {
  const random = seededRandom(o.seed);
  const opaque: number[] = [];
  const logit = Math.log(o.minOpacity / (1 - o.minOpacity));
  for (let i = 0; i < scene.count; i++) if (scene.opacityLogits[i] >= logit) opaque.push(i);
  if (opaque.length === 0) throw new Error(`${o.scene}: no splat has opacity >= ${o.minOpacity}`);
  const n = Math.min(o.points, opaque.length);
  const xyz = new Float32Array(n * 3);
  const rgb = new Uint8Array(n * 3);
  const K = scene.sh.length / (scene.count * 3);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let p = 0; p < n; p++) {
    const i = opaque[Math.floor(random() * opaque.length)];
    for (let a = 0; a < 3; a++) {
      xyz[p * 3 + a] = scene.means[i * 3 + a] + gauss() * o.noise * radius;
      const c = 0.5 + SH_C0 * scene.sh[i * K * 3 + a];
      rgb[p * 3 + a] = Math.round(Math.min(1, Math.max(0, c)) * 255);
    }
  }
  return { xyz, rgb };
}

export async function writeCapture(o: CaptureOptions): Promise<{ views: number; points: number; out: string }> {
  const scene = (await readPly(new Uint8Array(readFileSync(resolve(o.scene))), o.scene)).scene;
  const bounds = robustBounds(scene);
  if (!bounds) throw new Error(`${o.scene}: no finite splat`);
  const cameras = ringCameras(bounds.centre, bounds.radius, o);
  const sparse = join(o.out, 'sparse/0');
  mkdirSync(join(o.out, 'images'), { recursive: true });
  mkdirSync(sparse, { recursive: true });
  const gpu = await requestNodeDevice();
  const renderer = new SplatRenderer(gpu.device);
  const names: string[] = [];
  try {
    renderer.setScene(scene);
    for (let k = 0; k < cameras.length; k++) {
      const cam = cameras[k];
      const image = await renderer.renderToImage(cam, { shDegree: scene.shDegree, splatScale: 1, background: [0, 0, 0] });
      const name = `view_${String(k).padStart(3, '0')}.png`;
      writeFileSync(join(o.out, 'images', name), encodePng({ width: cam.width, height: cam.height, data: imageToRgb8(image, cam.width, cam.height), channels: 3, depth: 8 }));
      names.push(name);
    }
  } finally {
    renderer.destroy();
    gpu.device.destroy();
  }
  const c0 = cameras[0];
  writeFileSync(join(sparse, 'cameras.bin'), writeCamerasBin([{ id: 1, model: 'PINHOLE', width: c0.width, height: c0.height, params: [c0.fx, c0.fy, c0.cx, c0.cy] }]));
  writeFileSync(join(sparse, 'images.bin'), writeImagesBin(cameras.map((c, k) => ({ id: k + 1, name: names[k], qvec: rotationToQvec(c.R), tvec: c.t, cameraId: 1 }))));
  const points = noisyPoints(scene, o, bounds.radius);
  writeFileSync(join(sparse, 'points3D.bin'), writePoints3DBin(points));
  writeFileSync(join(o.out, 'capture.json'), `${JSON.stringify({ ...o, splats: scene.count, centre: bounds.centre, radius: bounds.radius }, null, 2)}\n`);
  return { views: cameras.length, points: points.xyz.length / 3, out: o.out };
}

export async function main(argv: string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const o: CaptureOptions = { ...CAPTURE_DEFAULTS };
  o.scene = arg('--scene') ?? o.scene;
  o.out = resolve(arg('--out') ?? o.out);
  o.views = Number(arg('--views') ?? o.views);
  o.points = Number(arg('--points') ?? o.points);
  o.seed = Number(arg('--seed') ?? o.seed);
  const size = arg('--size');
  if (size) [o.width, o.height] = size.split('x').map(Number);
  if (![o.views, o.width, o.height, o.points].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--views, --size WxH and --points take positive integers');
  const r = await writeCapture(o);
  console.log(JSON.stringify(r));
  return 0;
}
