/**
 * Per-pass GPU timing for the benchmarks: while installed, every compute and render pass begun
 * on `device` gets timestamp writes (the `timestamp-query` feature, which Dawn exposes on
 * SwiftShader too), keyed by the pass label. `collect()` resolves the queries of everything
 * submitted since the last collect and returns milliseconds per label, summed over passes that
 * share a label. Used only by bench scripts: production code never pays for it.
 */
const MAX_PASSES = 2048;

export interface PassTime {
  label: string;
  ms: number;
  passes: number;
}

export class PassProfiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolveBuf: GPUBuffer;
  private readonly readBuf: GPUBuffer;
  private labels: string[] = [];
  private restore: (() => void) | undefined;

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query')) throw new Error('PassProfiler needs the timestamp-query feature');
    this.querySet = device.createQuerySet({ label: 'PassProfiler.queries', type: 'timestamp', count: MAX_PASSES * 2 });
    this.resolveBuf = device.createBuffer({ label: 'PassProfiler.resolve', size: MAX_PASSES * 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readBuf = device.createBuffer({ label: 'PassProfiler.read', size: MAX_PASSES * 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Starts adding timestamp writes to every pass begun from now on. */
  install(): void {
    if (this.restore) return;
    const proto = (globalThis as unknown as { GPUCommandEncoder: { prototype: GPUCommandEncoder } }).GPUCommandEncoder.prototype;
    const origCompute = proto.beginComputePass;
    const origRender = proto.beginRenderPass;
    const self = this;
    const next = (label: string | undefined) => {
      const i = self.labels.length;
      if (i >= MAX_PASSES) return undefined;
      self.labels.push(label ?? '(unlabelled)');
      return { querySet: self.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
    };
    proto.beginComputePass = function (this: GPUCommandEncoder, desc?: GPUComputePassDescriptor) {
      const tw = next(desc?.label);
      return origCompute.call(this, tw ? { ...desc, timestampWrites: tw } : desc);
    };
    proto.beginRenderPass = function (this: GPUCommandEncoder, desc: GPURenderPassDescriptor) {
      const tw = next(desc.label);
      return origRender.call(this, tw ? { ...desc, timestampWrites: tw } : desc);
    };
    this.restore = () => {
      proto.beginComputePass = origCompute;
      proto.beginRenderPass = origRender;
    };
  }

  uninstall(): void {
    this.restore?.();
    this.restore = undefined;
  }

  /** Forgets passes begun so far (e.g. encoded during a warm-up). Call with nothing in flight. */
  reset(): void {
    this.labels = [];
  }

  /** Reads the timestamps of every pass begun since the last collect/reset (all must be submitted). */
  async collect(): Promise<PassTime[]> {
    const n = this.labels.length;
    const labels = this.labels;
    this.labels = [];
    if (n === 0) return [];
    const enc = this.device.createCommandEncoder({ label: 'PassProfiler.resolve' });
    enc.resolveQuerySet(this.querySet, 0, 2 * n, this.resolveBuf, 0);
    enc.copyBufferToBuffer(this.resolveBuf, 0, this.readBuf, 0, 16 * n);
    this.device.queue.submit([enc.finish()]);
    await this.readBuf.mapAsync(GPUMapMode.READ, 0, 16 * n);
    const ts = new BigUint64Array(this.readBuf.getMappedRange(0, 16 * n).slice(0));
    this.readBuf.unmap();
    const byLabel = new Map<string, PassTime>();
    for (let i = 0; i < n; i++) {
      const ms = Number(ts[2 * i + 1] - ts[2 * i]) / 1e6;
      const e = byLabel.get(labels[i]) ?? { label: labels[i], ms: 0, passes: 0 };
      e.ms += ms;
      e.passes += 1;
      byLabel.set(labels[i], e);
    }
    return [...byLabel.values()];
  }

  destroy(): void {
    this.uninstall();
    this.querySet.destroy();
    this.resolveBuf.destroy();
    this.readBuf.destroy();
  }
}
