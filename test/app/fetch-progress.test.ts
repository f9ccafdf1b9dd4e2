import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchWithProgress } from '../../src/app/fetch-progress';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('fetchWithProgress', () => {
  it('joins streamed chunks and reports bytes against content-length', async () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5, 6])];
    vi.stubGlobal('fetch', async () => new Response(streamOf(chunks), { headers: { 'content-length': '6' } }));
    const seen: [number, number | null][] = [];
    const bytes = await fetchWithProgress('http://x/a.ply', (r, t) => seen.push([r, t]));
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen).toEqual([
      [3, 6],
      [4, 6],
      [6, 6],
    ]);
  });

  it('reports an unknown total when the length is missing or smaller than the data (compressed transfer)', async () => {
    vi.stubGlobal('fetch', async () => new Response(streamOf([new Uint8Array(4), new Uint8Array(4)]), { headers: { 'content-length': '5' } }));
    const seen: (number | null)[] = [];
    await fetchWithProgress('http://x/a.ply', (_r, t) => seen.push(t));
    expect(seen).toEqual([5, null]);
  });

  it('names the URL and the HTTP status or network failure', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404, statusText: 'Not Found' }));
    await expect(fetchWithProgress('http://x/missing.ply', () => {})).rejects.toThrow('http://x/missing.ply: download failed (HTTP 404 Not Found)');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(fetchWithProgress('http://x/a.ply', () => {})).rejects.toThrow('http://x/a.ply: could not download (Failed to fetch)');
  });
});

describe('fetchWithProgress without a length', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('grows its buffer past the first megabyte and keeps every byte in order', async () => {
    const chunks = Array.from({ length: 5 }, (_, k) => Uint8Array.from({ length: 700_000 }, (_, i) => (i * 7 + k) & 255));
    vi.stubGlobal('fetch', async () => new Response(streamOf(chunks)));
    const seen: (number | null)[] = [];
    const bytes = await fetchWithProgress('http://x/big.ply', (_r, t) => seen.push(t));
    expect(bytes.length).toBe(3_500_000);
    for (let k = 0; k < 5; k++) {
      for (const i of [0, 1, 699_999]) expect(bytes[k * 700_000 + i]).toBe((i * 7 + k) & 255);
    }
    expect(seen.every((t) => t === null)).toBe(true);
  });
});
