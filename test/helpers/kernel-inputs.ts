/**
 * Inputs for one GPU kernel built from the float64 reference's own intermediates, so a per-kernel
 * test compares one kernel's arithmetic and nothing upstream of it: projected records rounded to
 * f32 (the reference then runs on the same rounded values), the intersection layout the forward
 * pass would emit, and the camera uniform.
 */
import type { Camera } from '../../src/io/camera';
import { createBufferWithData } from '../../src/gpu/buffers';
import { CameraUniform } from '../../src/kernels/camera-uniform';
import { PROJECTED_GRAD, PROJECTED_SPLAT, TILE_RECORD } from '../../src/kernels/layouts';
import type { ProjectedSplat } from '../../src/reference/project';
import { depthOrder } from '../../src/reference/rasterize';
import { ALPHA_MIN, TILE_SIZE } from '../../src/reference/constants';

const f = Math.fround;

/** The fields the kernels read, rounded to f32 (the rest left as they are). */
export function roundProjected(projected: ProjectedSplat[]): ProjectedSplat[] {
  return projected.map((p) => ({
    ...p,
    mean2d: [f(p.mean2d[0]), f(p.mean2d[1])],
    conic: [f(p.conic[0]), f(p.conic[1]), f(p.conic[2])],
    opacity: f(p.opacity),
    color: [f(p.color[0]), f(p.color[1]), f(p.color[2])],
    depth: f(p.depth),
    compensation: f(p.compensation),
  }));
}

function tileCount(p: ProjectedSplat): number {
  return p.visible ? (p.tileRect.maxX - p.tileRect.minX) * (p.tileRect.maxY - p.tileRect.minY) : 0;
}

/** [N] ProjectedSplat records (48 bytes each, the layout of src/kernels/layouts.ts). */
export function packProjected(projected: ProjectedSplat[]): ArrayBuffer {
  const out = new ArrayBuffer(projected.length * PROJECTED_SPLAT.bytes);
  const fl = new Float32Array(out);
  const u = new Uint32Array(out);
  projected.forEach((p, i) => {
    const o = i * PROJECTED_SPLAT.floats;
    fl.set(p.mean2d, o + PROJECTED_SPLAT.xy);
    // The GPU record's comp carries the dropout's factor too (common/project_splat.wgsl).
    fl[o + PROJECTED_SPLAT.comp] = p.compensation * p.dropScale;
    fl[o + PROJECTED_SPLAT.opacity] = p.visible ? p.opacity : 0;
    fl.set(p.conic, o + PROJECTED_SPLAT.conic);
    fl[o + PROJECTED_SPLAT.radius] = p.radius;
    fl.set(p.color, o + PROJECTED_SPLAT.rgb);
    u[o + PROJECTED_SPLAT.tiles] = tileCount(p);
  });
  return out;
}

/**
 * The intersection layout of the forward pass: splats in depth order (culled ones last, with no
 * tiles), each emitting one slot per tile of its rect into [offsets[s], offsets[s + 1]); the slots
 * stably sorted by tile give each tile's list front to back, and ranges[t] its span.
 */
export interface IsectLayout {
  /** [N] splat index by depth-sorted position. */
  order: Uint32Array;
  /** [N + 1] first slot of each depth-sorted position. */
  offsets: Uint32Array;
  /** [count] splat and tile of each emission slot. */
  splatOfSlot: Uint32Array;
  tileOfSlot: Uint32Array;
  /** [count] slots sorted by tile (stable). */
  sortedSlots: Uint32Array;
  /** [tiles, 2] start and end into sortedSlots. */
  ranges: Uint32Array;
  count: number;
  tiles: number;
}

export function isectLayout(projected: ProjectedSplat[], width: number, height: number): IsectLayout {
  const gridX = Math.ceil(width / TILE_SIZE);
  const tiles = gridX * Math.ceil(height / TILE_SIZE);
  const visible = depthOrder(projected);
  const seen = new Set(visible);
  const order = Uint32Array.from([...visible, ...projected.map((_, i) => i).filter((i) => !seen.has(i))]);
  const offsets = new Uint32Array(projected.length + 1);
  const splats: number[] = [];
  const tileIds: number[] = [];
  order.forEach((i, s) => {
    offsets[s] = splats.length;
    const r = projected[i].tileRect;
    if (projected[i].visible) {
      for (let ty = r.minY; ty < r.maxY; ty++) {
        for (let tx = r.minX; tx < r.maxX; tx++) {
          splats.push(i);
          tileIds.push(ty * gridX + tx);
        }
      }
    }
  });
  offsets[projected.length] = splats.length;
  const sortedSlots = Uint32Array.from(splats.keys()).sort((a, b) => tileIds[a] - tileIds[b] || a - b);
  const ranges = new Uint32Array(tiles * 2);
  sortedSlots.forEach((slot, k) => {
    const t = tileIds[slot];
    if (k === 0 || tileIds[sortedSlots[k - 1]] !== t) ranges[2 * t] = k;
    ranges[2 * t + 1] = k + 1;
  });
  return { order, offsets, splatOfSlot: Uint32Array.from(splats), tileOfSlot: Uint32Array.from(tileIds), sortedSlots, ranges, count: splats.length, tiles };
}

/** The camera uniform of a frame (bind group 0 of the projection and raster kernels). */
export function cameraUniform(
  device: GPUDevice,
  cam: Camera,
  p: { count: number; shDegree: number; shCoeffs: number; background?: [number, number, number]; antialias?: boolean },
): CameraUniform {
  const u = new CameraUniform(device, 'test.camera');
  u.write(cam, { count: p.count, shDegree: p.shDegree, shCoeffs: p.shCoeffs, splatScale: 1, background: p.background ?? [0, 0, 0], antialias: p.antialias });
  return u;
}

/** A storage buffer of `floats` f32 filled with NaN, so a value the kernel never writes fails. */
export function nanBuffer(device: GPUDevice, label: string, floats: number): GPUBuffer {
  return createBufferWithData(device, label, new Float32Array(Math.max(floats, 1)).fill(NaN));
}

/** Per-row relative error: max over rows of ||a_row - b_row|| / max(||b_row||, floor). */
export function rowError(a: ArrayLike<number>, b: ArrayLike<number>, width: number, rows: Iterable<number>, floor: number): { max: number; row: number } {
  let max = 0;
  let worst = -1;
  for (const i of rows) {
    let num = 0;
    let den = 0;
    for (let k = 0; k < width; k++) {
      num += (a[i * width + k] - b[i * width + k]) ** 2;
      den += b[i * width + k] ** 2;
    }
    const e = Math.sqrt(num) / Math.max(Math.sqrt(den), floor);
    if (!(e <= max)) {
      max = Number.isNaN(e) ? Infinity : e;
      worst = i;
    }
  }
  return { max, row: worst };
}

/** The gradient rows the tests compare: v_xy (2), v_conic (3), v_opacity, v_rgb (3), each at its PROJECTED_GRAD offset. */
const GRAD_FIELDS = [
  [PROJECTED_GRAD.xy, 2],
  [PROJECTED_GRAD.conic, 3],
  [PROJECTED_GRAD.opacity, 1],
  [PROJECTED_GRAD.rgb, 3],
] as const;
/** Record word of each row column. */
const GRAD_WORDS = GRAD_FIELDS.flatMap(([at, len]) => Array.from({ length: len }, (_, i) => at + i));
export const GRAD_ROW = GRAD_WORDS.length;

/** [n] ProjectedGrad records (src/kernels/layouts.ts PROJECTED_GRAD) from [n, 9] rows. */
export function packGrads(rows: ArrayLike<number>, n: number): Float32Array {
  const out = new Float32Array(n * PROJECTED_GRAD.floats);
  for (let i = 0; i < n; i++) {
    GRAD_WORDS.forEach((w, k) => (out[i * PROJECTED_GRAD.floats + w] = rows[i * GRAD_ROW + k]));
  }
  return out;
}

/** [n, 9] rows from [n] ProjectedGrad records; a nonzero or NaN padding word (never written) is counted too. */
export function unpackGrads(records: Float32Array, n: number): { rows: Float64Array; paddingNonZero: number } {
  const rows = new Float64Array(n * GRAD_ROW);
  let paddingNonZero = 0;
  for (let i = 0; i < n; i++) {
    for (let w = 0; w < PROJECTED_GRAD.floats; w++) {
      const v = records[i * PROJECTED_GRAD.floats + w];
      const k = GRAD_WORDS.indexOf(w);
      if (k >= 0) rows[i * GRAD_ROW + k] = v;
      else if (v !== 0) paddingNonZero++;
    }
  }
  return { rows, paddingNonZero };
}

/** [count] TileRecords in tile order (src/kernels/layouts.ts TILE_RECORD), as tile_ranges.wgsl gathers them. */
export function packTileRecords(projected: ProjectedSplat[], layout: IsectLayout): ArrayBuffer {
  const R = TILE_RECORD;
  const out = new ArrayBuffer(Math.max(layout.count, 1) * R.bytes);
  const fl = new Float32Array(out);
  const u = new Uint32Array(out);
  layout.sortedSlots.forEach((slot, k) => {
    const p = projected[layout.splatOfSlot[slot]];
    const o = k * R.floats;
    fl.set(p.mean2d, o + R.xy);
    fl.set(p.conic, o + R.conic);
    fl[o + R.opacity] = p.opacity;
    fl.set(p.color, o + R.rgb);
    u[o + R.slot] = slot;
    fl.set(alphaExtent(p.conic, p.opacity), o + R.extent);
  });
  return out;
}

/** common/tile_record.wgsl alpha_extent: the box outside which the splat's alpha is < 1/255. */
function alphaExtent(conic: readonly number[], opacity: number): [number, number] {
  const [a, b, c] = conic;
  const det = a * c - b * b;
  const k = Math.max(2 * Math.log(opacity / ALPHA_MIN), 0) * 1.001 + 1e-3;
  return [Math.sqrt((k * c) / det) + 1e-2, Math.sqrt((k * a) / det) + 1e-2];
}
