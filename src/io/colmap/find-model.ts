/**
 * Locates the sparse model inside a dataset's file list: `sparse/0/` or `sparse/`, at the top
 * or under a single enclosing folder (a zipped export usually has one), `.bin` preferred over
 * `.txt` file by file. macOS zip metadata (`__MACOSX/`, `._*`) is ignored.
 */
import { ColmapError } from './types';

export interface ModelFiles {
  /** Dataset root inside the source, '' or ending with '/'; `images/` sits under it. */
  root: string;
  /** Folder of the model, e.g. 'sparse/0/'. */
  dir: string;
  cameras: string;
  images: string;
  points: string;
}

interface Lister {
  name: string;
  list(): string[];
}

export function isJunkPath(p: string): boolean {
  return p.startsWith('__MACOSX/') || p.includes('/__MACOSX/') || /(^|\/)\._/.test(p) || /(^|\/)\.DS_Store$/.test(p);
}

export function findModel(source: Lister): ModelFiles {
  const paths = new Set(source.list().filter((p) => !isJunkPath(p)));
  // Candidate model folders: any folder holding a cameras file whose path ends in sparse/0/ or sparse/.
  const candidates: { root: string; dir: string; rank: number }[] = [];
  for (const p of paths) {
    const m = /^(.*?)(sparse\/(?:0\/)?)cameras\.(bin|txt)$/.exec(p);
    if (!m) continue;
    const root = m[1];
    if (root !== '' && !root.endsWith('/')) continue;
    // Shallowest root first, then sparse/0/ before sparse/.
    candidates.push({ root, dir: root + m[2], rank: root.split('/').length * 2 + (m[2] === 'sparse/0/' ? 0 : 1) });
  }
  candidates.sort((a, b) => a.rank - b.rank || (a.dir < b.dir ? -1 : 1));
  const pick = (dir: string, base: string) =>
    paths.has(`${dir}${base}.bin`) ? `${dir}${base}.bin` : paths.has(`${dir}${base}.txt`) ? `${dir}${base}.txt` : undefined;
  for (const c of candidates) {
    const cameras = pick(c.dir, 'cameras');
    const images = pick(c.dir, 'images');
    const points = pick(c.dir, 'points3D');
    if (cameras && images && points) return { root: c.root, dir: c.dir, cameras, images, points };
  }
  if (candidates.length > 0) {
    const c = candidates[0];
    const lacking = ['images', 'points3D'].filter((b) => !pick(c.dir, b)).map((b) => `${b}.bin/.txt`);
    throw new ColmapError(`${source.name}/${c.dir}`, `incomplete sparse model: missing ${lacking.join(' and ')}`);
  }
  throw new ColmapError(source.name, 'no COLMAP sparse model found: expected sparse/0/ or sparse/ holding cameras, images and points3D (.bin or .txt) next to images/');
}
