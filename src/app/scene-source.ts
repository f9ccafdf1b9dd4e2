/**
 * Where a scene's bytes come from: a URL (streamed, with download progress) or files the user
 * picked or dropped (several at once for multi-file formats such as unbundled SOG). Both end in
 * `loadScene` (in a worker), which detects the format by content.
 */
import type { LoadedScene } from '../io/scene';
import { fetchWithProgress } from './fetch-progress';
import { chooseMainFile, fileNameOf, formatBytes } from './file-names';
import { loadInWorker } from './worker-loader';

export interface LoadProgress {
  /** 'download' while bytes arrive, 'parse' while the reader runs. */
  phase: 'download' | 'parse';
  /** [0, 1], or null when the size is unknown. */
  fraction: number | null;
  /** Human-readable line for the progress bar. */
  label: string;
}

export type SceneSource = { kind: 'url'; url: string } | { kind: 'files'; files: File[] };

export interface OpenedScene {
  loaded: LoadedScene;
  /** Display name (file name). */
  name: string;
  /** Address for shareable links, or null for local files. */
  url: string | null;
}

/** Reads the bytes of `source` and parses them, reporting both phases. */
export async function openScene(source: SceneSource, onProgress: (p: LoadProgress) => void): Promise<OpenedScene> {
  let name: string;
  let bytes: Uint8Array;
  let readSibling: (sibling: string) => Promise<Uint8Array>;
  let url: string | null = null;
  if (source.kind === 'url') {
    url = source.url;
    name = fileNameOf(url);
    onProgress({ phase: 'download', fraction: null, label: `Downloading ${name}` });
    bytes = await fetchWithProgress(url, (received, total) =>
      onProgress({
        phase: 'download',
        fraction: total === null ? null : received / total,
        label: `Downloading ${name}: ${formatBytes(received)}${total === null ? '' : ` of ${formatBytes(total)}`}`,
      }),
    );
    const base = new URL(url, location.href);
    readSibling = (sibling) => fetchWithProgress(new URL(sibling, base).href, () => {});
  } else {
    if (source.files.length === 0) throw new Error('no file selected');
    const main = source.files[chooseMainFile(source.files.map((f) => f.name))];
    name = main.name;
    onProgress({ phase: 'download', fraction: null, label: `Reading ${name} (${formatBytes(main.size)})` });
    bytes = await readFileBytes(main);
    readSibling = async (sibling) => {
      const f = source.files.find((x) => x.name === sibling);
      if (!f) throw new Error(`${name}: needs ${sibling} next to it; select or drop it together with ${name}`);
      return readFileBytes(f);
    };
  }
  onProgress({ phase: 'parse', fraction: 0, label: `Parsing ${name}` });
  const loaded = await loadInWorker({ name, bytes, readSibling }, (f) =>
    onProgress({ phase: 'parse', fraction: f, label: `Parsing ${name}: ${Math.round(f * 100)}%` }),
  );
  return { loaded, name, url };
}

async function readFileBytes(file: File): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new Error(`${file.name}: could not read the file (${(e as Error).message})`);
  }
}
