/** buddha13 made cheap for GPU trainer tests on SwiftShader. */
import { resolve } from 'node:path';
import { loadColmapDataset, type ColmapDataset } from '../../src/io/colmap/dataset';
import { nodeDirectorySource } from '../../src/io/colmap/node-source';
import type { SplatScene } from '../../src/io/scene';

/** buddha13 at 1/`resolution` (default 16: 43x24) with every 16th point: about 1,300 splats. */
export async function smallBuddha(resolution = 16, evalSplit = false): Promise<ColmapDataset> {
  const ds = await loadColmapDataset(nodeDirectorySource(resolve(__dirname, '../../scenes/buddha13')), { resolution, evalSplit });
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
