/**
 * File access for the CLI with every failure in the "file: problem" form: reading inputs,
 * checking that an output can be written before any long work, and writing outputs atomically
 * (a temporary file renamed into place, so an interrupted write never leaves half a file where
 * a good one was).
 */
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describeFsError } from '../io/fs-errors';
import { FileError } from '../io/file-error';

export { FileError };

const code = (e: unknown) => (e as { code?: string })?.code;

export async function readInput(path: string): Promise<Uint8Array> {
  try {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new FileError(path, `cannot read: ${describeFsError(e)}`);
  }
}

/** Why `path` cannot be written, from the error of opening it. */
function whyNotWritable(e: unknown, path: string): string {
  if (code(e) === 'ENOENT') return `the folder ${dirname(path)} does not exist`;
  return describeFsError(e);
}

/**
 * Throws FileError unless `path` can be created or replaced. Opening it is the only honest test
 * (permissions, read-only mounts, a missing folder); a file created by the test is removed.
 */
export async function checkWritable(path: string): Promise<void> {
  let existed: boolean;
  try {
    if ((await stat(path)).isDirectory()) throw new FileError(path, 'cannot write: is a folder, not a file');
    existed = true;
  } catch (e) {
    if (e instanceof FileError) throw e;
    existed = false;
  }
  try {
    const handle = await open(path, 'a');
    await handle.close();
    if (!existed) await unlink(path);
  } catch (e) {
    throw new FileError(path, `cannot write: ${whyNotWritable(e, path)}`);
  }
}

/** Creates `dir` (and its parents) when missing. */
export async function ensureFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new FileError(dir, `cannot create the folder: ${describeFsError(e)}`);
  }
}

/** Writes `bytes` to `path` through a temporary file in the same folder, renamed into place. */
export async function writeOutput(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new FileError(path, `cannot write: ${whyNotWritable(e, path)}`);
  }
}

/** Removes a file this run wrote; a file already gone is fine. */
export async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if (code(e) !== 'ENOENT') throw new FileError(path, `cannot remove: ${describeFsError(e)}`);
  }
}
