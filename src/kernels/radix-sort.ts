/**
 * Stable LSD radix sort of (key, value) u32 pairs on the GPU (shaders/radix_sort_*.wgsl), in
 * serial chunks: per pass, every invocation counts its chunk's digits into its own column of a
 * digit-major histogram, the histogram is scanned (PrefixSum), and every invocation scatters its
 * chunk in order. No workgroup memory and no barriers; the chunk length and the digit width come
 * from the adapter's shapes (src/gpu/kernel-shapes.ts) and never change the result.
 *
 * The key count is read on the GPU: it is copied into the `info` buffer and a one-invocation
 * setup kernel derives the chunk length, chunk count and an indirect grid, so the work follows
 * the real count while `maxCount` only sizes the scratch. Per-pass constants (shift, digit mask,
 * bins) live in one uniform buffer made at construction and are picked by dynamic offsets;
 * nothing is written with queue.writeBuffer, so several encodes may share one command encoder.
 *
 * Memory: scratch keys and values of maxCount u32 each, and a histogram plus its scan of
 * bins * chunks u32 (at most maxCount / sortMinChunk * bins; a fraction of the keys on CPU
 * adapters).
 *
 * Small sorts on CPU adapters (maxCount <= shapes.sortSingleMaxKeys) run each pass as one
 * dispatch of one workgroup (shaders/radix_sort_single.wgsl: the same count, scan and scatter
 * with the histogram in workgroup memory) with the widest digits: a software adapter pays for
 * every dispatch, and at 10k-30k keys the six of a pass cost more than the work (0.26-0.31x the
 * time of the multi-dispatch passes at 20k keys on SwiftShader, 2 cores; 0.8x at 200k keys).
 *
 * A buffer replaced by growth is destroyed at the first encode into a later encoder,
 * since commands already recorded may still use it; submit encoders in the order they were
 * recorded.
 */
import { bindBuffers, bindGroupLayout, bindingLimit, computePipeline, range } from '../gpu/pipeline';
import { ScratchBuffer } from '../gpu/scratch-buffer';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';
import { packStruct } from '../gpu/struct-layout';
import { PrefixSum } from './prefix-sum';
import { SORT_PASS } from './layouts';

const sortConstants = parseWgslConstants(SHADER_SOURCES.get('common/sort.wgsl') ?? '');
function sortConst(name: string): number {
  const v = sortConstants[name];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`shaders/common/sort.wgsl lacks const ${name}`);
  return v;
}
const INFO_BYTES = sortConst('SORT_INFO_WORDS') * 4;
const INFO_HIST_LEN_BYTES = sortConst('SORT_INFO_HIST_LEN') * 4;
const INFO_GRID_BYTES = sortConst('SORT_INFO_GRID') * 4;

/** One uniform slot per (shift, width); 256 bytes is the largest dynamic-offset alignment. */
const PASS_SLOT_BYTES = 256;
const MAX_DIGIT_BITS = sortConst('SORT_MAX_DIGIT_BITS');

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

/** Passes and digit width for `bits` key bits with digits of at most `maxDigit` bits. */
export function digitPlan(bits: number, maxDigit: number): { passes: number; width: number } {
  const passes = Math.ceil(bits / maxDigit);
  return { passes, width: Math.ceil(bits / passes) };
}

/**
 * The digit width (<= the shapes' widest) with the least memory traffic for `maxCount` keys:
 * per pass the keys and values move twice (count, scatter) and the histogram of bins * chunks
 * entries three times (count, scan, scatter), so wide digits pay off only when chunks are long.
 * A pass also costs its dispatches, about as much as moving shapes.sortPassOverheadWords.
 */
export function chooseDigitBits(bits: number, maxCount: number, shapes: KernelShapes): number {
  const chunks = Math.max(1, Math.min(shapes.sortTargetChunks, Math.ceil(maxCount / shapes.sortMinChunk)));
  let best = 1;
  let bestCost = Infinity;
  for (let w = 1; w <= shapes.sortDigitBits; w++) {
    const { passes, width } = digitPlan(bits, w);
    const cost = passes * (4 * maxCount + 3 * (1 << width) * chunks + shapes.sortPassOverheadWords);
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}

/** Bind groups that depend on the caller's buffers; index 0 reads the inputs, 1 reads the scratch. */
interface CallerGroups {
  keys: GPUBuffer;
  values: GPUBuffer;
  generation: number;
  setup: GPUBindGroup;
  count: [GPUBindGroup, GPUBindGroup];
  scatter: [GPUBindGroup, GPUBindGroup];
  /** One-workgroup passes (CPU adapters, small sorts): [to scratch, to the inputs]. */
  single: [GPUBindGroup, GPUBindGroup] | undefined;
}

const CACHE_SIZE = 4;

export class RadixSort {
  private readonly shapes: KernelShapes;
  private readonly scan: PrefixSum;
  private readonly setupLayout: GPUBindGroupLayout;
  private readonly countLayout: GPUBindGroupLayout;
  private readonly scatterLayout: GPUBindGroupLayout;
  private readonly setupPipeline: GPUComputePipeline;
  private readonly countPipeline: GPUComputePipeline;
  private readonly scatterPipeline: GPUComputePipeline;
  /** radix_sort_single.wgsl, when the shapes allow one-workgroup passes. */
  private readonly single: { layout: GPUBindGroupLayout; pipeline: GPUComputePipeline } | undefined;
  /** [passes * widths slots] SortPass constants at PASS_SLOT_BYTES stride. */
  private readonly passConsts: GPUBuffer;
  /** [SORT_INFO_WORDS] u32: count, chunk sizes and the indirect grid, written on the GPU. */
  private readonly info: GPUBuffer;
  private readonly scratchKeys: ScratchBuffer;
  private readonly scratchValues: ScratchBuffer;
  /** [bins, chunks] u32 digit counts per chunk, digit-major. */
  private readonly hist: ScratchBuffer;
  /** [bins * chunks + 1] u32 exclusive scan of hist, bumped by the scatter. */
  private readonly offsets: ScratchBuffer;
  /** Byte offset of each pass's constants, by slotKey(width, shift, used bits). */
  private readonly slotOf = new Map<string, number>();
  private callerCache: CallerGroups[] = [];
  /** [4] u32 stand-in vec4 view of a key or value buffer shorter than 16 bytes (never read). */
  private emptyQuads: GPUBuffer | undefined;
  private lastEncoder: GPUCommandEncoder | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'RadixSort',
    shapes: KernelShapes = kernelShapes(device),
  ) {
    const L = label;
    this.shapes = shapes;
    const s = this.shapes;
    const constants = { SORT_WG: s.sortWorkgroup, SORT_MIN_CHUNK: s.sortMinChunk, SORT_TARGET_CHUNKS: Math.min(s.sortTargetChunks, 2 ** 31) };
    this.scan = new PrefixSum(device, `${L}.scan`, shapes);
    this.setupLayout = bindGroupLayout(device, `${L}.setup`, ['uniform-dynamic', 'rw', 'read', 'read', 'read', 'read', 'read']);
    // CPU adapters: private digit counters and vec4 views of the inputs (the extra bindings).
    const priv = s.sortPrivateDigits;
    this.countLayout = bindGroupLayout(device, `${L}.count`, ['uniform-dynamic', 'read', 'read', 'rw', ...(priv ? (['read'] as const) : [])]);
    this.scatterLayout = bindGroupLayout(device, `${L}.scatter`, ['uniform-dynamic', 'read', 'read', 'read', 'rw', 'rw', 'rw', ...(priv ? (['read', 'read'] as const) : [])]);
    this.setupPipeline = computePipeline(device, `${L}.setup`, 'radix_sort_setup.wgsl', [this.setupLayout], constants);
    const variant = priv ? '_private' : '';
    this.countPipeline = computePipeline(device, `${L}.count`, `radix_sort_count${variant}.wgsl`, [this.countLayout], constants);
    this.scatterPipeline = computePipeline(device, `${L}.scatter`, `radix_sort_scatter${variant}.wgsl`, [this.scatterLayout], constants);
    if (s.sortSingleMaxKeys > 0) {
      const layout = bindGroupLayout(device, `${L}.single`, ['uniform-dynamic', 'read', 'read', 'read', 'rw', 'rw', 'read', 'read']);
      this.single = { layout, pipeline: computePipeline(device, `${L}.single`, 'radix_sort_single.wgsl', [layout], constants) };
    }

    // Every pass a sort of up to 32 bits can make: digits of `width` bits, pass p at shift
    // p * width, the last one narrowed to the sort's key bits (`used`).
    const slots: [number, number, number][] = [];
    for (let width = 1; width <= MAX_DIGIT_BITS; width++) {
      for (let shift = 0; shift < 32; shift += width) {
        for (let used = 1; used <= Math.min(width, 32 - shift); used++) slots.push([width, shift, used]);
      }
    }
    this.passConsts = device.createBuffer({ label: `${L}.passConsts`, size: slots.length * PASS_SLOT_BYTES, usage: USAGE.UNIFORM, mappedAtCreation: true });
    const mapped = this.passConsts.getMappedRange();
    slots.forEach(([width, shift, used], i) => {
      this.slotOf.set(slotKey(width, shift, used), i * PASS_SLOT_BYTES);
      packStruct(SORT_PASS, { shift, mask: 2 ** used - 1, bins: 2 ** width }, mapped, i * PASS_SLOT_BYTES);
    });
    this.passConsts.unmap();

    this.info = device.createBuffer({ label: `${L}.info`, size: Math.max(INFO_BYTES, 16), usage: USAGE.STORAGE | USAGE.INDIRECT | USAGE.COPY_DST | USAGE.COPY_SRC });
    this.scratchKeys = new ScratchBuffer(device, `${L}.scratchKeys`);
    this.scratchValues = new ScratchBuffer(device, `${L}.scratchValues`);
    this.hist = new ScratchBuffer(device, `${L}.hist`);
    this.offsets = new ScratchBuffer(device, `${L}.offsets`);
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
    // Small sorts on CPU adapters: one dispatch per pass, so the widest digits (fewest passes).
    const single = this.single !== undefined && maxCount <= this.shapes.sortSingleMaxKeys;
    const { passes, width } = digitPlan(bits, single ? this.shapes.sortDigitBits : chooseDigitBits(bits, maxCount, this.shapes));
    const bins = 1 << width;
    const histLen = this.ensureScratch(maxCount, bins);
    const caller = this.callerGroups(keys, values);
    const L = this.label;

    encoder.copyBufferToBuffer(countBuffer, countOffset, this.info, 0, 4);
    let pass = encoder.beginComputePass({ label: `${L}.setup` });
    pass.setPipeline(this.setupPipeline);
    pass.setBindGroup(0, caller.setup, [this.passSlot(width, 0, bits)]);
    pass.dispatchWorkgroups(1);
    pass.end();
    for (let p = 0; p < passes; p++) {
      const slot = this.passSlot(width, p * width, bits);
      const from = p % 2;
      if (single && caller.single && this.single) {
        pass = encoder.beginComputePass({ label: `${L}.single` });
        pass.setPipeline(this.single.pipeline);
        pass.setBindGroup(0, caller.single[from], [slot]);
        pass.dispatchWorkgroups(1);
        pass.end();
        continue;
      }
      pass = encoder.beginComputePass({ label: `${L}.count` });
      pass.setPipeline(this.countPipeline);
      pass.setBindGroup(0, caller.count[from], [slot]);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_GRID_BYTES);
      pass.end();
      this.scan.encode(encoder, { input: this.hist.buffer, output: this.offsets.buffer, count: histLen, countBuffer: this.info, countOffset: INFO_HIST_LEN_BYTES });
      pass = encoder.beginComputePass({ label: `${L}.scatter` });
      pass.setPipeline(this.scatterPipeline);
      pass.setBindGroup(0, caller.scatter[from], [slot]);
      pass.dispatchWorkgroupsIndirect(this.info, INFO_GRID_BYTES);
      pass.end();
    }
    return passes % 2 === 0 ? { keys, values } : { keys: this.scratchKeys.buffer, values: this.scratchValues.buffer };
  }

  destroy(): void {
    for (const s of this.scratch()) s.destroy();
    this.scan.destroy();
    this.passConsts.destroy();
    this.info.destroy();
    this.emptyQuads?.destroy();
    this.callerCache = [];
  }

  /** Constants of the pass at `shift` of a sort by `bits` key bits in digits of `width`. */
  private passSlot(width: number, shift: number, bits: number): number {
    const at = this.slotOf.get(slotKey(width, shift, Math.min(width, bits - shift)));
    if (at === undefined) throw new Error(`${this.label}: no pass constants for width ${width} shift ${shift}`);
    return at;
  }

  private noQuads(): GPUBuffer {
    this.emptyQuads ??= this.device.createBuffer({ label: `${this.label}.noQuads`, size: 16, usage: USAGE.STORAGE });
    return this.emptyQuads;
  }

  private scratch(): ScratchBuffer[] {
    return [this.scratchKeys, this.scratchValues, this.hist, this.offsets];
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

  /** Sizes the scratch for maxCount keys; returns the largest histogram length. */
  private ensureScratch(maxCount: number, bins: number): number {
    this.scratchKeys.ensure(maxCount * 4);
    this.scratchValues.ensure(maxCount * 4);
    const s = this.shapes;
    const chunks = Math.max(1, Math.min(s.sortTargetChunks, Math.ceil(maxCount / s.sortMinChunk)));
    const histLen = bins * chunks;
    this.hist.ensure(histLen * 4);
    this.offsets.ensure((histLen + 1) * 4);
    return histLen;
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
    const consts = range(this.passConsts, SORT_PASS.bytes);
    const offsets = whole(this.offsets.buffer);
    const hist = whole(this.hist.buffer);
    // vec4 views for the CPU kernels: the whole 16-byte words of each buffer (the kernels read
    // the rest through the u32 views). A buffer under 16 bytes gets the empty-words stand-in.
    const priv = this.shapes.sortPrivateDigits;
    const quadView = (b: GPUBuffer): GPUBufferBinding => {
      const limit = Math.min(b.size, bindingLimit(d));
      const bytes = limit - (limit % 16);
      return bytes >= 16 ? range(b, bytes) : range(this.noQuads(), 16);
    };
    const quads = (b: GPUBuffer): GPUBufferBinding[] => (priv ? [quadView(b)] : []);
    const entry: CallerGroups = {
      keys,
      values,
      generation,
      setup: bindBuffers(d, `${L}.setup`, this.setupLayout, [consts, info, k, v, sk, sv, hist]),
      count: [
        bindBuffers(d, `${L}.count.fromInput`, this.countLayout, [consts, info, k, hist, ...quads(keys)]),
        bindBuffers(d, `${L}.count.fromScratch`, this.countLayout, [consts, info, sk, hist, ...quads(this.scratchKeys.buffer)]),
      ],
      scatter: [
        bindBuffers(d, `${L}.scatter.toScratch`, this.scatterLayout, [consts, info, k, v, offsets, sk, sv, ...quads(keys), ...quads(values)]),
        bindBuffers(d, `${L}.scatter.toInput`, this.scatterLayout, [consts, info, sk, sv, offsets, k, v, ...quads(this.scratchKeys.buffer), ...quads(this.scratchValues.buffer)]),
      ],
      single: undefined,
    };
    if (this.single) {
      const [sKeys, sValues] = [this.scratchKeys.buffer, this.scratchValues.buffer];
      entry.single = [
        bindBuffers(d, `${L}.single.toScratch`, this.single.layout, [consts, info, k, v, sk, sv, quadView(keys), quadView(values)]),
        bindBuffers(d, `${L}.single.toInput`, this.single.layout, [consts, info, sk, sv, k, v, quadView(sKeys), quadView(sValues)]),
      ];
    }
    this.callerCache.unshift(entry);
    if (this.callerCache.length > CACHE_SIZE) this.callerCache.pop();
    return entry;
  }
}

function slotKey(width: number, shift: number, used: number): string {
  return `${width}/${shift}/${used}`;
}
