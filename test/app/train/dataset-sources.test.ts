import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { datasetName, filesSource, holdsSparseModel, pickedFolderFiles, zipEntryNames } from '../../../src/app/train/dataset-sources';
import { findModel } from '../../../src/io/colmap/find-model';

const SAMPLE = resolve(__dirname, '../../../scenes/buddha13');

function samplePaths(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const full = join(dir, n);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(SAMPLE, full).split('\\').join('/'));
    }
  };
  walk(SAMPLE);
  return out;
}

describe('dataset routing helpers', () => {
  it('recognises a sparse model at the top, under one folder, and as sparse/ without 0/', () => {
    expect(holdsSparseModel(samplePaths())).toBe(true);
    expect(holdsSparseModel(samplePaths().map((p) => `buddha13/${p}`))).toBe(true);
    expect(holdsSparseModel(['images/a.jpg', 'sparse/cameras.txt'])).toBe(true);
    expect(holdsSparseModel(['scene.ply'])).toBe(false);
    expect(holdsSparseModel(['images/a.jpg', 'sparse/0/points3D.bin'])).toBe(false);
    // macOS metadata twins are not a model.
    expect(holdsSparseModel(['__MACOSX/sparse/0/cameras.bin', 'x/._cameras.bin'])).toBe(false);
  });

  it('lists a real zip without inflating it, and returns null for bytes that are no zip', () => {
    const files = Object.fromEntries(samplePaths().map((p) => [`buddha13/${p}`, new Uint8Array(readFileSync(join(SAMPLE, p)))]));
    const zip = zipSync(files, { level: 1 });
    expect(zipEntryNames(zip)!.sort()).toEqual(Object.keys(files).sort());
    expect(zipEntryNames(new TextEncoder().encode('ply\nformat binary_little_endian 1.0\n'))).toBeNull();
    expect(zipEntryNames(zip.subarray(0, 100))).toBeNull(); // truncated: no central directory
  });

  it('names a folder pick by its top folder and reads its files by dataset path', async () => {
    const file = (path: string) => {
      const f = new File([readFileSync(join(SAMPLE, path))], path.split('/').pop()!);
      Object.defineProperty(f, 'webkitRelativePath', { value: `buddha13/${path}` });
      return f;
    };
    const picked = pickedFolderFiles(['sparse/0/cameras.bin', 'sparse/0/images.bin', 'sparse/0/points3D.bin', 'images/00007.jpg'].map(file));
    expect(datasetName(picked)).toBe('buddha13');
    const source = filesSource(picked, 'buddha13');
    expect(findModel(source)).toMatchObject({ root: 'buddha13/', cameras: 'buddha13/sparse/0/cameras.bin' });
    const bytes = await source.read('buddha13/sparse/0/cameras.bin');
    expect(Buffer.from(bytes).equals(readFileSync(join(SAMPLE, 'sparse/0/cameras.bin')))).toBe(true);
    await expect(source.read('buddha13/nope.txt')).rejects.toThrow('buddha13/buddha13/nope.txt: no such file');
  });
});
