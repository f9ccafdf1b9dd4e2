/**
 * Reader for INRIA 3D Gaussian Splatting `.ply` files (one `vertex` element of raw parameters).
 *
 * Accepts binary little/big endian and ASCII, properties in any order and of any numeric type,
 * SH degree 0..3 (from the number of f_rest_* properties), optional normals, and ignores unknown
 * properties and other elements. Splats holding NaN/Inf are dropped with a warning.
 * Truncated data is an error, not a partial load: a scene silently missing its tail looks
 * plausible and would hide a broken download or export.
 */
import { type LoadedScene, MAX_FILTER2D, MIP_SPLATTING_FILTER2D, SceneFormatError, type SplatScene, bakeFilter3d, isFilter2d, shCoeffCount } from './scene';
import {
  PLY_TYPE_SIZE, type PlyElement, type PlyHeader, parsePlyHeader, plyMinRowSize, plyRowSize, readPlyScalar,
} from './ply-header';

export interface ReadPlyOptions {
  /** Called with the fraction of splats read (0..1), at least once at the end. Default: none. */
  onProgress?: (fraction: number) => void;
}

/** Splats parsed between yields to the event loop, so a page stays responsive on huge files. */
const YIELD_EVERY = 1 << 18;

const REQUIRED = [
  'x', 'y', 'z', 'f_dc_0', 'f_dc_1', 'f_dc_2', 'opacity',
  'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3',
] as const;

const REST_COUNT_TO_DEGREE = new Map([[0, 0], [9, 1], [24, 2], [45, 3]]);

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Where each scene value comes from, as property indices into the vertex element. `sh` is in
 * the scene's [K, 3] coefficient-major order, so the inner loop needs no name lookups.
 */
interface Layout {
  shDegree: number;
  /** [14] property index of x y z, scale_0..2, rot_0..3, opacity, in this order. */
  core: Int32Array;
  /** [K * 3] property index of SH coefficient k, channel c at k * 3 + c. */
  sh: Int32Array;
  /** Property index of Mip-Splatting's `filter_3D` (a 3D smoothing filter to bake), or -1. */
  filter3d: number;
}

function resolveLayout(el: PlyElement, fail: (p: string) => never): Layout {
  const index = new Map(el.properties.map((p, i) => [p.name, i]));
  const missing = REQUIRED.filter((n) => !index.has(n));
  if (missing.length > 0) fail(`vertex element is missing required ${missing.length === 1 ? 'property' : 'properties'} ${missing.join(', ')}`);
  for (const p of el.properties) {
    if (p.listCountType && (REQUIRED as readonly string[]).includes(p.name)) fail(`property '${p.name}' is a list, expected a scalar`);
  }
  const rest = el.properties.filter((p) => /^f_rest_\d+$/.test(p.name));
  const shDegree = REST_COUNT_TO_DEGREE.get(rest.length);
  if (shDegree === undefined) fail(`found ${rest.length} f_rest_* properties; expected 0, 9, 24 or 45 (SH degree 0..3)`);
  const perChannel = shCoeffCount(shDegree!) - 1;
  const at = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) fail(`f_rest_* properties are not numbered 0..${rest.length - 1}: '${name}' is missing`);
    if (el.properties[i!].listCountType) fail(`property '${name}' is a list, expected a scalar`);
    return i!;
  };
  const core = Int32Array.from(
    ['x', 'y', 'z', 'scale_0', 'scale_1', 'scale_2', 'rot_0', 'rot_1', 'rot_2', 'rot_3', 'opacity'].map(at),
  );
  const k = perChannel + 1;
  const sh = new Int32Array(k * 3);
  for (let c = 0; c < 3; c++) {
    sh[c] = at(`f_dc_${c}`);
    // The file is channel-major: f_rest_{c*(K-1) + (k-1)} is coefficient k of channel c.
    for (let j = 1; j < k; j++) sh[j * 3 + c] = at(`f_rest_${c * perChannel + (j - 1)}`);
  }
  const filter = el.properties.findIndex((p) => p.name === 'filter_3D' && !p.listCountType);
  return { shDegree: shDegree!, core, sh, filter3d: filter };
}

/**
 * Fills a scene row by row, skipping rows with any non-finite value. `row` holds the current
 * row's values indexed by property; callers fill only the properties the layout names.
 */
class SceneBuilder {
  readonly scene: SplatScene;
  kept = 0;
  private readonly k3: number;

  constructor(count: number, private readonly layout: Layout) {
    const k = shCoeffCount(layout.shDegree);
    this.k3 = k * 3;
    this.scene = {
      count,
      shDegree: layout.shDegree,
      means: new Float32Array(count * 3),
      logScales: new Float32Array(count * 3),
      quats: new Float32Array(count * 4),
      opacityLogits: new Float32Array(count),
      sh: new Float32Array(count * this.k3),
    };
  }

  /**
   * Appends one splat from `row[base + property index]`; returns false if it had NaN/Inf.
   * `row` is f32 so that the value checked is the value stored (a double beyond the f32 range
   * becomes Inf and is dropped).
   */
  push(row: Float32Array, base: number): boolean {
    const { core, sh } = this.layout;
    const s = this.scene;
    const o = this.kept;
    let finite = true;
    for (let a = 0; a < 3; a++) {
      const m = (s.means[o * 3 + a] = row[base + core[a]]);
      const l = (s.logScales[o * 3 + a] = row[base + core[3 + a]]);
      // x - x is NaN for NaN and +-Inf, and 0 otherwise.
      if (m - m !== 0 || l - l !== 0) finite = false;
    }
    for (let a = 0; a < 4; a++) {
      const q = (s.quats[o * 4 + a] = row[base + core[6 + a]]);
      if (q - q !== 0) finite = false;
    }
    const op = (s.opacityLogits[o] = row[base + core[10]]);
    if (op - op !== 0) finite = false;
    const shBase = o * this.k3;
    for (let j = 0; j < this.k3; j++) {
      const v = (s.sh[shBase + j] = row[base + sh[j]]);
      if (v - v !== 0) finite = false;
    }
    if (this.layout.filter3d >= 0) {
      const f = row[base + this.layout.filter3d];
      if (f - f !== 0) finite = false;
      else if (finite) bakeFilter3d(s, o, f);
    }
    if (finite) this.kept++;
    return finite;
  }

  finish(warnings: string[], fail: (p: string) => never): SplatScene {
    const s = this.scene;
    const dropped = s.count - this.kept;
    if (dropped === 0) return s;
    if (this.kept === 0) fail(`all ${s.count} splats have NaN/Inf values`);
    warnings.push(`dropped ${dropped} splats with NaN/Inf values`);
    const n = this.kept;
    return {
      count: n,
      shDegree: s.shDegree,
      means: s.means.slice(0, n * 3),
      logScales: s.logScales.slice(0, n * 3),
      quats: s.quats.slice(0, n * 4),
      opacityLogits: s.opacityLogits.slice(0, n),
      sh: s.sh.slice(0, n * this.k3),
    };
  }
}

/** Reads an INRIA 3DGS `.ply`. Errors are `SceneFormatError(file, 'ply', problem)`. */
export async function readPly(bytes: Uint8Array, file: string, opts: ReadPlyOptions = {}): Promise<LoadedScene> {
  const fail = (problem: string): never => {
    throw new SceneFormatError(file, 'ply', problem);
  };
  const header = parsePlyHeader(bytes, file);
  const vi = header.elements.findIndex((e) => e.name === 'vertex');
  if (vi < 0) fail(`no 'vertex' element in the header`);
  const vertex = header.elements[vi];
  if (vertex.count === 0) fail(`vertex element has 0 splats`);
  const layout = resolveLayout(vertex, fail);
  const warnings: string[] = [];
  const progress = opts.onProgress ?? (() => {});

  let builder: SceneBuilder;
  if (header.format === 'ascii') {
    builder = await readAscii(bytes, header, vi, layout, progress, fail);
  } else {
    builder = await readBinary(bytes, header, vi, layout, progress, fail);
  }
  progress(1);
  const scene = builder.finish(warnings, fail);
  // Our own writer's mark, and Mip-Splatting's files (their 3D filter is baked above; they
  // were trained with Mip-Splatting's 2D filter of 0.1 px^2 unless a comment says otherwise).
  if (header.comments.some((c) => /^antialiased( 1)?$/.test(c)) || layout.filter3d >= 0) scene.antialiased = true;
  const sizes = header.comments.map((c) => /^filter2d\s+(\S+)$/.exec(c)).filter((m) => m !== null);
  if (sizes.length > 0) {
    const v = Number(sizes[0][1]);
    if (!isFilter2d(v)) warnings.push(`header comment 'filter2d ${sizes[0][1]}' is not a 2D filter size in [0, ${MAX_FILTER2D}] px^2; drawn with the default 0.3`);
    else if (scene.antialiased) scene.filter2d = v;
  } else if (layout.filter3d >= 0) {
    scene.filter2d = MIP_SPLATTING_FILTER2D;
  }
  return { scene, format: 'ply', warnings };
}

/** Returns the byte offset just past `count` binary rows of `el` starting at `offset`. */
function skipBinaryRows(view: DataView, offset: number, el: PlyElement, le: boolean, fail: (p: string) => never): number {
  const end = view.byteLength;
  const min = plyMinRowSize(el);
  if (el.count * min > end - offset) fail(`element '${el.name}' claims ${el.count} rows needing at least ${el.count * min} bytes, but only ${end - offset} bytes remain`);
  if (el.stride !== undefined) return offset + el.count * el.stride;
  for (let r = 0; r < el.count; r++) {
    const size = plyRowSize(view, offset, end, el, le);
    if (size < 0) fail(`element '${el.name}' is truncated at row ${r} of ${el.count}`);
    offset += size;
  }
  return offset;
}

async function readBinary(
  bytes: Uint8Array, header: PlyHeader, vi: number, layout: Layout,
  progress: (f: number) => void, fail: (p: string) => never,
): Promise<SceneBuilder> {
  const le = header.format === 'binary_little_endian';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = header.dataOffset;
  for (let e = 0; e < vi; e++) offset = skipBinaryRows(view, offset, header.elements[e], le, fail);

  const el = header.elements[vi];
  const n = el.count;
  const available = bytes.length - offset;
  const min = plyMinRowSize(el);
  // Checked before allocating: a lying count must not reserve gigabytes.
  if (n * min > available) {
    const complete = Math.floor(available / min);
    fail(`header claims ${n} splats of ${el.stride ?? `at least ${min}`} bytes (${n * min} bytes needed) but only ${available} bytes of vertex data are present (${complete} complete splats)`);
  }
  const builder = new SceneBuilder(n, layout);
  const props = el.properties;

  if (le && IS_LITTLE_ENDIAN && el.stride !== undefined && el.stride % 4 === 0 && props.every((p) => p.type === 'float')) {
    // Fast path (every INRIA file): an aligned f32 view, copying once only if the data is misaligned.
    const start = bytes.byteOffset + offset;
    const len = n * el.stride;
    const f32 = start % 4 === 0
      ? new Float32Array(bytes.buffer, start, len / 4)
      // A copy, not slice(): a Node Buffer's slice is a view whose .buffer is the whole pool.
      : new Float32Array(new Uint8Array(bytes.subarray(offset, offset + len)).buffer);
    const rowFloats = el.stride / 4;
    for (let i = 0; i < n; i++) {
      builder.push(f32, i * rowFloats);
      if ((i + 1) % YIELD_EVERY === 0) {
        progress((i + 1) / n);
        await yieldToEventLoop();
      }
    }
    return builder;
  }

  // General path: any scalar types, either byte order, list properties inside vertex rows.
  const row = new Float32Array(props.length);
  const propOffset = new Int32Array(props.length);
  const needed = new Uint8Array(props.length);
  for (const i of layout.core) needed[i] = 1;
  for (const i of layout.sh) needed[i] = 1;
  const fixedOffsets = (): void => {
    let p = 0;
    for (let j = 0; j < props.length; j++) { propOffset[j] = p; p += props[j].size; }
  };
  if (el.stride !== undefined) fixedOffsets();
  const end = bytes.length;
  for (let i = 0; i < n; i++) {
    let size = el.stride ?? 0;
    if (el.stride === undefined) {
      size = plyRowSize(view, offset, end, el, le);
      if (size < 0) fail(`vertex data is truncated at splat ${i} of ${n} (list property runs past the end of the file)`);
      let p = 0;
      for (let j = 0; j < props.length; j++) {
        const prop = props[j];
        if (prop.listCountType) {
          p += PLY_TYPE_SIZE[prop.listCountType] + readPlyScalar(view, offset + p, prop.listCountType, le) * prop.size;
          propOffset[j] = -1;
        } else {
          propOffset[j] = p;
          p += prop.size;
        }
      }
    }
    for (let j = 0; j < props.length; j++) {
      if (needed[j]) row[j] = readPlyScalar(view, offset + propOffset[j], props[j].type, le);
    }
    builder.push(row, 0);
    offset += size;
    if ((i + 1) % YIELD_EVERY === 0) {
      progress((i + 1) / n);
      await yieldToEventLoop();
    }
  }
  return builder;
}

/** Whitespace-separated number tokens of ASCII PLY data (rows need not be one per line). */
class AsciiTokens {
  pos: number;
  constructor(private readonly bytes: Uint8Array, start: number) {
    this.pos = start;
  }

  /** Next number, or undefined at end of data; throws via `fail` on a token that is not a number. */
  next(fail: (p: string) => never, where: string): number | undefined {
    const b = this.bytes;
    let p = this.pos;
    while (p < b.length && (b[p] === 32 || b[p] === 9 || b[p] === 10 || b[p] === 13)) p++;
    if (p >= b.length) { this.pos = p; return undefined; }
    const start = p;
    while (p < b.length && !(b[p] === 32 || b[p] === 9 || b[p] === 10 || b[p] === 13)) p++;
    this.pos = p;
    let text = '';
    for (let i = start; i < p && i < start + 64; i++) text += String.fromCharCode(b[i]);
    const v = parseAsciiNumber(text);
    if (v === undefined) fail(`invalid number '${text}' in ASCII data at ${where}`);
    return v;
  }
}

/** Number(), plus the nan/inf spellings that Python and C printf write. */
function parseAsciiNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const body = lower.replace(/^[+-]/, '');
  if (body === 'nan') return NaN;
  if (body === 'inf' || body === 'infinity') return sign * Infinity;
  if (!/^[0-9.]/.test(body)) return undefined;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

async function readAscii(
  bytes: Uint8Array, header: PlyHeader, vi: number, layout: Layout,
  progress: (f: number) => void, fail: (p: string) => never,
): Promise<SceneBuilder> {
  const tokens = new AsciiTokens(bytes, header.dataOffset);
  const available = bytes.length - header.dataOffset;
  const take = (what: string): number => {
    const v = tokens.next(fail, what);
    if (v === undefined) fail(`ASCII data ends early: ${what}`);
    return v!;
  };
  const readRow = (el: PlyElement, row: Float32Array | undefined, what: string): void => {
    for (let j = 0; j < el.properties.length; j++) {
      const prop = el.properties[j];
      if (prop.listCountType) {
        const count = take(what);
        if (!(count >= 0) || !Number.isInteger(count)) fail(`invalid list count ${count} at ${what}`);
        for (let c = 0; c < count; c++) take(what);
      } else {
        const v = take(what);
        if (row) row[j] = v;
      }
    }
  };
  for (let e = 0; e <= vi; e++) {
    const el = header.elements[e];
    // Each value needs at least one character and one separator: reject absurd counts up front.
    const minTokens = el.count * el.properties.length;
    if (minTokens * 2 > available + 1) fail(`element '${el.name}' claims ${el.count} rows (at least ${minTokens} values) but the ASCII data is only ${available} bytes`);
  }
  for (let e = 0; e < vi; e++) {
    const el = header.elements[e];
    // Rows without properties hold no tokens; walking a huge count of them would only hang.
    if (el.properties.length === 0) continue;
    for (let r = 0; r < el.count; r++) readRow(el, undefined, `element '${el.name}' row ${r} of ${el.count}`);
  }
  const el = header.elements[vi];
  const n = el.count;
  const builder = new SceneBuilder(n, layout);
  const row = new Float32Array(el.properties.length);
  for (let i = 0; i < n; i++) {
    readRow(el, row, `splat ${i} of the ${n} the header claims`);
    builder.push(row, 0);
    if ((i + 1) % YIELD_EVERY === 0) {
      progress((i + 1) / n);
      await yieldToEventLoop();
    }
  }
  return builder;
}
