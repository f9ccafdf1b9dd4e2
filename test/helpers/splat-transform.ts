/**
 * @playcanvas/splat-transform as the independent decoder of every splat format: its reader turns
 * the files into its table, its writer turns that into an INRIA `.ply`, and our ply reader (tested
 * on its own against raw floats) reads that back.
 */
import { MemoryFileSystem, MemoryReadFileSystem, type Options, getInputFormat, readFile, writeFile } from '@playcanvas/splat-transform';
import type { SplatScene } from '../../src/io/scene';
import { readPly } from '../../src/io/ply';

/** Decodes `entry` (one file's bytes, or every file of a multi-file format) with splat-transform. */
export async function splatTransformDecode(files: Uint8Array | Map<string, Uint8Array>, entry: string, inputFormat?: string): Promise<SplatScene> {
  const source = new MemoryReadFileSystem();
  if (files instanceof Uint8Array) source.set(entry, files);
  else for (const [name, bytes] of files) source.set(name, bytes);
  const options = {} as Options;
  const format = (inputFormat ?? getInputFormat(entry)) as Parameters<typeof readFile>[0]['inputFormat'];
  const [table] = await readFile({ filename: entry, inputFormat: format, options, params: [], fileSystem: source });
  const out = new MemoryFileSystem();
  await writeFile({ filename: 'oracle.ply', outputFormat: 'ply', dataTable: table, options }, out);
  return (await readPly(out.results.get('oracle.ply')!, 'oracle.ply')).scene;
}
