/** buddha13 made cheap for GPU trainer tests on SwiftShader. */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readImagesBin, readPoints3DBin } from '../../src/io/colmap/binary-reader';
import { writeImagesBin, writePoints3DBin } from '../../src/io/colmap/binary-writer';
import { loadColmapDataset, type ColmapDataset } from '../../src/io/colmap/dataset';
import { nodeDirectorySource } from '../../src/io/colmap/node-source';
import type { SplatScene } from '../../src/io/scene';

export const BUDDHA13 = resolve(__dirname, '../../scenes/buddha13');

/** buddha13 (or a copy of it at `root`) at 1/`resolution` (default 16: 43x24) with every 16th point: about 1,300 splats. */
export async function smallBuddha(resolution = 16, evalSplit = false, root = BUDDHA13): Promise<ColmapDataset> {
  const ds = await loadColmapDataset(nodeDirectorySource(root), { resolution, evalSplit });
  const keep = Array.from({ length: Math.floor(ds.points.xyz.length / 48) }, (_, i) => i * 16);
  const xyz = Float32Array.from(keep.flatMap((i) => [...ds.points.xyz.subarray(i * 3, i * 3 + 3)]));
  const rgb = Uint8Array.from(keep.flatMap((i) => [...ds.points.rgb.subarray(i * 3, i * 3 + 3)]));
  return { ...ds, points: { ...ds.points, xyz, rgb } };
}

/** The first field whose bits differ between two scenes ('count a vs b', 'means[i]'), or undefined. */
export function firstDifference(a: SplatScene, b: SplatScene): string | undefined {
  if (a.count !== b.count) return `count ${a.count} vs ${b.count}`;
  for (const k of ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const) {
    const x = new Uint32Array(a[k].buffer, a[k].byteOffset, a[k].length);
    const y = new Uint32Array(b[k].buffer, b[k].byteOffset, b[k].length);
    const i = x.findIndex((v, j) => v !== y[j]);
    if (i >= 0) return `${k}[${i}]`;
  }
  return undefined;
}

/**
 * Writes buddha13 in other units to `dir` (a COLMAP export whose camera positions and points
 * are multiplied by `factor`, the photos linked) and returns `dir`.
 */
export function buddhaInUnits(dir: string, factor: number): string {
  const sparse = join(dir, 'sparse/0');
  mkdirSync(sparse, { recursive: true });
  const from = join(BUDDHA13, 'sparse/0');
  copyFileSync(join(from, 'cameras.bin'), join(sparse, 'cameras.bin'));
  const images = readImagesBin(new Uint8Array(readFileSync(join(from, 'images.bin'))));
  writeFileSync(join(sparse, 'images.bin'), writeImagesBin(images.map((im) => ({ ...im, tvec: im.tvec.map((x) => x * factor) }))));
  const points = readPoints3DBin(new Uint8Array(readFileSync(join(from, 'points3D.bin'))));
  writeFileSync(join(sparse, 'points3D.bin'), writePoints3DBin({ ...points, xyz: points.xyz.map((x) => x * factor) }));
  symlinkSync(join(BUDDHA13, 'images'), join(dir, 'images'));
  return dir;
}
