/** Timing helpers for the benchmarks: wall time from submit to GPU completion, medians. */
export async function timeSubmit(device: GPUDevice, buffers: GPUCommandBuffer[]): Promise<number> {
  const t0 = performance.now();
  device.queue.submit(buffers);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
