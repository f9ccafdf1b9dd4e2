/** Reads a scene file from disk in any supported format (detected by content). */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LoadedScene } from '../io/scene';
import { loadScene } from '../io/load';

export async function readSceneFile(path: string): Promise<LoadedScene> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const dir = dirname(path);
  return loadScene({ name: basename(path), bytes, readSibling: async (name) => new Uint8Array(await readFile(join(dir, name))) });
}
