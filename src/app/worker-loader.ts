/**
 * Runs `loadScene` in a module worker so decoding a large file never stalls the frame loop.
 * The worker asks back for sibling files (unbundled SOG textures); the main thread owns the
 * network and the picked files. Byte buffers move by transfer, never by copy.
 */
import type { LoadedScene } from '../io/scene';

export type WorkerRequest =
  | { type: 'load'; name: string; bytes: Uint8Array }
  | { type: 'sibling'; id: number; bytes?: Uint8Array; error?: string };

export type WorkerReply =
  | { type: 'progress'; fraction: number }
  | { type: 'sibling'; id: number; name: string }
  | { type: 'done'; loaded: LoadedScene }
  | { type: 'error'; message: string };

export interface WorkerLoadInput {
  name: string;
  /** Transferred to the worker: unusable by the caller afterwards. */
  bytes: Uint8Array;
  readSibling: (name: string) => Promise<Uint8Array>;
}

export function loadInWorker(input: WorkerLoadInput, onProgress: (fraction: number) => void): Promise<LoadedScene> {
  const worker = new Worker(new URL('./load.worker.ts', import.meta.url), { type: 'module', name: 'scene loader' });
  return new Promise<LoadedScene>((resolve, reject) => {
    const finish = (): void => worker.terminate();
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const msg = e.data;
      switch (msg.type) {
        case 'progress':
          onProgress(msg.fraction);
          break;
        case 'sibling':
          input.readSibling(msg.name).then(
            (bytes) => worker.postMessage({ type: 'sibling', id: msg.id, bytes } satisfies WorkerRequest, [bytes.buffer]),
            (err: unknown) =>
              worker.postMessage({ type: 'sibling', id: msg.id, error: err instanceof Error ? err.message : String(err) } satisfies WorkerRequest),
          );
          break;
        case 'done':
          finish();
          resolve(msg.loaded);
          break;
        case 'error':
          finish();
          reject(new Error(msg.message));
          break;
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      finish();
      reject(new Error(`${input.name}: the scene loader stopped (${e.message || 'worker error'})`));
    };
    worker.postMessage({ type: 'load', name: input.name, bytes: input.bytes } satisfies WorkerRequest, [input.bytes.buffer]);
  });
}
