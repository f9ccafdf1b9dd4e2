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
  // Written in place when the length is known, so a 1 GB scene does not peak at 2 GB of chunks
  // plus their concatenation; doubled when the data outgrows it.
  let bytes = new Uint8Array(total ?? 1 << 20);
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > bytes.byteLength) {
      const grown = new Uint8Array(Math.max(bytes.byteLength * 2, received + value.byteLength));
      grown.set(bytes.subarray(0, received));
      bytes = grown;
    }
    bytes.set(value, received);
    received += value.byteLength;
    onProgress(received, total !== null && received <= total ? total : null);
  }
  return received === bytes.byteLength ? bytes : bytes.slice(0, received);
}
