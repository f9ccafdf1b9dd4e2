/**
 * Pinhole camera in the COLMAP convention: world-to-camera rotation R (row-major 3x3) and
 * translation t, so a world point p maps to camera space as R p + t; x right, y down, z forward.
 * Pixel (i, j) is sampled at (i + 0.5, j + 0.5); u = fx x / z + cx, v = fy y / z + cy.
 */
export interface Camera {
  width: number;
  height: number;
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** [9] row-major world-to-camera rotation. */
  R: number[];
  /** [3] world-to-camera translation. */
  t: number[];
  /** Splats with camera-space z <= near are culled. Default 0.01 (decisions.md). */
  near?: number;
}

export const DEFAULT_NEAR = 0.01;

/** Parses the camera JSON of the CLI (`{"width","height","fx","fy","cx","cy","R","t"}`). */
export function parseCameraJson(text: string, file = 'camera.json'): Camera {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null) throw new Error(`${file}: expected a JSON object`);
  const o = obj as Record<string, unknown>;
  const num = (k: string, positive = false): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: "${k}" must be a finite number`);
    if (positive && v <= 0) throw new Error(`${file}: "${k}" must be positive`);
    return v;
  };
  const width = num('width', true);
  const height = num('height', true);
  if (!Number.isInteger(width) || !Number.isInteger(height)) throw new Error(`${file}: "width" and "height" must be integers`);
  const R = flatNumbers(o.R, 9, 'R', file);
  const t = flatNumbers(o.t, 3, 't', file);
  const cam: Camera = { width, height, fx: num('fx', true), fy: num('fy', true), cx: num('cx'), cy: num('cy'), R, t };
  if (o.near !== undefined) cam.near = num('near', true);
  return cam;
}

function flatNumbers(v: unknown, n: number, key: string, file: string): number[] {
  const flat = Array.isArray(v) ? (v as unknown[]).flat() : undefined;
  if (!flat || flat.length !== n || flat.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new Error(`${file}: "${key}" must hold ${n} finite numbers${n === 9 ? ' (3 rows of 3)' : ''}`);
  }
  return flat as number[];
}

/** How many of the [N, 3] `means` lie in front of `cam` but not beyond its near plane (0 < z <= near). */
export function countBeforeNear(means: ArrayLike<number>, cam: Camera): number {
  const { R, t } = cam;
  const near = cam.near ?? DEFAULT_NEAR;
  let n = 0;
  for (let i = 0; i + 2 < means.length; i += 3) {
    const z = R[6] * means[i] + R[7] * means[i + 1] + R[8] * means[i + 2] + t[2];
    if (z > 0 && z <= near) n++;
  }
  return n;
}

/** Camera centre in world space: -R^T t. */
export function cameraCentre(cam: Camera): [number, number, number] {
  const { R, t } = cam;
  return [
    -(R[0] * t[0] + R[3] * t[1] + R[6] * t[2]),
    -(R[1] * t[0] + R[4] * t[1] + R[7] * t[2]),
    -(R[2] * t[0] + R[5] * t[1] + R[8] * t[2]),
  ];
}

/**
 * Camera at `eye` looking at `target`, with `up` the world direction that appears up on screen
 * (image y points down, so the camera's y axis is -up projected).
 */
export function lookAtCamera(
  eye: number[],
  target: number[],
  up: number[],
  width: number,
  height: number,
  fovYDegrees: number,
): Camera {
  const z = normalize(sub(target, eye));
  // Camera axes: y points down on screen (-up), z forward, x = y cross z (right-handed).
  let x = cross(scale(up, -1), z);
  if (Math.hypot(x[0], x[1], x[2]) < 1e-9) x = cross(Math.abs(z[1]) < 0.9 ? [0, 1, 0] : [1, 0, 0], z);
  x = normalize(x);
  const y = cross(z, x);
  const R = [...x, ...y, ...z];
  const t = [-dot(x, eye), -dot(y, eye), -dot(z, eye)];
  const fy = height / 2 / Math.tan((fovYDegrees * Math.PI) / 360);
  return { width, height, fx: fy, fy, cx: width / 2, cy: height / 2, R, t };
}

function sub(a: number[], b: number[]): number[] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function scale(a: number[], s: number): number[] {
  return [a[0] * s, a[1] * s, a[2] * s];
}
function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function normalize(a: number[]): number[] {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
}
