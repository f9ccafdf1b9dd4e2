/** Streaming download with byte progress, for the load progress bar of large scenes. */

/**
 * Downloads `url`, reporting bytes as they stream in. Errors name the URL and the cause
 * (HTTP status, network failure).
 */
export async function fetchWithProgress(url: string, onProgress: (received: number, total: number | null) => void): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`${url}: could not download (${(e as Error).message})`);
  }
  if (!response.ok) throw new Error(`${url}: download failed (HTTP ${response.status} ${response.statusText})`.trim());
  const header = Number(response.headers.get('content-length'));
  // A compressed transfer reports the compressed length: only trust it as a lower bound.
  const total = Number.isFinite(header) && header > 0 ? header : null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received, total !== null && received <= total ? total : null);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}
