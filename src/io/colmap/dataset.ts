/**
 * Turns a COLMAP export (images/ + sparse model) into training views: pinhole cameras in the
 * project's convention (src/io/camera.ts) and [H, W, 4] f32 images at the training size.
 * Defaults follow decisions.md: longer side <= 1600 px unless a resolution divisor is given,
 * every 8th image by sorted name held out when evaluation is on, SIMPLE_RADIAL / RADIAL / OPENCV
 * undistorted at load. Files come from a DatasetSource so the same code reads a Node directory,
 * a browser folder drop or a zip.
 */
import type { Camera } from '../camera';
import { DEFAULT_NEAR, cameraCentre } from '../camera';
import { resizeImage } from '../image-resize';
import { readCamerasBin, readImagesBin, readPoints3DBin } from './binary-reader';
import { PINHOLE_MODELS, UNDISTORTED_MODELS } from './camera-models';
import { type ModelFiles, findModel } from './find-model';
import { readCamerasTxt, readImagesTxt, readPoints3DTxt } from './text-reader';
import { type ColmapCamera, ColmapError, type ColmapImage, type ColmapPoints } from './types';
import { type PinholeIntrinsics, splitCamera, undistortImage, undistortedCamera } from './undistort';

export interface DatasetSource {
  /** Shown in messages: a directory path, a zip name. */
  name: string;
  /** Every file's path relative to the source, '/'-separated. */
  list(): string[];
  read(path: string): Promise<Uint8Array>;
  /** RGBA8 pixels; throws on a corrupt or unsupported file. */
  decodeImage(bytes: Uint8Array, path: string): Promise<{ width: number; height: number; data: Uint8Array | Uint8ClampedArray }>;
}

export interface View {
  /** COLMAP image name (relative to images/). */
  name: string;
  /** Pinhole camera with intrinsics for `image`'s size. */
  camera: Camera;
  /** [H, W, 4] f32 RGBA in [0, 1], alpha = 1. */
  image: Float32Array;
}

export interface ColmapDataset {
  train: View[];
  test: View[];
  points: ColmapPoints;
  /** 1.1 * the largest distance of a training camera centre from their mean (decisions.md). */
  extent: number;
  /** What the user should know but that does not stop training (images at another size). */
  notices: string[];
}

export interface ColmapLoadOptions {
  /** Divide both image sides by this (the reference's `-r K`); default: use `maxSide`. */
  resolution?: number;
  /** Without `resolution`, downscale so the longer side is at most this. Default 1600. */
  maxSide?: number;
  /** Hold out every 8th image (sorted by name, index % 8 == 0) as a test view. Default false. */
  evalSplit?: boolean;
  /** Called after each image is ready, for progress display. */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_MAX_SIDE = 1600;
/** Reference `llffhold`: test views are the sorted indices divisible by this. */
export const EVAL_HOLD_EVERY = 8;

interface SparseModel {
  cameras: ColmapCamera[];
  images: ColmapImage[];
  points: ColmapPoints;
}

async function readModel(source: DatasetSource, files: ModelFiles): Promise<SparseModel> {
  const label = (p: string) => `${source.name}/${p}`;
  const load = async (p: string) => {
    try {
      return await source.read(p);
    } catch (e) {
      throw new ColmapError(label(p), `cannot read file (${(e as Error).message})`);
    }
  };
  const text = async (p: string) => new TextDecoder().decode(await load(p));
  const bin = (p: string) => p.endsWith('.bin');
  const cameras = bin(files.cameras) ? readCamerasBin(await load(files.cameras), label(files.cameras)) : readCamerasTxt(await text(files.cameras), label(files.cameras));
  const images = bin(files.images) ? readImagesBin(await load(files.images), label(files.images)) : readImagesTxt(await text(files.images), label(files.images));
  const points = bin(files.points) ? readPoints3DBin(await load(files.points), label(files.points)) : readPoints3DTxt(await text(files.points), label(files.points));
  return { cameras, images, points };
}

/** Row-major rotation of a (normalised) Hamilton quaternion [w, x, y, z]. */
export function qvecToRotation(q: number[]): number[] {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  const [w, x, y, z] = [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
    2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
    2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
  ];
}

/** Training image size for a source of width x height (decisions.md "image size"). */
export function targetSize(width: number, height: number, opts: ColmapLoadOptions): { width: number; height: number } {
  if (opts.resolution !== undefined) {
    const k = opts.resolution;
    if (!(Number.isFinite(k) && k > 0)) throw new Error(`resolution must be a positive number, got ${k}`);
    return { width: Math.max(1, Math.round(width / k)), height: Math.max(1, Math.round(height / k)) };
  }
  const maxSide = opts.maxSide ?? DEFAULT_MAX_SIDE;
  if (!(Number.isFinite(maxSide) && maxSide >= 1)) throw new Error(`maxSide must be a number >= 1, got ${maxSide}`);
  const longer = Math.max(width, height);
  if (longer <= maxSide) return { width, height };
  const s = maxSide / longer;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Checks ids, models, poses and points before any image is read; returns cameras by id. */
function checkModel(model: SparseModel, files: ModelFiles, name: string): Map<number, ColmapCamera> {
  const camFile = `${name}/${files.cameras}`;
  const imgFile = `${name}/${files.images}`;
  const cameras = new Map<number, ColmapCamera>();
  for (const c of model.cameras) {
    if (cameras.has(c.id)) throw new ColmapError(camFile, `camera id ${c.id} appears twice`);
    if (!(c.width > 0 && c.height > 0)) throw new ColmapError(camFile, `camera ${c.id} has size ${c.width}x${c.height}`);
    if (!c.params.every(Number.isFinite)) throw new ColmapError(camFile, `camera ${c.id} has non-finite parameters (${c.params.join(', ')})`);
    cameras.set(c.id, c);
  }
  if (model.images.length === 0) throw new ColmapError(imgFile, 'no registered images');
  const badIds = model.images.filter((im) => !cameras.has(im.cameraId));
  if (badIds.length > 0) {
    const list = badIds.slice(0, 10).map((im) => `${im.name} -> camera ${im.cameraId}`).join(', ');
    throw new ColmapError(imgFile, `${badIds.length} image(s) refer to camera ids missing from ${files.cameras} (${list}${badIds.length > 10 ? ', ...' : ''}); cameras present: ${[...cameras.keys()].join(', ') || 'none'}`);
  }
  const seen = new Set<string>();
  for (const im of model.images) {
    if (seen.has(im.name)) throw new ColmapError(imgFile, `image name ${im.name} appears twice`);
    seen.add(im.name);
    const n = Math.hypot(...im.qvec);
    if (!(n > 1e-12) || !im.tvec.every(Number.isFinite)) throw new ColmapError(imgFile, `image ${im.name} has an invalid pose`);
    const cam = cameras.get(im.cameraId)!;
    if (!PINHOLE_MODELS.has(cam.model) && !UNDISTORTED_MODELS.has(cam.model)) {
      throw new ColmapError(camFile, `camera ${im.cameraId} uses the ${cam.model} model, which is not supported (supported: ${[...PINHOLE_MODELS, ...UNDISTORTED_MODELS].join(', ')}); undistort the images first, e.g. with colmap image_undistorter`);
    }
    // Every supported model stores focal length(s) first: f, or fx then fy (PINHOLE, OPENCV).
    const focals = cam.model === 'PINHOLE' || cam.model === 'OPENCV' ? cam.params.slice(0, 2) : cam.params.slice(0, 1);
    if (!focals.every((f) => f > 0)) throw new ColmapError(camFile, `camera ${cam.id} has a non-positive focal length (${focals.join(', ')})`);
  }
  if (model.points.xyz.length === 0) throw new ColmapError(`${name}/${files.points}`, 'the model has zero 3D points; initialisation needs a sparse point cloud');
  return cameras;
}

/** Pinhole intrinsics of a camera scaled to the size its image file actually has. */
function scaledToImage(c: ColmapCamera, width: number, height: number, file: string, camFile: string): ColmapCamera {
  if (width === c.width && height === c.height) return c;
  const sx = width / c.width;
  const sy = height / c.height;
  if (Math.abs(sx - sy) > 0.01 * Math.max(sx, sy)) {
    throw new ColmapError(file, `image is ${width}x${height} but camera ${c.id} in ${camFile} is ${c.width}x${c.height} (different aspect ratio)`);
  }
  const p = [...c.params];
  const fi = c.model.startsWith('SIMPLE') || c.model === 'RADIAL' ? 1 : 2; // count of focal params
  if (fi === 1) p[0] *= (sx + sy) / 2;
  else {
    p[0] *= sx;
    p[1] *= sy;
  }
  p[fi] *= sx;
  p[fi + 1] *= sy;
  return { ...c, width, height, params: p };
}

function pinholeOf(c: ColmapCamera): PinholeIntrinsics {
  const [a, b, cc, d] = c.params;
  return c.model === 'PINHOLE'
    ? { width: c.width, height: c.height, fx: a, fy: b, cx: cc, cy: d }
    : { width: c.width, height: c.height, fx: a, fy: a, cx: b, cy: cc };
}

export async function loadColmapDataset(source: DatasetSource, opts: ColmapLoadOptions = {}): Promise<ColmapDataset> {
  targetSize(1, 1, opts); // validates the options before any work
  const files = findModel(source);
  const model = await readModel(source, files);
  const cameras = checkModel(model, files, source.name);
  const camFile = `${source.name}/${files.cameras}`;

  const imagePaths = resolveImages(source, files.root, model.images);
  const missing = model.images.filter((im) => !imagePaths.has(im.name));
  if (missing.length > 0) {
    const names = missing.slice(0, 10).map((im) => im.name).join(', ');
    throw new ColmapError(`${source.name}/${files.root}images/`, `${missing.length} of ${model.images.length} images listed in ${files.images} are missing: ${names}${missing.length > 10 ? `, and ${missing.length - 10} more` : ''}`);
  }

  const sorted = [...model.images].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const undistortCache = new Map<string, PinholeIntrinsics>();
  const rescaled = new Map<string, { first: string; count: number; from: ColmapCamera; to: string }>();
  const views: View[] = [];
  for (const im of sorted) {
    const path = imagePaths.get(im.name)!;
    const file = `${source.name}/${path}`;
    let decoded;
    try {
      decoded = await source.decodeImage(await source.read(path), path);
    } catch (e) {
      throw new ColmapError(file, `corrupt or unreadable image (${(e as Error).message})`);
    }
    if (!(decoded.width > 0 && decoded.height > 0) || decoded.data.length !== decoded.width * decoded.height * 4) {
      throw new ColmapError(file, `decoder returned ${decoded.data.length} bytes for ${decoded.width}x${decoded.height} RGBA`);
    }
    const declared = cameras.get(im.cameraId)!;
    const cam = scaledToImage(declared, decoded.width, decoded.height, file, camFile);
    if (cam !== declared) {
      const key = `${declared.id}:${cam.width}x${cam.height}`;
      const entry = rescaled.get(key) ?? { first: path, count: 0, from: declared, to: `${cam.width}x${cam.height}` };
      entry.count++;
      rescaled.set(key, entry);
    }
    let pixels = toFloat(decoded.data);
    let pin: PinholeIntrinsics;
    const split = splitCamera(cam);
    if (split) {
      const key = `${cam.id}:${cam.width}x${cam.height}`;
      let dst = undistortCache.get(key);
      if (!dst) {
        dst = undistortedCamera(split.pinhole, split.dist, camFile);
        undistortCache.set(key, dst);
      }
      pixels = undistortImage(pixels, split.pinhole, split.dist, dst);
      pin = dst;
    } else {
      pin = pinholeOf(cam);
    }
    const size = targetSize(pin.width, pin.height, opts);
    if (size.width !== pin.width || size.height !== pin.height) {
      pixels = resizeImage(pixels, pin.width, pin.height, size.width, size.height);
    }
    const sx = size.width / pin.width;
    const sy = size.height / pin.height;
    const camera: Camera = {
      width: size.width,
      height: size.height,
      fx: pin.fx * sx,
      fy: pin.fy * sy,
      cx: pin.cx * sx,
      cy: pin.cy * sy,
      R: qvecToRotation(im.qvec),
      t: [...im.tvec],
    };
    views.push({ name: im.name, camera, image: pixels });
    opts.onProgress?.(views.length, sorted.length);
    // Decoding, undistorting and resizing are synchronous; yielding to the event loop between
    // images keeps a page responsive while a large dataset loads.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  const test = opts.evalSplit ? views.filter((_, i) => i % EVAL_HOLD_EVERY === 0) : [];
  const train = opts.evalSplit ? views.filter((_, i) => i % EVAL_HOLD_EVERY !== 0) : views;
  if (train.length === 0) {
    throw new ColmapError(`${source.name}/${files.images}`, `the evaluation split of ${views.length} image(s) leaves no training views`);
  }
  // Pre-downscaled images are common and fine once the intrinsics follow, but a user who did
  // not mean to train at that size should hear about it.
  const notices = [...rescaled.values()].map(({ first, count, from, to }) => {
    const scale = Number(to.split('x')[0]) / from.width;
    const which = count === 1 ? `${source.name}/${first} is` : `${count} images (${source.name}/${first}, ...) are`;
    return `${which} ${to}, ${scale < 1 ? 'smaller' : 'larger'} than the ${from.width}x${from.height} that camera ${from.id} in ${camFile} says; intrinsics scaled by ${scale.toPrecision(3)} to match`;
  });
  const extent = sceneExtent(train, model.points);
  const near = captureNear(extent);
  if (near < DEFAULT_NEAR) for (const v of views) v.camera.near = near;
  return { train, test, points: model.points, extent, notices };
}

/**
 * Near plane of a capture's views: NEAR_PER_EXTENT of its extent, at most the renderer's default
 * (0.01 world units, the reference's). A capture in small units (extent below 1: a few
 * millimetres across in metres, or kilometres) would otherwise have every point culled; larger
 * ones keep the reference's plane, so their training is unchanged.
 */
export const NEAR_PER_EXTENT = 0.01;

export function captureNear(extent: number): number {
  return extent > 0 && Number.isFinite(extent) ? Math.min(DEFAULT_NEAR, NEAR_PER_EXTENT * extent) : DEFAULT_NEAR;
}

/** Maps image names to source paths under `<root>images/`; exact match first, then case-insensitive. */
function resolveImages(source: DatasetSource, root: string, images: ColmapImage[]): Map<string, string> {
  const prefix = `${root}images/`;
  const exact = new Set<string>();
  const lower = new Map<string, string>();
  for (const p of source.list()) {
    if (!p.startsWith(prefix)) continue;
    exact.add(p);
    lower.set(p.toLowerCase(), p);
  }
  const out = new Map<string, string>();
  for (const im of images) {
    const want = prefix + im.name.replace(/\\/g, '/');
    const hit = exact.has(want) ? want : lower.get(want.toLowerCase());
    if (hit) out.set(im.name, hit);
  }
  return out;
}

/** RGBA8 to f32 in [0, 1] with alpha forced to 1 (photos are opaque; decisions.md). */
function toFloat(data: Uint8Array | Uint8ClampedArray): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 4) {
    out[i] = data[i] / 255;
    out[i + 1] = data[i + 1] / 255;
    out[i + 2] = data[i + 2] / 255;
    out[i + 3] = 1;
  }
  return out;
}

/**
 * decisions.md: 1.1 * max distance of the training camera centres from their mean. With a
 * single training view that is 0, which would zero the position learning rate, so the
 * distance from that camera to the point cloud's centroid stands in for it.
 */
export function sceneExtent(train: View[], points: ColmapPoints): number {
  const centres = train.map((v) => cameraCentre(v.camera));
  const mean = [0, 1, 2].map((a) => centres.reduce((s, c) => s + c[a], 0) / Math.max(centres.length, 1));
  let maxDist = 0;
  for (const c of centres) maxDist = Math.max(maxDist, Math.hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2]));
  if (maxDist > 1e-9) return 1.1 * maxDist;
  const p = points.xyz;
  const n = p.length / 3;
  const centroid = [0, 1, 2].map((a) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += p[i * 3 + a];
    return s / n;
  });
  return 1.1 * Math.max(Math.hypot(centroid[0] - mean[0], centroid[1] - mean[1], centroid[2] - mean[2]), 1e-6);
}
