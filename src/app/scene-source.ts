/**
 * Where a scene's bytes come from: a URL (streamed, with download progress) or files the user
 * picked or dropped (several at once for multi-file formats such as unbundled SOG). Both end in
 * `loadScene` (in a worker), which detects the format by content.
 */
import type { LoadedScene } from '../io/scene';
import { fetchWithProgress } from './fetch-progress';
import { chooseMainFile, fileNameOf, formatBytes, sceneNameOf } from './file-names';
import { loadInWorker } from './worker-loader';

export interface LoadProgress {
  /** 'download' while bytes arrive, 'parse' while the reader runs. */
  phase: 'download' | 'parse';
  /** [0, 1], or null when the size is unknown. */
  fraction: number | null;
  /** Human-readable line for the progress bar. */
  label: string;
}

/** `name`: what to call files from a dropped folder (the folder); default from the main file. */
export type SceneSource = { kind: 'url'; url: string } | { kind: 'files'; files: File[]; name?: string };

export interface OpenedScene {
  loaded: LoadedScene;
  /** Display name: the file name, or the folder of an unbundled SOG (file-names.ts sceneNameOf). */
  name: string;
  /** Address for shareable links, or null for local files. */
  url: string | null;
}

/** Reads the bytes of `source` and parses them, reporting both phases. */
export async function openScene(source: SceneSource, onProgress: (p: LoadProgress) => void): Promise<OpenedScene> {
  let name: string;
  /** What the reader is told (messages, the extension check): the file, with its folder when known. */
  let fileName: string;
  let bytes: Uint8Array;
  let readSibling: (sibling: string) => Promise<Uint8Array>;
  let url: string | null = null;
  if (source.kind === 'url') {
    url = source.url;
    name = sceneNameOf(url);
    fileName = name === fileNameOf(url) ? name : `${name}/${fileNameOf(url)}`;
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
    const path = main.webkitRelativePath || (source.name ? `${source.name}/${main.name}` : main.name);
    name = sceneNameOf(path);
    fileName = path.includes('/') && name !== main.name ? `${name}/${main.name}` : main.name;
    onProgress({ phase: 'download', fraction: null, label: `Reading ${fileName} (${formatBytes(main.size)})` });
    bytes = await readFileBytes(main);
    readSibling = async (sibling) => {
      const f = source.files.find((x) => x.name === sibling);
      if (!f) throw new Error(`${fileName}: needs ${sibling} next to it; select or drop it together with ${main.name}`);
      return readFileBytes(f);
    };
  }
  onProgress({ phase: 'parse', fraction: 0, label: `Parsing ${name}` });
  const loaded = await loadInWorker({ name: fileName, bytes, readSibling }, (f) =>
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
