/** Reads a scene file from disk in any supported format (detected by content). */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LoadedScene } from '../io/scene';
import { loadScene } from '../io/load';
import { FileError, readInput } from './files';

/** A scene file, or a folder holding an unbundled SOG (its meta.json). */
export async function readSceneFile(path: string): Promise<LoadedScene> {
  let file = path;
  if (await isFolder(path)) {
    file = join(path, 'meta.json');
    if (!(await exists(file))) throw new FileError(path, 'is a folder without a meta.json; name a scene file (.ply .splat .ksplat .spz .sog or a SOG meta.json)');
  }
  const bytes = await readInput(file);
  const dir = dirname(file);
  return loadScene({ name: path, bytes, readSibling: (name) => readInput(join(dir, name)) });
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
