/**
 * Checkpoints on disk for `splat train`: `<dir>/<out name>.step-NNNNNN.ckpt`, written atomically,
 * the oldest this run wrote removed beyond the newest `keep`. The format itself is
 * src/train/checkpoint.ts (shared with the browser).
 */
import { basename, extname, join } from 'node:path';
import { type Checkpoint, checkpointFileName, decodeCheckpoint, encodeCheckpoint, type DatasetIdentity } from '../train/checkpoint';
import type { Trainer } from '../train/trainer';
import { readInput, removeFile, writeOutput } from './files';

export interface SavedCheckpoint {
  file: string;
  iteration: number;
  bytes: number;
  /** GPU readback, encoding and writing. */
  seconds: number;
}

export class CheckpointWriter {
  private readonly written: string[] = [];
  private readonly base: string;

  /**
   * @param dir folder the files go to (must exist)
   * @param out the run's output scene; its name without extension starts every file name
   * @param keep newest files kept; older ones this run wrote are removed. 0 keeps all.
   */
  constructor(
    private readonly dir: string,
    out: string,
    private readonly keep: number,
  ) {
    this.base = basename(out, extname(out));
  }

  /** The path the checkpoint of `iteration` goes to. */
  pathFor(iteration: number): string {
    return join(this.dir, checkpointFileName(this.base, iteration));
  }

  async save(trainer: Trainer, dataset: DatasetIdentity): Promise<SavedCheckpoint> {
    const t0 = performance.now();
    const state = await trainer.captureState();
    const bytes = encodeCheckpoint({ config: trainer.config, dataset, state });
    const file = this.pathFor(state.iteration);
    await writeOutput(file, bytes);
    if (!this.written.includes(file)) this.written.push(file);
    while (this.keep > 0 && this.written.length > this.keep) await removeFile(this.written.shift()!);
    return { file, iteration: state.iteration, bytes: bytes.byteLength, seconds: (performance.now() - t0) / 1000 };
  }
}

/** Reads and parses a checkpoint file; errors name the file. */
export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readInput(path), path);
}
