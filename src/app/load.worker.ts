/**
 * Scene loader worker: one `load` request, answered by progress messages and then `done`
 * (the scene, its arrays transferred) or `error` (the reader's message, which names the file).
 */
import { loadScene } from '../io/load';
import type { WorkerReply, WorkerRequest } from './worker-loader';

interface WorkerScope {
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<WorkerRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;
const siblings = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
let nextSibling = 0;

function readSibling(name: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const id = nextSibling++;
    siblings.set(id, { resolve, reject });
    scope.postMessage({ type: 'sibling', id, name });
  });
}

async function load(name: string, bytes: Uint8Array): Promise<void> {
  try {
    const loaded = await loadScene({ name, bytes, readSibling }, { onProgress: (fraction) => scope.postMessage({ type: 'progress', fraction }) });
    const s = loaded.scene;
    // Readers may carve several arrays out of one buffer: list each buffer once.
    const buffers = new Set([s.means.buffer, s.logScales.buffer, s.quats.buffer, s.opacityLogits.buffer, s.sh.buffer]);
    scope.postMessage({ type: 'done', loaded }, [...buffers] as ArrayBuffer[]);
  } catch (e) {
    scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

scope.addEventListener('message', (e) => {
  const msg = e.data;
  if (msg.type === 'load') {
    void load(msg.name, msg.bytes);
    return;
  }
  const pending = siblings.get(msg.id);
  if (!pending) return;
  siblings.delete(msg.id);
  if (msg.bytes) pending.resolve(msg.bytes);
  else pending.reject(new Error(msg.error ?? 'sibling file unavailable'));
});
