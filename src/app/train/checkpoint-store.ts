/**
 * The browser's copy of the current training run, in the origin private file system (OPFS):
 *
 *   training-run/run.json         what the resume offer shows, and the settings to rebuild with
 *   training-run/checkpoint.ckpt  the latest checkpoint (src/train/checkpoint.ts format)
 *   training-run/dataset/...      the dataset's files as the loader read them (not for the
 *                                 embedded sample, which the build serves again)
 *
 * One run per origin: starting a run replaces the saved one. Each file is written through
 * createWritable, which applies its changes only on close, so a tab killed mid-write leaves the
 * previous version; run.json is written after the checkpoint, and the checkpoint's own header
 * (not run.json) says which step it holds.
 */
import type { DatasetSource } from '../../io/colmap/dataset';
import { decodeImageBrowser } from './dataset-sources';
import type { TrainSettings } from './train-panel';
import type { TrainState } from './train-status';

const ROOT = 'training-run';
const RECORD = 'run.json';
const CHECKPOINT = 'checkpoint.ckpt';
const DATASET = 'dataset';

export interface SavedRun {
  /** Dataset name as shown (folder or zip name). */
  dataset: string;
  /** 'sample': the embedded sample, loaded again from the build; 'stored': the files under dataset/. */
  origin: 'sample' | 'stored';
  /** The run's settings (resolution and evaluation decide the dataset's identity). */
  settings: TrainSettings;
  /** Step of the checkpoint, and the run's length. */
  iteration: number;
  iterations: number;
  /** Run state when saved: a 'done' run has nothing left to resume. */
  state: TrainState;
  /** Date.now() of the save. */
  savedAt: number;
  /** Checkpoint size in bytes. */
  bytes: number;
}

/** OPFS access, or null where the browser has none (then runs are not saved, and the page says so). */
export async function openCheckpointStore(): Promise<CheckpointStore | null> {
  try {
    const root = await navigator.storage.getDirectory();
    return new CheckpointStore(await root.getDirectoryHandle(ROOT, { create: true }));
  } catch {
    return null;
  }
}

export class CheckpointStore {
  constructor(private readonly dir: FileSystemDirectoryHandle) {}

  /** The saved run, or null (none, or a record this build cannot read). */
  async load(): Promise<SavedRun | null> {
    try {
      const text = await (await (await this.dir.getFileHandle(RECORD)).getFile()).text();
      const r = JSON.parse(text) as SavedRun;
      return typeof r.dataset === 'string' && Number.isInteger(r.iteration) && r.settings ? r : null;
    } catch {
      return null;
    }
  }

  async readCheckpoint(): Promise<Uint8Array> {
    const file = await (await this.dir.getFileHandle(CHECKPOINT)).getFile();
    return new Uint8Array(await file.arrayBuffer());
  }

  /** Writes the checkpoint, then its record. */
  async save(record: SavedRun, checkpoint: Uint8Array): Promise<void> {
    await writeFile(this.dir, CHECKPOINT, checkpoint);
    await this.saveRecord(record);
  }

  /** Rewrites the record alone (a state change that needs no new checkpoint). */
  async saveRecord(record: SavedRun): Promise<void> {
    await writeFile(this.dir, RECORD, new TextEncoder().encode(JSON.stringify(record)));
  }

  /** Forgets the saved run and its dataset. */
  async clear(): Promise<void> {
    for (const name of [RECORD, CHECKPOINT, DATASET]) {
      await this.dir.removeEntry(name, { recursive: true }).catch(() => {});
    }
  }

  /** Copies `paths` of `source` under dataset/, reporting each file done. */
  async storeDataset(source: DatasetSource, paths: string[], onFile?: (done: number, total: number) => void): Promise<void> {
    await this.dir.removeEntry(DATASET, { recursive: true }).catch(() => {});
    const root = await this.dir.getDirectoryHandle(DATASET, { create: true });
    let done = 0;
    for (const path of paths) {
      const parts = path.split('/');
      let d = root;
      for (const p of parts.slice(0, -1)) d = await d.getDirectoryHandle(p, { create: true });
      await writeFile(d, parts[parts.length - 1], await source.read(path));
      onFile?.(++done, paths.length);
    }
  }

  /** The stored dataset as a source named `name`; throws when it is missing. */
  async storedDataset(name: string): Promise<DatasetSource> {
    const root = await this.dir.getDirectoryHandle(DATASET);
    const files = new Map<string, FileSystemFileHandle>();
    const walk = async (d: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
      for await (const [entryName, handle] of d.entries()) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle, `${prefix}${entryName}/`);
        else files.set(`${prefix}${entryName}`, handle as FileSystemFileHandle);
      }
    };
    await walk(root, '');
    const paths = [...files.keys()].sort();
    return {
      name,
      list: () => paths,
      async read(path) {
        const h = files.get(path);
        if (!h) throw new Error(`${name}/${path}: not in the copy saved for resuming`);
        return new Uint8Array(await (await h.getFile()).arrayBuffer());
      },
      decodeImage: decodeImageBrowser,
    };
  }
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, bytes: Uint8Array): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await w.write(bytes as Uint8Array<ArrayBuffer>);
    await w.close();
  } catch (e) {
    await w.abort().catch(() => {});
    throw e;
  }
}
