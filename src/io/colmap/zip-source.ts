/**
 * A zipped COLMAP export (a browser drop or pick of a .zip) as a DatasetSource. Pure fflate,
 * no DOM: the caller passes the image decoder (createImageBitmap in the browser, jpeg-js /
 * fast-png in Node).
 */
import { unzipSync } from 'fflate';
import type { DatasetSource } from './dataset';
import { isJunkPath } from './find-model';
import { ColmapError } from './types';

export function zipSource(bytes: Uint8Array, name: string, decodeImage: DatasetSource['decodeImage']): DatasetSource {
  let entries: Record<string, Uint8Array>;
  try {
    // Folder entries and macOS metadata are skipped before inflating anything.
    entries = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && !isJunkPath(f.name) });
  } catch (e) {
    throw new ColmapError(name, `not a readable zip archive (${(e as Error).message})`);
  }
  const paths = Object.keys(entries)
    .map((p) => p.replace(/\\/g, '/'))
    .sort();
  const byPath = new Map(Object.entries(entries).map(([p, b]) => [p.replace(/\\/g, '/'), b]));
  return {
    name,
    list: () => paths,
    async read(path: string) {
      const b = byPath.get(path);
      if (!b) throw new ColmapError(`${name}/${path}`, 'no such file in the archive');
      return b;
    },
    decodeImage,
  };
}
