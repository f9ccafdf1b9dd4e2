/**
 * SOG v2 writer, bundled (`.sog` zip). Layout as read by `sog.ts`; the choices made here:
 *   - splats keep the scene's order; textures are `width = ceil(sqrt(N) / 4) * 4` wide.
 *   - 256-entry codebooks (scales, colours, SH rest) are 1-D k-means (Lloyd) on the sorted
 *     values, started from quantiles: exact per iteration via prefix sums.
 *   - the SH palette holds every splat's own SH vector when N <= 65536; above that, 65536
 *     centroids from a median-cut of the SH vectors (split the widest cell along its widest
 *     axis at the median), which keeps the palette representative without an O(N * K) k-means.
 */
import { strToU8, zipSync } from 'fflate';
import { type SplatScene, shCoeffCount } from '../scene';
import { encodeWebpLossless } from './webp-codec';

const PALETTE_MAX = 65536;
const KMEANS_ITERATIONS = 16;

/** Encodes `scene` as a bundled SOG v2 (zip of meta.json and lossless WebP textures). */
export async function writeSog(scene: SplatScene): Promise<Uint8Array> {
  const n = scene.count;
  if (n === 0) throw new Error('writeSog: the scene has no splats');
  const width = Math.ceil(Math.sqrt(n) / 4) * 4;
  const height = Math.ceil(n / width);
  const texture = () => {
    const t = new Uint8Array(width * height * 4);
    for (let i = 3; i < t.length; i += 4) t[i] = 255;
    return t;
  };
  const { means, logScales, quats, opacityLogits, sh } = scene;
  const k3 = shCoeffCount(scene.shDegree) * 3;

  // Means: 16-bit lerp of sign(x) * ln(|x| + 1) per axis.
  const meansL = texture();
  const meansU = texture();
  const mins = [Infinity, Infinity, Infinity];
  const maxs = [-Infinity, -Infinity, -Infinity];
  const logT = (x: number) => Math.sign(x) * Math.log(Math.abs(x) + 1);
  for (let i = 0; i < n * 3; i++) {
    const t = logT(means[i]);
    if (!Number.isFinite(t)) throw new Error(`writeSog: splat ${Math.floor(i / 3)} has a non-finite position`);
    mins[i % 3] = Math.min(mins[i % 3], t);
    maxs[i % 3] = Math.max(maxs[i % 3], t);
  }
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const span = maxs[a] - mins[a] || 1;
      const v = Math.round(((logT(means[i * 3 + a]) - mins[a]) / span) * 65535);
      meansL[i * 4 + a] = v & 0xff;
      meansU[i * 4 + a] = v >> 8;
    }
  }

  // Quaternions: smallest three, largest made positive and its index in alpha.
  const quatTex = texture();
  for (let i = 0; i < n; i++) {
    const q = [quats[i * 4], quats[i * 4 + 1], quats[i * 4 + 2], quats[i * 4 + 3]];
    let norm = Math.hypot(q[0], q[1], q[2], q[3]);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      q.splice(0, 4, 1, 0, 0, 0);
      norm = 1;
    }
    let largest = 0;
    for (let a = 1; a < 4; a++) if (Math.abs(q[a]) > Math.abs(q[largest])) largest = a;
    const sign = q[largest] < 0 ? -1 / norm : 1 / norm;
    for (let a = 0, p = 0; a < 4; a++) {
      if (a === largest) continue;
      quatTex[i * 4 + p++] = clampByte(Math.round((q[a] * sign * Math.SQRT2 * 0.5 + 0.5) * 255));
    }
    quatTex[i * 4 + 3] = 252 + largest;
  }

  // Scales and colours through codebooks; opacity as a sigmoid byte.
  const scaleValues = Float64Array.from(logScales);
  const scaleBook = codebook256(scaleValues);
  const scaleTex = texture();
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) scaleTex[i * 4 + a] = nearest(scaleBook, logScales[i * 3 + a]);
  const dc = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) for (let a = 0; a < 3; a++) dc[i * 3 + a] = sh[i * k3 + a];
  const colourBook = codebook256(dc);
  const colourTex = texture();
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) colourTex[i * 4 + a] = nearest(colourBook, dc[i * 3 + a]);
    colourTex[i * 4 + 3] = clampByte(Math.round(255 / (1 + Math.exp(-opacityLogits[i]))));
  }

  const files: Record<string, Uint8Array> = {
    'means_l.webp': await encodeWebpLossless(meansL, width, height),
    'means_u.webp': await encodeWebpLossless(meansU, width, height),
    'quats.webp': await encodeWebpLossless(quatTex, width, height),
    'scales.webp': await encodeWebpLossless(scaleTex, width, height),
    'sh0.webp': await encodeWebpLossless(colourTex, width, height),
  };
  const meta: Record<string, unknown> = {
    version: 2,
    asset: { generator: 'webgpu-splat' },
    count: n,
    ...(scene.antialiased ? { antialiased: true } : {}),
    ...(scene.antialiased && scene.filter2d !== undefined ? { filter2d: scene.filter2d } : {}),
    means: { mins, maxs, files: ['means_l.webp', 'means_u.webp'] },
    scales: { codebook: Array.from(scaleBook), files: ['scales.webp'] },
    quats: { files: ['quats.webp'] },
    sh0: { codebook: Array.from(colourBook), files: ['sh0.webp'] },
  };

  if (scene.shDegree > 0) {
    const coeffs = shCoeffCount(scene.shDegree) - 1;
    const dim = coeffs * 3;
    // [N, coeffs * 3] rest coefficients, coefficient-major with RGB inner (as in `sh`).
    const rest = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) rest[i * dim + j] = sh[i * k3 + 3 + j];
    const { palette, labels, count } = n <= PALETTE_MAX ? { palette: rest, labels: identityLabels(n), count: n } : medianCut(rest, n, dim, PALETTE_MAX);
    const shBook = codebook256(palette);
    const paletteWidth = 64 * coeffs;
    const paletteHeight = Math.ceil(count / 64);
    const centroidTex = new Uint8Array(paletteWidth * paletteHeight * 4);
    for (let i = 3; i < centroidTex.length; i += 4) centroidTex[i] = 255;
    for (let e = 0; e < count; e++) {
      const base = (Math.floor(e / 64) * paletteWidth + (e % 64) * coeffs) * 4;
      for (let j = 0; j < coeffs; j++) for (let a = 0; a < 3; a++) centroidTex[base + j * 4 + a] = nearest(shBook, palette[e * dim + j * 3 + a]);
    }
    const labelTex = texture();
    for (let i = 0; i < n; i++) {
      labelTex[i * 4] = labels[i] & 0xff;
      labelTex[i * 4 + 1] = labels[i] >> 8;
    }
    files['shN_centroids.webp'] = await encodeWebpLossless(centroidTex, paletteWidth, paletteHeight);
    files['shN_labels.webp'] = await encodeWebpLossless(labelTex, width, height);
    meta.shN = { count, bands: scene.shDegree, codebook: Array.from(shBook), files: ['shN_centroids.webp', 'shN_labels.webp'] };
  }

  const zipEntries: Record<string, [Uint8Array, { level: 0 | 6 }]> = { 'meta.json': [strToU8(JSON.stringify(meta)), { level: 6 }] };
  // WebP is already entropy-coded: store it.
  for (const [name, data] of Object.entries(files)) zipEntries[name] = [data, { level: 0 }];
  return zipSync(zipEntries);
}

function identityLabels(n: number): Uint32Array {
  const labels = new Uint32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i;
  return labels;
}

/**
 * 256 values minimising squared error to `values` (1-D k-means, Lloyd iterations). Sorted
 * ascending. Non-finite values are ignored.
 */
export function codebook256(values: Float64Array): Float32Array {
  const v = Float64Array.from(values.filter((x) => Number.isFinite(x))).sort();
  const K = 256;
  const book = new Float64Array(K);
  if (v.length === 0) return new Float32Array(K);
  // Prefix sums make each cell's mean O(1) once its index range is known.
  const prefix = new Float64Array(v.length + 1);
  for (let i = 0; i < v.length; i++) prefix[i + 1] = prefix[i] + v[i];
  for (let k = 0; k < K; k++) book[k] = v[Math.min(v.length - 1, Math.floor(((k + 0.5) / K) * v.length))];
  const upper = new Int32Array(K);
  for (let it = 0; it < KMEANS_ITERATIONS; it++) {
    for (let k = 0; k < K - 1; k++) upper[k] = lowerBound(v, (book[k] + book[k + 1]) / 2);
    upper[K - 1] = v.length;
    let start = 0;
    for (let k = 0; k < K; k++) {
      const end = Math.max(start, upper[k]);
      if (end > start) book[k] = (prefix[end] - prefix[start]) / (end - start);
      start = end;
    }
    book.sort();
  }
  return Float32Array.from(book);
}

function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the codebook entry nearest to `x` (codebook sorted ascending). */
export function nearest(book: Float32Array, x: number): number {
  if (!Number.isFinite(x)) return x > 0 ? book.length - 1 : 0;
  let lo = 0;
  let hi = book.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (book[mid] <= x) lo = mid;
    else hi = mid;
  }
  return Math.abs(book[hi] - x) < Math.abs(book[lo] - x) ? hi : lo;
}

/**
 * Median-cut vector quantisation of `data` ([n, dim]) into at most `k` cells: repeatedly split
 * the cell with the largest spread along its widest dimension at the median. Returns the cell
 * means and each row's cell.
 */
function medianCut(data: Float64Array, n: number, dim: number, k: number): { palette: Float64Array; labels: Uint32Array; count: number } {
  const order = identityLabels(n);
  type Cell = { start: number; end: number; axis: number; spread: number };
  const measure = (start: number, end: number): Cell => {
    let axis = 0;
    let spread = -1;
    for (let d = 0; d < dim; d++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = start; r < end; r++) {
        const x = data[order[r] * dim + d];
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      if (hi - lo > spread) {
        spread = hi - lo;
        axis = d;
      }
    }
    // Weighting by size splits big cells first, so the palette follows the data density.
    return { start, end, axis, spread: end - start > 1 ? spread * (end - start) : -1 };
  };
  // Max-heap on spread: the next cell to split is always at the root.
  const heap: Cell[] = [];
  const push = (c: Cell) => {
    heap.push(c);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p].spread >= heap[i].spread) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): Cell => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l].spread > heap[m].spread) m = l;
        if (r < heap.length && heap[r].spread > heap[m].spread) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  push(measure(0, n));
  while (heap.length < k && heap[0].spread > 0) {
    const cell = pop();
    const slice = Array.from(order.subarray(cell.start, cell.end)).sort((a, b) => data[a * dim + cell.axis] - data[b * dim + cell.axis]);
    order.set(slice, cell.start);
    const mid = cell.start + ((cell.end - cell.start) >> 1);
    push(measure(cell.start, mid));
    push(measure(mid, cell.end));
  }
  const cells = heap;
  const palette = new Float64Array(cells.length * dim);
  const labels = new Uint32Array(n);
  cells.forEach((cell, c) => {
    for (let r = cell.start; r < cell.end; r++) {
      labels[order[r]] = c;
      for (let d = 0; d < dim; d++) palette[c * dim + d] += data[order[r] * dim + d] / (cell.end - cell.start);
    }
  });
  return { palette, labels, count: cells.length };
}

function clampByte(v: number): number {
  if (!(v > 0)) return 0;
  return v > 255 ? 255 : v;
}
