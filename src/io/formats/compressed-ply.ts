/**
 * PlayCanvas / SuperSplat compressed `.ply` (binary little-endian):
 *   element chunk: ceil(N / 256) rows of f32 min/max for x y z, log-scale x y z, and optionally
 *     r g b (18 properties; without them colours are stored directly in 0..1).
 *   element vertex: N rows of u32 packed_position (11/10/11-bit unorm x y z), packed_rotation
 *     (2-bit index of the largest component, then three 10-bit others in (-1/sqrt2, 1/sqrt2)),
 *     packed_scale (11/10/11 unorm log-scale), packed_color (8/8/8/8 r g b opacity).
 *   element sh (optional): N rows of u8 f_rest_0..(9|24|45), value = (n - 0.5) * 8 with
 *     n = (b + 0.5) / 256 (0 and 255 map to the ends 0 and 1), channel-major as INRIA f_rest.
 * Splat i belongs to chunk floor(i / 256). Quaternion components are in rot_0..3 order, i.e.
 * w x y z. Axes match the INRIA `.ply` (no flip), as in @playcanvas/splat-transform.
 */
import { type LoadedScene, SceneFormatError, SH_C0, emptyScene, shCoeffCount } from '../scene';
import { type PlyHeader, parsePlyHeader } from '../ply-header';
import { keepFiniteSplats, logitFromUnit } from './splat';

const FORMAT = 'compressed-ply';
export const COMPRESSED_PLY_CHUNK_SIZE = 256;
const CHUNK_BOUNDS = ['min_x', 'min_y', 'min_z', 'max_x', 'max_y', 'max_z', 'min_scale_x', 'min_scale_y', 'min_scale_z', 'max_scale_x', 'max_scale_y', 'max_scale_z'];
const CHUNK_COLORS = ['min_r', 'min_g', 'min_b', 'max_r', 'max_g', 'max_b'];
const PACKED = ['packed_position', 'packed_rotation', 'packed_scale', 'packed_color'];
/** f_rest count per channel-triple -> SH degree. */
const SH_DEGREE_OF_REST: Record<number, number> = { 9: 1, 24: 2, 45: 3 };

type Kind = 'f32' | 'u32' | 'u8';
const KIND_OF_TYPE: Record<string, Kind> = { float: 'f32', float32: 'f32', uint: 'u32', uint32: 'u32', uchar: 'u8', uint8: 'u8' };

interface Column {
  offset: number;
  stride: number;
}

/** Decodes a PlayCanvas compressed `.ply`. Counts are checked against the file size before allocating. */
export function readCompressedPly(bytes: Uint8Array, file: string): LoadedScene {
  const fail = (problem: string): never => {
    throw new SceneFormatError(file, FORMAT, problem);
  };
  let header: PlyHeader;
  try {
    header = parsePlyHeader(bytes, file);
  } catch (e) {
    if (e instanceof SceneFormatError) throw new SceneFormatError(file, FORMAT, e.problem);
    throw e;
  }
  if (header.format !== 'binary_little_endian') fail(`format is ${header.format}; compressed ply must be binary_little_endian`);

  // Element data lies back to back in header order; find where each one starts.
  const starts = new Map<string, number>();
  let at = header.dataOffset;
  for (const el of header.elements) {
    if (el.stride === undefined) fail(`element "${el.name}" has list properties, which compressed ply never uses`);
    starts.set(el.name, at);
    at += el.count * el.stride!;
  }
  if (at > bytes.length) fail(`elements need ${at - header.dataOffset} data bytes after the header; file has ${bytes.length - header.dataOffset}: truncated`);

  const element = (name: string) => header.elements.find((e) => e.name === name);
  const chunkEl = element('chunk') ?? fail('no "chunk" element');
  const vertexEl = element('vertex') ?? fail('no "vertex" element');
  const shEl = element('sh');
  const n = vertexEl.count;
  if (n === 0) fail('vertex element has 0 splats');
  const expectedChunks = Math.ceil(n / COMPRESSED_PLY_CHUNK_SIZE);
  if (chunkEl.count !== expectedChunks) fail(`${chunkEl.count} chunks for ${n} splats; expected ceil(${n} / 256) = ${expectedChunks}`);

  const column = (el: PlyHeader['elements'][number], name: string, kind: Kind): Column => {
    let offset = 0;
    for (const p of el.properties) {
      if (p.name === name) {
        if (KIND_OF_TYPE[p.type] !== kind) fail(`property ${el.name}.${name} has type ${p.type}; expected ${kind}`);
        return { offset: starts.get(el.name)! + offset, stride: el.stride! };
      }
      offset += p.size;
    }
    return fail(`element "${el.name}" lacks property "${name}"`);
  };
  const hasColors = chunkEl.properties.some((p) => p.name === 'min_r');
  const chunkCols = [...CHUNK_BOUNDS, ...(hasColors ? CHUNK_COLORS : [])].map((c) => column(chunkEl, c, 'f32'));
  const packed = PACKED.map((c) => column(vertexEl, c, 'u32'));
  let degree = 0;
  let shCols: Column[] = [];
  if (shEl) {
    if (shEl.count !== n) fail(`sh element has ${shEl.count} rows for ${n} splats`);
    const rest = shEl.properties.length;
    degree = SH_DEGREE_OF_REST[rest] ?? fail(`sh element has ${rest} properties; expected 9, 24 or 45`);
    shCols = Array.from({ length: rest }, (_, i) => column(shEl, `f_rest_${i}`, 'u8'));
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scene = emptyScene(n, degree);
  const { means, logScales, quats, opacityLogits, sh } = scene;
  const k = shCoeffCount(degree);
  const chunk = new Float64Array(18);
  const [posCol, rotCol, scaleCol, colorCol] = packed;
  for (let i = 0; i < n; i++) {
    if (i % COMPRESSED_PLY_CHUNK_SIZE === 0) {
      const c = i / COMPRESSED_PLY_CHUNK_SIZE;
      for (let j = 0; j < chunkCols.length; j++) chunk[j] = view.getFloat32(chunkCols[j].offset + c * chunkCols[j].stride, true);
    }
    const pos = view.getUint32(posCol.offset + i * posCol.stride, true);
    means[i * 3] = lerp(chunk[0], chunk[3], unorm(pos >>> 21, 11));
    means[i * 3 + 1] = lerp(chunk[1], chunk[4], unorm(pos >>> 11, 10));
    means[i * 3 + 2] = lerp(chunk[2], chunk[5], unorm(pos, 11));
    const scl = view.getUint32(scaleCol.offset + i * scaleCol.stride, true);
    logScales[i * 3] = lerp(chunk[6], chunk[9], unorm(scl >>> 21, 11));
    logScales[i * 3 + 1] = lerp(chunk[7], chunk[10], unorm(scl >>> 11, 10));
    logScales[i * 3 + 2] = lerp(chunk[8], chunk[11], unorm(scl, 11));
    unpackRotation(view.getUint32(rotCol.offset + i * rotCol.stride, true), quats, i * 4);
    const col = view.getUint32(colorCol.offset + i * colorCol.stride, true);
    for (let a = 0; a < 3; a++) {
      const t = unorm(col >>> (24 - 8 * a), 8);
      const v = hasColors ? lerp(chunk[12 + a], chunk[15 + a], t) : t;
      sh[i * k * 3 + a] = (v - 0.5) / SH_C0;
    }
    opacityLogits[i] = logitFromUnit(unorm(col, 8));
    for (let r = 0; r < shCols.length; r++) {
      const b = view.getUint8(shCols[r].offset + i * shCols[r].stride);
      const u = b === 0 ? 0 : b === 255 ? 1 : (b + 0.5) / 256;
      // f_rest is channel-major: r = channel * (k - 1) + (coefficient - 1).
      const channel = Math.floor(r / (k - 1));
      const coeff = 1 + (r % (k - 1));
      sh[(i * k + coeff) * 3 + channel] = (u - 0.5) * 8;
    }
  }
  const warnings: string[] = [];
  return { scene: keepFiniteSplats(scene, warnings, file, FORMAT), format: FORMAT, warnings };
}

function unorm(v: number, bits: number): number {
  const max = (1 << bits) - 1;
  return (v & max) / max;
}

function lerp(a: number, b: number, t: number): number {
  return a * (1 - t) + b * t;
}

/** Smallest-three quaternion into out[at..at+4): the largest component is implied by unit length. */
function unpackRotation(v: number, out: Float32Array, at: number): void {
  const a = (unorm(v >>> 20, 10) - 0.5) * Math.SQRT2;
  const b = (unorm(v >>> 10, 10) - 0.5) * Math.SQRT2;
  const c = (unorm(v, 10) - 0.5) * Math.SQRT2;
  const m = Math.sqrt(Math.max(0, 1 - (a * a + b * b + c * c)));
  const largest = v >>> 30;
  // The three stored components fill the other slots in order.
  out[at] = largest === 0 ? m : a;
  out[at + 1] = largest === 1 ? m : largest === 0 ? a : b;
  out[at + 2] = largest === 2 ? m : largest === 3 ? c : b;
  out[at + 3] = largest === 3 ? m : c;
}
