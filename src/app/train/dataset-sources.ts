/**
 * COLMAP datasets as the browser receives them, each turned into a DatasetSource: files picked
 * with a folder picker (webkitRelativePath), a folder dropped on the page (directory entries
 * walked recursively), a .zip, or the embedded sample fetched by URL. Images are decoded with
 * createImageBitmap without premultiplication or colour conversion, so pixels match what a
 * file decoder in Node returns.
 */
import type { DatasetSource } from '../../io/colmap/dataset';
import { isJunkPath } from '../../io/colmap/find-model';
import { zipSource } from '../../io/colmap/zip-source';
import { unzipSync } from 'fflate';

/** A file and its '/'-separated path inside the dataset. */
export interface PathedFile {
  path: string;
  file: File;
}

export async function decodeImageBrowser(bytes: Uint8Array, path: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const type = /\.png$/i.test(path) ? 'image/png' : /\.jpe?g$/i.test(path) ? 'image/jpeg' : '';
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), {
    premultiplyAlpha: 'none',
    colorSpaceConversion: 'none',
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas context to read the pixels');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return { width: bitmap.width, height: bitmap.height, data };
  } finally {
    bitmap.close();
  }
}

async function readFile(file: File, label: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new Error(`${label}: could not read the file (${(e as Error).message})`);
  }
}

/** Files with dataset paths (a folder pick or drop). Paths are used as given, junk skipped. */
export function filesSource(files: PathedFile[], name: string): DatasetSource {
  const byPath = new Map<string, File>();
  for (const f of files) {
    const p = f.path.replace(/\\/g, '/').replace(/^\/+/, '');
    if (!isJunkPath(p)) byPath.set(p, f.file);
  }
  const paths = [...byPath.keys()].sort();
  return {
    name,
    list: () => paths,
    read: (path) => {
      const f = byPath.get(path);
      if (!f) return Promise.reject(new Error(`${name}/${path}: no such file in the folder`));
      return readFile(f, `${name}/${path}`);
    },
    decodeImage: decodeImageBrowser,
  };
}

/** Files from an <input webkitdirectory> pick: their paths are webkitRelativePath. */
export function pickedFolderFiles(files: File[]): PathedFile[] {
  return files.map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** The name a pick or drop is shown under: its top folder, or the file name. */
export function datasetName(files: PathedFile[]): string {
  const first = files[0]?.path.replace(/^\/+/, '') ?? '';
  const top = first.split('/')[0];
  return first.includes('/') ? top : first || 'dataset';
}

/** True when the paths hold a COLMAP sparse model (anything findModel accepts). */
export function holdsSparseModel(paths: string[]): boolean {
  return paths.some((p) => /(^|\/)sparse\/(0\/)?cameras\.(bin|txt)$/.test(p) && !isJunkPath(p));
}

/** Names inside a zip without inflating anything; null when the bytes are not a readable zip. */
export function zipEntryNames(bytes: Uint8Array): string[] | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name.replace(/\\/g, '/'));
        return false;
      },
    });
  } catch {
    return null;
  }
  return names;
}

export async function zipFileSource(file: File): Promise<DatasetSource> {
  return zipSource(await readFile(file, file.name), file.name, decodeImageBrowser);
}

/**
 * Walks dropped directory entries into files with paths relative to the drop ('buddha/images/x.jpg').
 * Entries must be taken from the DataTransfer during the drop event; reading them may come later.
 */
export async function walkEntries(entries: FileSystemEntry[]): Promise<PathedFile[]> {
  const out: PathedFile[] = [];
  const visit = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path: entry.fullPath.replace(/^\/+/, ''), file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      // readEntries returns at most ~100 entries per call; an empty batch means the end.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const e of batch) await visit(e);
      }
    }
  };
  for (const e of entries) await visit(e);
  return out;
}

/**
 * `source` noting every path read: what loading a dataset needed, and so what to keep for
 * resuming it after a reload (not junk or the dense reconstruction that may share its folder).
 */
export function recordingSource(source: DatasetSource): { source: DatasetSource; paths: Set<string> } {
  const paths = new Set<string>();
  return {
    paths,
    source: {
      ...source,
      list: () => source.list(),
      read: (path) => {
        paths.add(path);
        return source.read(path);
      },
    },
  };
}

/** Bytes fetched by URL; `urls` maps dataset paths to addresses. */
export function urlSource(urls: Map<string, string>, name: string): DatasetSource {
  const paths = [...urls.keys()].sort();
  return {
    name,
    list: () => paths,
    async read(path) {
      const url = urls.get(path);
      if (!url) throw new Error(`${name}/${path}: no such file in the sample`);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${name}/${path}: download failed (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    },
    decodeImage: decodeImageBrowser,
  };
}
