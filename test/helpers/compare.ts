/** Array comparison that reports the first bad index, the max error and the NaN count. */
export interface CompareResult {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  firstBad: number;
  nanCount: number;
  message: string;
}

/** |a - b| <= atol + rtol * |b| elementwise; b is the reference. */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol = 0,
  name = 'array',
): CompareResult {
  if (actual.length !== expected.length) {
    return { ok: false, maxAbs: Infinity, maxRel: Infinity, firstBad: 0, nanCount: 0, message: `${name}: length ${actual.length} != ${expected.length}` };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let firstBad = -1;
  let nanCount = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) !== Number.isNaN(e)) {
      nanCount++;
      if (firstBad < 0) firstBad = i;
      continue;
    }
    if (Number.isNaN(a)) continue;
    const d = Math.abs(a - e);
    if (d > maxAbs) maxAbs = d;
    const r = d / Math.max(Math.abs(e), 1e-30);
    if (r > maxRel && Math.abs(e) > atol) maxRel = r;
    if (!(d <= atol + rtol * Math.abs(e)) && firstBad < 0) firstBad = i;
  }
  const ok = firstBad < 0;
  const message = ok
    ? `${name}: ok (max abs ${maxAbs.toExponential(3)})`
    : `${name}: first bad index ${firstBad} (actual ${actual[firstBad]}, expected ${expected[firstBad]}), max abs ${maxAbs.toExponential(3)}, max rel ${maxRel.toExponential(3)}, NaN mismatches ${nanCount}, tolerance atol ${atol} rtol ${rtol}`;
  return { ok, maxAbs, maxRel, firstBad, nanCount, message };
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0, name = 'array'): CompareResult {
  const r = compareArrays(actual, expected, atol, rtol, name);
  if (!r.ok) throw new Error(r.message);
  return r;
}

/**
 * ||a - b|| / ||b|| over the whole gradient, and the worst element relative to the largest
 * reference magnitude (so an error confined to a few splats is not averaged away).
 */
export function gradientError(a: ArrayLike<number>, b: ArrayLike<number>) {
  let num = 0;
  let den = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  let elem = 0;
  let worst = '';
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) / scale;
    if (!(e <= elem)) {
      elem = Number.isNaN(e) ? Infinity : e;
      worst = `index ${i}: gpu ${a[i]}, reference ${b[i]}`;
    }
  }
  return { rel: Math.sqrt(num / Math.max(den, 1e-300)), elem, worst, nonzero: den > 0 };
}

/** Small seedable PRNG (mulberry32, the same generator the trainer seeds its view order with). */
export { seededRandom as rng } from '../../src/train/random';
