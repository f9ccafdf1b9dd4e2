/** "Download as": serialises the open scene (or any blob) and hands the bytes to the browser as a file. */
import { writeLosses, writeScene, type WriteFormat } from '../io/load';
import type { SplatScene } from '../io/scene';
import { downloadName } from './file-names';

const EXTENSIONS: Record<WriteFormat, string> = { ply: '.ply', splat: '.splat', spz: '.spz', sog: '.sog' };

/** Formats offered in the panel; INRIA .ply (lossless) first. */
export const DOWNLOAD_FORMATS = Object.keys(EXTENSIONS) as WriteFormat[];

/** Saves `scene` as `format`; returns what that format could not hold (writeLosses), for a notice. */
export async function downloadScene(scene: SplatScene, format: string, sourceName: string): Promise<string[]> {
  if (!(format in EXTENSIONS)) throw new Error(`unknown format "${format}" (available: ${DOWNLOAD_FORMATS.join(', ')})`);
  const f = format as WriteFormat;
  const bytes = await writeScene(scene, f);
  saveBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), downloadName(sourceName, EXTENSIONS[f]));
  return writeLosses(scene, f);
}

/** Hands `blob` to the browser's download manager as `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The click hands the blob to the download manager; revoke once that has surely happened.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
