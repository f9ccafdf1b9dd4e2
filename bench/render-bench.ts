/** One rendering benchmark result (bench/run.ts measures, bench/report.ts prints). */
export interface RenderBench {
  name: string;
  splats: number;
  width: number;
  height: number;
  intersections: number;
  ms: { project: number; sort: number; raster: number; forward: number; loss: number; backward: number };
  /** Bytes per intersection record in every per-intersection buffer. */
  perIntersectionBytes: Record<string, number>;
}
