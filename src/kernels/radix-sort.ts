/**
 * Stable LSD radix sort of (key, value) u32 pairs on the GPU, 4 bits per pass
 * (shaders/radix_sort_*.wgsl). Per pass: per-block digit histograms (count), an exclusive scan of
 * the digit-major histogram (the prefix-sum kernels), and a stable scatter that ranks each block in
 * workgroup memory.
 *
 * The key count is read on the GPU: it is copied into the `info` buffer and a one-invocation
 * setup kernel derives the block and chunk counts and writes indirect dispatch grids, so the work
 * follows the real count while `maxCount` only sizes the scratch. Per-pass constants (shift and
 * digit mask) live in one uniform buffer made at construction and are picked by dynamic offsets;
 * nothing is written with queue.writeBuffer, so several encodes may share one command encoder.
 *
 * Memory: scratch keys and values of maxCount u32 each (grown by doubling) and a histogram of
 * RADIX_BINS u32 per SORT_BLOCK keys. A buffer replaced by growth is destroyed at the first encode
 * into a later encoder, since commands already recorded may still use it; submit encoders in the
 * order they were recorded.
 */
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';
import { ScanKernels, ScratchBuffer, bindGroup, bindingLimit, computeLayout, computePipeline, range } from './prefix-sum';

const sortConstants = parseWgslConstants(SHADER_SOURCES.get('common/sort.wgsl') ?? '');
const scanConstants = parseWgslConstants(SHADER_SOURCES.get('common/scan.wgsl') ?? '');

function constant(table: Record<string, number>, file: string, name: string): number {
  const v = table[name];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`shaders/${file} lacks const ${name}`);
  return v;
}
const sortConst = (name: string): number => constant(sortConstants, 'common/sort.wgsl', name);

/** Keys one scatter workgroup ranks. */
export const SORT_BLOCK = sortConst('SORT_BLOCK');
const RADIX_BITS = sortConst('RADIX_BITS');
const RADIX_BINS = sortConst('RADIX_BINS');
const SCAN_BLOCK = constant(scanConstants, 'common/scan.wgsl', 'SCAN_BLOCK');
const INFO_BYTES = sortConst('SORT_INFO_WORDS') * 4;
const INFO_HIST_LEN_BYTES = sortConst('SORT_INFO_HIST_LEN') * 4;
const INFO_CHUNKS_BYTES = sortConst('SORT_INFO_CHUNKS') * 4;
const INFO_BLOCK_ARGS_BYTES = sortConst('SORT_INFO_BLOCK_ARGS') * 4;
const INFO_CHUNK_ARGS_BYTES = sortConst('SORT_INFO_CHUNK_ARGS') * 4;

/** One uniform slot per (shift, width); 256 bytes is the largest allowed dynamic-offset alignment. */
const PASS_SLOT_BYTES = 256;
const MAX_PASSES = Math.ceil(32 / RADIX_BITS);
const PASS_BYTES = 16;

const USAGE = { STORAGE: 0x80, UNIFORM: 0x40, INDIRECT: 0x100, COPY_DST: 0x8, COPY_SRC: 0x4 } as const;

export interface RadixSortArgs {
  /** [>= count] u32 keys (STORAGE). May be overwritten: passes ping-pong between it and scratch. */
  keys: GPUBuffer;
  /** [>= count] u32 values (STORAGE), moved with their keys. May be overwritten like `keys`. */
  values: GPUBuffer;
  /** Holds the pair count as a u32 at countOffset (needs COPY_SRC). */
  countBuffer: GPUBuffer;
  /** Byte offset of the count, a multiple of 4. Default 0. */
  countOffset?: number;
  /** CPU upper bound on the count; sizes the scratch. A larger GPU count is clamped to the buffers. */
  maxCount: number;
  /** Sort by the low `bits` bits of each key, 1..32. */
  bits: number;
}

/** Bind groups that depend on the caller's buffers; index 0 reads the inputs, 1 reads the scratch. */
interface CallerGroups {
  keys: GPUBuffer;
  values: GPUBuffer;
  generation: number;
  setup: GPUBindGroup;
  count: [GPUBindGroup, GPUBindGroup];
  scatter: [GPUBindGroup, GPUBindGroup];
}

/** Bind groups of the histogram scan, which touch only internal buffers. */
interface ScanGroups {
  generation: number;
  reduce: GPUBindGroup;
  spine: GPUBindGroup;
  downsweep: GPUBindGroup;
}

const CACHE_SIZE = 4;

export class RadixSort {
  private readonly scan: ScanKernels;
  private readonly setupLayout: GPUBindGroupLayout;
  private readonly countLayout: GPUBindGroupLayout;
  private readonly scatterLayout: GPUBindGroupLayout;
  private readonly setupPipeline: GPUComputePipeline;
  private readonly countPipeline: GPUComputePipeline;
  private readonly scatterPipeline: GPUComputePipeline;
  /** [MAX_PASSES * RADIX_BITS slots] SortPass constants at PASS_SLOT_BYTES stride. */
  private readonly passConsts: GPUBuffer;
  /** [SORT_INFO_WORDS] u32: count, sizes and indirect grids written on the GPU. */
  private readonly info: GPUBuffer;
  private readonly scratchKeys: ScratchBuffer;
  private readonly scratchValues: ScratchBuffer;
  /** [RADIX_BINS, blocks] u32 digit counts per block, digit-major. */
  private readonly hist: ScratchBuffer;
  /** [RADIX_BINS * blocks + 1] u32 exclusive scan of hist: each (digit, block)'s first slot. */
  private readonly offsets: ScratchBuffer;
  private readonly partials: ScratchBuffer;
  private readonly spine: ScratchBuffer;
  private callerCache: CallerGroups[] = [];
  private scanGroups: ScanGroups | undefined;
  private lastEncoder: GPUCommandEncoder | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'RadixSort',
  ) {
    const L = label;
    this.scan = new ScanKernels(device, `${L}.scan`);
    this.setupLayout = computeLayout(device, `${L}.setup`, ['write', 'read', 'read', 'read', 'read']);
    this.countLayout = computeLayout(device, `${L}.count`, ['uniform-dynamic', 'read', 'read', 'write']);
    this.scatterLayout = computeLayout(device, `${L}.scatter`, ['uniform-dynamic', 'read', 'read', 'read', 'read', 'write', 'write']);
    this.setupPipeline = computePipeline(device, `${L}.setup`, 'radix_sort_setup.wgsl', this.setupLayout);
    this.countPipeline = computePipeline(device, `${L}.count`, 'radix_sort_count.wgsl', this.countLayout);
    this.scatterPipeline = computePipeline(device, `${L}.scatter`, 'radix_sort_scatter.wgsl', this.scatterLayout);

    const slots = MAX_PASSES * RADIX_BITS;
    this.passConsts = device.createBuffer({ label: `${L}.passConsts`, size: slots * PASS_SLOT_BYTES, usage: USAGE.UNIFORM, mappedAtCreation: true });
    const words = new Uint32Array(this.passConsts.getMappedRange());
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      for (let width = 1; width <= RADIX_BITS; width++) {
        const at = passSlot(pass, width) / 4;
        words[at] = pass * RADIX_BITS;
        words[at + 1] = (1 << width) - 1;
      }
    }
    this.passConsts.unmap();

    this.info = device.createBuffer({ label: `${L}.info`, size: INFO_BYTES, usage: USAGE.STORAGE | USAGE.INDIRECT | USAGE.COPY_DST | USAGE.COPY_SRC });
    this.scratchKeys = new ScratchBuffer(device, `${L}.scratchKeys`);
    this.scratchValues = new ScratchBuffer(device, `${L}.scratchValues`);
    this.hist = new ScratchBuffer(device, `${L}.hist`);
    this.offsets = new ScratchBuffer(device, `${L}.offsets`);
    this.partials = new ScratchBuffer(device, `${L}.partials`);
    this.spine = new ScratchBuffer(device, `${L}.spine`);
  }

  /**
   * Stable LSD radix sort of (key, value) pairs by the low `bits` bits of key. The count is read
   * on the GPU from countBuffer at countOffset. The sorted pairs are in the returned buffers
   * (the inputs or internal scratch), valid until the next encode; equal keys keep input order.
   */
  encode(encoder: GPUCommandEncoder, args: RadixSortArgs): { keys: GPUBuffer; values: GPUBuffer } {
    const { keys, values, countBuffer, maxCount, bits } = args;
    const countOffset = args.countOffset ?? 0;
    this.validate(args, countOffset);
    if (maxCount === 0) return { keys, values };
    if (encoder !== this.lastEncoder) {
      for (const s of this.scratch()) s.releaseRetired();
      this.lastEncoder = encoder;
    }
    this.ensureScratch(maxCount);
    const caller = this.callerGroups(keys, values);
    const scanGroups = this.histogramScanGroups();

    encoder.copyBufferToBuffer(countBuffer, countOffset, this.info, 0, 4);
    const pass = encoder.beginComputePass({ label: this.label });
    pass.setPipeline(this.setupPipeline);
    pass.setBindGroup(0, caller.setup);
    pass.dispatchWorkgroups(1);
    const passes = Math.ceil(bits / RADIX_BITS);
    for (let p = 0; p < passes; p++) {
      const slot = passSlot(p, Math.min(RADIX_BITS, bits - p * RADIX_BITS));
      const from = p % 2;
      pass.setPipeline(this.countPipeline);
      pass.setBindGroup(0, caller.count[from], [slot]);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_BLOCK_ARGS_BYTES);
      pass.setPipeline(this.scan.reduce);
      pass.setBindGroup(0, scanGroups.reduce);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_CHUNK_ARGS_BYTES);
      pass.setPipeline(this.scan.spine);
      pass.setBindGroup(0, scanGroups.spine);
      pass.dispatchWorkgroups(1);
      pass.setPipeline(this.scan.downsweep);
      pass.setBindGroup(0, scanGroups.downsweep);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_CHUNK_ARGS_BYTES);
      pass.setPipeline(this.scatterPipeline);
      pass.setBindGroup(0, caller.scatter[from], [slot]);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_BLOCK_ARGS_BYTES);
    }
    pass.end();
    return passes % 2 === 0 ? { keys, values } : { keys: this.scratchKeys.buffer, values: this.scratchValues.buffer };
  }

  destroy(): void {
    for (const s of this.scratch()) s.destroy();
    this.passConsts.destroy();
    this.info.destroy();
    this.callerCache = [];
    this.scanGroups = undefined;
  }

  private scratch(): ScratchBuffer[] {
    return [this.scratchKeys, this.scratchValues, this.hist, this.offsets, this.partials, this.spine];
  }

  private validate({ keys, values, countBuffer, maxCount, bits }: RadixSortArgs, countOffset: number): void {
    const name = this.label;
    if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`${name}: bits must be an integer in 1..32, got ${bits}`);
    if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError(`${name}: maxCount must be a non-negative integer, got ${maxCount}`);
    if (maxCount * 4 > bindingLimit(this.device)) {
      throw new RangeError(`${name}: maxCount ${maxCount} exceeds this device's storage binding limit of ${bindingLimit(this.device)} bytes`);
    }
    if (!Number.isInteger(countOffset) || countOffset % 4 !== 0 || countOffset < 0 || countOffset + 4 > countBuffer.size) {
      throw new RangeError(`${name}: countOffset ${countOffset} is not a 4-aligned u32 inside '${countBuffer.label}' (${countBuffer.size} bytes)`);
    }
    if (keys === values) throw new Error(`${name}: keys and values must be different buffers ('${keys.label}')`);
    for (const [what, b] of [['keys', keys], ['values', values]] as const) {
      if (b.size < 4) throw new RangeError(`${name}: ${what} buffer '${b.label}' is empty`);
    }
  }

  /** Sizes every scratch buffer from the key capacity, so a count clamped to it always fits. */
  private ensureScratch(maxCount: number): void {
    this.scratchKeys.ensure(maxCount * 4);
    this.scratchValues.ensure(maxCount * 4);
    const capacity = Math.min(this.scratchKeys.capacity, this.scratchValues.capacity) / 4;
    const histLen = Math.ceil(capacity / SORT_BLOCK) * RADIX_BINS;
    const chunks = Math.ceil(histLen / SCAN_BLOCK);
    this.hist.ensure(histLen * 4);
    this.offsets.ensure((histLen + 1) * 4);
    this.partials.ensure(chunks * 4);
    this.spine.ensure((chunks + 1) * 4);
  }

  private generation(): number {
    return this.scratch().reduce((g, s) => g * 64 + s.generation, 0);
  }

  private callerGroups(keys: GPUBuffer, values: GPUBuffer): CallerGroups {
    const generation = this.generation();
    const hit = this.callerCache.find((c) => c.keys === keys && c.values === values && c.generation === generation);
    if (hit) return hit;
    const d = this.device;
    const L = this.label;
    const whole = (b: GPUBuffer): GPUBufferBinding => range(b, Math.min(b.size - (b.size % 4), bindingLimit(d)));
    const sk = whole(this.scratchKeys.buffer);
    const sv = whole(this.scratchValues.buffer);
    const k = whole(keys);
    const v = whole(values);
    const info = range(this.info, INFO_BYTES);
    const consts = range(this.passConsts, PASS_BYTES);
    const offsets = whole(this.offsets.buffer);
    const hist = whole(this.hist.buffer);
    const entry: CallerGroups = {
      keys,
      values,
      generation,
      setup: bindGroup(d, `${L}.setup`, this.setupLayout, [info, k, v, sk, sv]),
      count: [
        bindGroup(d, `${L}.count.fromInput`, this.countLayout, [consts, info, k, hist]),
        bindGroup(d, `${L}.count.fromScratch`, this.countLayout, [consts, info, sk, hist]),
      ],
      scatter: [
        bindGroup(d, `${L}.scatter.toScratch`, this.scatterLayout, [consts, info, k, v, offsets, sk, sv]),
        bindGroup(d, `${L}.scatter.toInput`, this.scatterLayout, [consts, info, sk, sv, offsets, k, v]),
      ],
    };
    this.callerCache.unshift(entry);
    if (this.callerCache.length > CACHE_SIZE) this.callerCache.pop();
    return entry;
  }

  private histogramScanGroups(): ScanGroups {
    const generation = this.generation();
    if (this.scanGroups?.generation === generation) return this.scanGroups;
    const d = this.device;
    const L = `${this.label}.scan`;
    const whole = (b: GPUBuffer): GPUBufferBinding => range(b, b.size);
    // The scan kernels clip to min(binding length, limit): the limits are info words at 256-byte offsets.
    const histLimit = range(this.info, 4, INFO_HIST_LEN_BYTES);
    const chunkLimit = range(this.info, 4, INFO_CHUNKS_BYTES);
    const hist = whole(this.hist.buffer);
    const partials = whole(this.partials.buffer);
    const spine = whole(this.spine.buffer);
    this.scanGroups = {
      generation,
      reduce: bindGroup(d, `${L}.reduce`, this.scan.reduceLayout, [hist, partials, histLimit]),
      spine: bindGroup(d, `${L}.spine`, this.scan.spineLayout, [partials, spine, chunkLimit]),
      downsweep: bindGroup(d, `${L}.downsweep`, this.scan.downsweepLayout, [hist, spine, whole(this.offsets.buffer), histLimit]),
    };
    return this.scanGroups;
  }
}

/** Byte offset of the SortPass constants for pass `pass` with a digit of `width` bits. */
function passSlot(pass: number, width: number): number {
  return (pass * RADIX_BITS + width - 1) * PASS_SLOT_BYTES;
}
