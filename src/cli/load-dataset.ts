/** A COLMAP export from disk for `train` and `eval`, with a progress bar and its notices on stderr. */
import { loadColmapDataset, type ColmapDataset } from '../io/colmap/dataset';
import { nodeDirectorySource } from '../io/colmap/node-source';
import { ProgressBar } from './progress';

export async function loadDataset(dir: string, resolution: number | undefined, evalSplit: boolean): Promise<ColmapDataset> {
  const bar = new ProgressBar('loading images');
  const ds = await loadColmapDataset(nodeDirectorySource(dir), {
    resolution,
    evalSplit,
    onProgress: (done, total) => bar.update(done / total, `${done}/${total}`),
  });
  bar.done();
  for (const n of ds.notices) console.error(`notice: ${n}`);
  return ds;
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
