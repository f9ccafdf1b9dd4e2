/**
 * Reference tile compositing (3dgs-reference.md §2.6-2.7): every visible splat is listed in each
 * tile of its rect, each list is ordered front to back (camera z ascending, ties by splat index),
 * and each pixel blends its tile's list with the reference's skip and stop rules.
 */
import { ALPHA_MAX, ALPHA_MIN, TILE_SIZE, T_MIN } from './constants';
import type { ProjectedSplat } from './project';

/** Per tile (row-major over the tile grid), the splat indices rendered there, front to back. */
export interface TileLists {
  gridX: number;
  gridY: number;
  lists: number[][];
}

/** Depth order of §2.6: z ascending, ties broken by splat index (a stable sort on depth). */
export function depthOrder(projected: ProjectedSplat[]): number[] {
  const visible: number[] = [];
  projected.forEach((p, i) => {
    if (p.visible) visible.push(i);
  });
  return visible.sort((a, b) => projected[a].depth - projected[b].depth || a - b);
}

export function referenceTileLists(projected: ProjectedSplat[], width: number, height: number): TileLists {
  const gridX = Math.ceil(width / TILE_SIZE);
  const gridY = Math.ceil(height / TILE_SIZE);
  const lists: number[][] = Array.from({ length: gridX * gridY }, () => []);
  for (const i of depthOrder(projected)) {
    const r = projected[i].tileRect;
    for (let ty = r.minY; ty < r.maxY; ty++) for (let tx = r.minX; tx < r.maxX; tx++) lists[ty * gridX + tx].push(i);
  }
  return { gridX, gridY, lists };
}

/** One splat blended into a pixel. */
export interface BlendStep {
  splat: number;
  /** exp(power) at the pixel centre. */
  gauss: number;
  /** min(0.99, opacity * gauss). */
  alpha: number;
  /** opacity * gauss exceeded 0.99, so alpha does not depend on geometry or opacity here. */
  alphaClamped: boolean;
  /** Transmittance in front of this splat. */
  transBefore: number;
}

/** The history of one pixel: everything the backward pass needs. */
export interface PixelBlend {
  steps: BlendStep[];
  /** Foreground colour sum_i c_i alpha_i T_i (without the background). */
  color: [number, number, number];
  finalT: number;
  /** Splats of the tile list processed up to and including the last blended one. */
  nContrib: number;
  /** The pixel ended at a splat that would have taken T below T_MIN (not at the list's end). */
  stoppedAtTMin: boolean;
}

/** Value of the 2D Gaussian's exponent at pixel centre (px, py): -0.5 d^T conic d with d = mu - p. */
export function gaussPower(p: ProjectedSplat, px: number, py: number): number {
  const dx = p.mean2d[0] - px;
  const dy = p.mean2d[1] - py;
  const [A, B, C] = p.conic;
  return -0.5 * (A * dx * dx + C * dy * dy) - B * dx * dy;
}

/** Blends `list` front to back at pixel (i, j), sampled at its centre (i + 0.5, j + 0.5). */
export function blendPixel(projected: ProjectedSplat[], list: number[], i: number, j: number): PixelBlend {
  const px = i + 0.5;
  const py = j + 0.5;
  const steps: BlendStep[] = [];
  const color: [number, number, number] = [0, 0, 0];
  let T = 1;
  let nContrib = 0;
  let stoppedAtTMin = false;
  for (let k = 0; k < list.length; k++) {
    const p = projected[list[k]];
    const power = gaussPower(p, px, py);
    if (power > 0) continue;
    const gauss = Math.exp(power);
    const raw = p.opacity * gauss;
    const alpha = Math.min(ALPHA_MAX, raw);
    if (alpha < ALPHA_MIN) continue;
    // The splat that would push T under T_MIN is not blended and ends the pixel.
    if (T * (1 - alpha) < T_MIN) {
      stoppedAtTMin = true;
      break;
    }
    for (let c = 0; c < 3; c++) color[c] += p.color[c] * alpha * T;
    steps.push({ splat: list[k], gauss, alpha, alphaClamped: raw > ALPHA_MAX, transBefore: T });
    T *= 1 - alpha;
    nContrib = k + 1;
  }
  return { steps, color, finalT: T, nContrib, stoppedAtTMin };
}

export interface RasterOutput {
  width: number;
  height: number;
  /** [H, W, 3] colour C + T_final * background. */
  image: Float64Array;
  /** [H, W] 1 - T_final. */
  alpha: Float64Array;
  /** [H, W] transmittance after the last blended splat. */
  finalT: Float64Array;
  /** [H, W] splats of the pixel's tile list processed up to and including the last blended one. */
  nContrib: Uint32Array;
}

/** Composites projected splats into an image (§2.7). */
export function rasterize(
  projected: ProjectedSplat[],
  width: number,
  height: number,
  background: [number, number, number],
): RasterOutput {
  const tiles = referenceTileLists(projected, width, height);
  const image = new Float64Array(width * height * 3);
  const alpha = new Float64Array(width * height);
  const finalT = new Float64Array(width * height);
  const nContrib = new Uint32Array(width * height);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const tile = Math.floor(j / TILE_SIZE) * tiles.gridX + Math.floor(i / TILE_SIZE);
      const b = blendPixel(projected, tiles.lists[tile], i, j);
      const pix = j * width + i;
      for (let c = 0; c < 3; c++) image[pix * 3 + c] = b.color[c] + b.finalT * background[c];
      alpha[pix] = 1 - b.finalT;
      finalT[pix] = b.finalT;
      nContrib[pix] = b.nContrib;
    }
  }
  return { width, height, image, alpha, finalT, nContrib };
}
