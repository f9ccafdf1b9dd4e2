/**
 * The trainer's Gaussians on the GPU: parameters, Adam moments and the shared Adam step count,
 * one capacity-doubling buffer per parameter group. Implements GaussianSet, so the same forward
 * and backward passes the viewer uses read it directly.
 */
import type { SplatScene } from '../io/scene';
import { shCoeffCount } from '../io/scene';
import { GrowableBuffer, STORAGE, readF32 } from '../gpu/buffers';
import type { GaussianSet } from '../render/gaussian-buffers';
import { capacityText, splatCapacity } from '../render/splat-capacity';

export const PARAM_GROUPS = ['means', 'logScales', 'quats', 'opacityLogits', 'sh'] as const;
export type ParamGroup = (typeof PARAM_GROUPS)[number];

/** f32 values per splat in each group's buffer. */
export function groupWidth(group: ParamGroup, shCoeffs: number): number {
  switch (group) {
    case 'means':
    case 'logScales':
      return 3;
    case 'quats':
      return 4;
    case 'opacityLogits':
      return 1;
    case 'sh':
      return shCoeffs * 3;
  }
}

export type GroupBuffers = Record<ParamGroup, GrowableBuffer>;

/** Parameters and their two Adam moments. */
export const STATE_SETS = ['params', 'm', 'v'] as const;
export type StateBuffers = Record<(typeof STATE_SETS)[number], GroupBuffers>;

export class SplatState implements GaussianSet {
  /** Live splat count (rows in use; buffers hold `capacity` rows). */
  count: number;
  readonly shCoeffs: number;
  /** Adam step t shared by all rows (new rows keep it, as the reference's optimizer does). */
  step = 0;
  readonly params: GroupBuffers;
  readonly m: GroupBuffers;
  readonly v: GroupBuffers;
  private capacityRows: number;
  /** Most rows this device's storage bindings hold (splat-capacity.ts): doubling stops there. */
  readonly maxRows: number;

  constructor(
    readonly device: GPUDevice,
    readonly shDegree: number,
    count: number,
    capacity = Math.max(count, 1024),
  ) {
    this.count = count;
    this.shCoeffs = shCoeffCount(shDegree);
    this.maxRows = splatCapacity(device.limits, shDegree);
    this.checkRows(count);
    this.capacityRows = Math.min(Math.max(capacity, count), this.maxRows);
    const make = (prefix: string): GroupBuffers => {
      const out = {} as GroupBuffers;
      for (const g of PARAM_GROUPS) out[g] = new GrowableBuffer(device, `SplatState.${prefix}.${g}`, STORAGE, this.capacityRows * groupWidth(g, this.shCoeffs) * 4);
      return out;
    };
    this.params = make('param');
    this.m = make('m');
    this.v = make('v');
  }

  static fromScene(device: GPUDevice, scene: SplatScene): SplatState {
    const s = new SplatState(device, scene.shDegree, scene.count, Math.max(scene.count * 2, 1024));
    const q = device.queue;
    q.writeBuffer(s.params.means.buffer, 0, scene.means);
    q.writeBuffer(s.params.logScales.buffer, 0, scene.logScales);
    q.writeBuffer(s.params.quats.buffer, 0, scene.quats);
    q.writeBuffer(s.params.opacityLogits.buffer, 0, scene.opacityLogits);
    q.writeBuffer(s.params.sh.buffer, 0, scene.sh);
    return s;
  }

  get capacity(): number {
    return this.capacityRows;
  }

  private checkRows(rows: number): void {
    if (rows > this.maxRows) throw new RangeError(`SplatState: ${rows.toLocaleString('en-US')} splats do not fit: ${capacityText(this.device.limits, this.shDegree)}`);
  }

  /** The doubled capacity that holds `rows`, capped at what the device holds. */
  private doubledTo(rows: number): number {
    this.checkRows(rows);
    let cap = this.capacityRows;
    while (cap < rows) cap *= 2;
    return Math.min(cap, this.maxRows);
  }

  /**
   * Replaces every buffer with one holding at least `rows` rows, copying the first `keepRows`
   * rows of each (parameters and moments). Callers then fill rows past `keepRows`.
   */
  grow(rows: number, keepRows: number): void {
    if (rows <= this.capacityRows) return;
    const cap = this.doubledTo(rows);
    const enc = this.device.createCommandEncoder({ label: 'SplatState.grow' });
    const old: GPUBuffer[] = [];
    for (const set of [this.params, this.m, this.v]) {
      for (const g of PARAM_GROUPS) {
        const w = groupWidth(g, this.shCoeffs) * 4;
        const prev = set[g].buffer;
        const next = new GrowableBuffer(this.device, prev.label, STORAGE, cap * w);
        if (keepRows > 0) enc.copyBufferToBuffer(prev, 0, next.buffer, 0, keepRows * w);
        old.push(prev);
        set[g] = next;
      }
    }
    this.device.queue.submit([enc.finish()]);
    for (const b of old) b.destroy();
    this.capacityRows = cap;
  }

  /**
   * Raises the capacity to hold `rows` (doubling) without touching the buffers: for a caller
   * that is about to replace every buffer with fresh ones of `capacity` rows (density control
   * compacts into new buffers anyway, so copying into grown ones first would be wasted).
   */
  reserveForReplacement(rows: number): void {
    if (rows > this.capacityRows) this.capacityRows = this.doubledTo(rows);
  }

  /**
   * Fresh buffers of `capacity` rows for every set and group: the destination of a compaction
   * (densification, an MCMC prune), which reads the old ones. `adopt` swaps them in.
   */
  freshBuffers(): StateBuffers {
    const out = { params: {}, m: {}, v: {} } as StateBuffers;
    for (const set of STATE_SETS) {
      for (const g of PARAM_GROUPS) out[set][g] = new GrowableBuffer(this.device, this[set][g].label, STORAGE, this.capacityRows * groupWidth(g, this.shCoeffs) * 4);
    }
    return out;
  }

  /**
   * Replaces every buffer with `next` holding `count` live rows. Call after submitting the
   * commands that read the old buffers: WebGPU frees a destroyed buffer once queued work using
   * it is done.
   */
  adopt(next: StateBuffers, count: number): void {
    for (const set of STATE_SETS) {
      for (const g of PARAM_GROUPS) {
        this[set][g].destroy();
        this[set][g] = next[set][g];
      }
    }
    this.count = count;
  }

  get means(): GPUBuffer {
    return this.params.means.buffer;
  }
  get logScales(): GPUBuffer {
    return this.params.logScales.buffer;
  }
  get quats(): GPUBuffer {
    return this.params.quats.buffer;
  }
  get opacityLogits(): GPUBuffer {
    return this.params.opacityLogits.buffer;
  }
  get sh(): GPUBuffer {
    return this.params.sh.buffer;
  }

  /** Reads the live rows back as a scene (export, checkpoints, tests). */
  async toScene(): Promise<SplatScene> {
    const n = this.count;
    const [means, logScales, quats, opacityLogits, sh] = await Promise.all(
      PARAM_GROUPS.map((g) => readF32(this.device, this.params[g].buffer, n * groupWidth(g, this.shCoeffs))),
    );
    return { count: n, shDegree: this.shDegree, means, logScales, quats, opacityLogits, sh };
  }

  /** Reads one group's parameters or moments (tests). */
  async read(which: 'params' | 'm' | 'v', g: ParamGroup): Promise<Float32Array> {
    return readF32(this.device, this[which][g].buffer, this.count * groupWidth(g, this.shCoeffs));
  }

  destroy(): void {
    for (const set of [this.params, this.m, this.v]) for (const g of PARAM_GROUPS) set[g].destroy();
  }
}
