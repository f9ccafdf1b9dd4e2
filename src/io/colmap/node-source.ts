/** A COLMAP export on the local disk as a DatasetSource (Node only). */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImageNode } from '../image-decode-node';
import { describeFsError } from '../fs-errors';
import type { DatasetSource } from './dataset';
import { ColmapError } from './types';

export function nodeDirectorySource(dir: string): DatasetSource {
  const root = path.resolve(dir);
  let files: string[] | undefined;
  return {
    name: dir,
    list() {
      files ??= walk(root, dir);
      return files;
    },
    async read(rel: string) {
      let buf: Buffer;
      try {
        buf = await readFile(path.join(root, rel));
      } catch (e) {
        throw new Error(describeFsError(e));
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    async decodeImage(bytes: Uint8Array, rel: string) {
      return decodeImageNode(bytes, rel);
    },
  };
}

/** All files under `root`, relative and '/'-separated; symlinked folders are followed once. */
function walk(root: string, name: string): string[] {
  const out: string[] = [];
  const stack = [''];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const abs = path.join(root, rel);
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if (rel === '') throw new ColmapError(name, `cannot read the folder: ${describeFsError(e)}`);
      continue;
    }
    for (const e of entries) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory() || (e.isSymbolicLink() && isDir(path.join(root, childRel)))) {
        const real = realPath(path.join(root, childRel));
        if (seen.has(real)) continue;
        seen.add(real);
        stack.push(childRel);
      } else {
        out.push(childRel);
      }
    }
  }
  return out.sort();
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
