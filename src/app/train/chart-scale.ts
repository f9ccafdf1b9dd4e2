/**
 * Axis ranges and point reduction for the progress chart, kept apart from the canvas code so
 * they can be tested without a DOM.
 */

export interface AxisRange {
  lo: number;
  hi: number;
  /** Tick spacing: 1, 2 or 5 times a power of ten. */
  step: number;
}

/**
 * A range covering [min, max] with round ends and about `ticks` intervals. A flat or empty
 * series gets a unit-wide range around its value so the line sits mid-chart.
 */
export function niceRange(min: number, max: number, ticks = 4): AxisRange {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { lo: 0, hi: 1, step: 0.25 };
  if (max < min) [min, max] = [max, min];
  if (max - min < 1e-12 * Math.max(1, Math.abs(max))) {
    const pad = Math.max(Math.abs(max) * 0.05, 1e-6);
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, ticks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  return { lo: Math.floor(min / step) * step, hi: Math.ceil(max / step) * step, step };
}

/** Finite minimum and maximum of `values`; [NaN, NaN] when there is none. */
export function finiteExtent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/**
 * Reduces a series to at most one (min, max) pair per pixel column, so a 30,000-step run draws
 * as fast as a short one and spikes stay visible. `x[i]` are increasing positions mapped to
 * columns by `column(x)`; non-finite values are skipped.
 */
export function columnEnvelope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  column: (x: number) => number,
): { column: number; min: number; max: number }[] {
  const out: { column: number; min: number; max: number }[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) continue;
    const c = Math.round(column(x[i]));
    const last = out[out.length - 1];
    if (last && last.column === c) {
      if (v < last.min) last.min = v;
      if (v > last.max) last.max = v;
    } else {
      out.push({ column: c, min: v, max: v });
    }
  }
  return out;
}
