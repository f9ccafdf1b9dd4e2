/**
 * The embedded COLMAP sample (scenes/buddha13, CC-BY-4.0, see its README.md): the file list is
 * fixed at build time by vite, the bytes are fetched when the user asks to train it.
 */
import type { DatasetSource } from '../../io/colmap/dataset';
import { urlSource } from './dataset-sources';

const PREFIX = '/scenes/buddha13/';

// Photos and the binary model only: the .txt twin of the model would add a megabyte to the build.
const FILES = import.meta.glob(['/scenes/buddha13/images/*', '/scenes/buddha13/sparse/**/*.bin'], {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const SAMPLE_NAME = 'buddha13';
/** Size of the sample's photos (cameras.bin) and how many there are: time estimates before it is loaded. */
export const SAMPLE_PHOTOS = { width: 684, height: 385, count: 13 };
export const SAMPLE_CREDIT = 'Buddha dataset by S. Gasparini, F. Castan, Y. Lanthony (AliceVision), CC-BY-4.0';

export function sampleSource(): DatasetSource {
  const urls = new Map<string, string>();
  for (const [key, url] of Object.entries(FILES)) {
    if (key.startsWith(PREFIX)) urls.set(key.slice(PREFIX.length), url);
  }
  if (urls.size === 0) throw new Error(`the embedded sample ${SAMPLE_NAME} is missing from this build`);
  return urlSource(urls, SAMPLE_NAME);
}
