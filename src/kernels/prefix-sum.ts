/**
 * Exclusive prefix sum of u32 on the GPU (shaders/prefix_sum_*.wgsl) in serial chunks: each
 * invocation sums SCAN_CHUNK consecutive elements, the chunk sums are reduced the same way level
 * by level until one chunk is left, one invocation scans that, and each level is rescanned from
 * the level above. No workgroup memory and no barriers (see src/gpu/kernel-shapes.ts for why).
 *
 * The count may live on the GPU (`countBuffer`, e.g. a histogram length another kernel wrote):
 * a one-invocation setup kernel derives every level's length and indirect grid from it, so the
 * work follows the real count while `count` (a CPU upper bound) sizes the scratch and the number
 * of levels. Nothing is written with queue.writeBuffer, so several encodes may share an encoder.
 */
import { bindBuffers, bindGroupLayout, bindingLimit, computePipeline, range } from '../gpu/pipeline';
import { ScratchBuffer } from '../gpu/scratch-buffer';
import { type KernelShapes, kernelShapes } from '../gpu/kernel-shapes';
import { idOf } from '../gpu/bind-group-cache';
import { SHADER_SOURCES, parseWgslConstants } from '../gpu/wgsl';

const scanConstants = parseWgslConstants(SHADER_SOURCES.get('common/scan.wgsl') ?? '');
function scanConst(name: string): number {
  const v = scanConstants[name];
  if (v === undefined || !Number.isFinite(v)) throw new Error(`shaders/common/scan.wgsl lacks const ${name}`);
  return v;
}
const MAX_LEVELS = scanConst('SCAN_MAX_LEVELS');
const SLOT_BYTES = scanConst('SCAN_SLOT_WORDS') * 4;
const INFO_BYTES = scanConst('SCAN_INFO_WORDS') * 4;
const USAGE = { STORAGE: 0x80, INDIRECT: 0x100, COPY_DST: 0x8, COPY_SRC: 0x4 } as const;

export interface PrefixSumArgs {
  /** [>= count] u32, STORAGE. */
  input: GPUBuffer;
  /** [>= count + 1] u32, STORAGE; must not be `input`. */
  output: GPUBuffer;
  /** Elements to scan when `countBuffer` is absent; otherwise an upper bound on the GPU count. */
  count: number;
  /** Holds the element count as a u32 at countOffset (needs COPY_SRC); clamped to the buffers. */
  countBuffer?: GPUBuffer;
  /** Byte offset of the count in countBuffer, a multiple of 4. Default 0. */
  countOffset?: number;
  /** Where to copy the total as well (the buffer needs COPY_DST). */
  totalOut?: { buffer: GPUBuffer; offset: number };
}

interface CachedGroups {
  key: string;
  groups: GPUBindGroup[];
}

const CACHE_SIZE = 8;

/** Levels of chunk sums above the input for `count` elements in chunks of `chunk`. */
export function scanLevels(count: number, chunk: number): number {
  let len = count;
  let levels = 0;
  while (len > chunk) {
    len = Math.ceil(len / chunk);
    levels++;
  }
  return levels;
}

export class PrefixSum {
  private readonly chunk: number;
  private readonly setupLayout: GPUBindGroupLayout;
  private readonly reduceLayout: GPUBindGroupLayout;
  private readonly topLayout: GPUBindGroupLayout;
  private readonly downLayout: GPUBindGroupLayout;
  private readonly setup: GPUComputePipeline;
  private readonly reduce: GPUComputePipeline;
  private readonly top: GPUComputePipeline;
  private readonly down: GPUComputePipeline;
  /** [SCAN_INFO_WORDS] u32: count, level lengths and indirect grids (common/scan.wgsl). */
  private readonly info: GPUBuffer;
  /** [1] u32 0xffffffff: the requested count when the bindings alone bound it. */
  private readonly noLimit: GPUBuffer;
  /** [1] u32 the total of the last scan. */
  private readonly total: GPUBuffer;
  /** Per level l >= 1: the chunk sums of level l - 1, and their exclusive scan (+ total). */
  private readonly sums: ScratchBuffer[] = [];
  private readonly scanned: ScratchBuffer[] = [];
  private cache: CachedGroups[] = [];
  private lastEncoder: GPUCommandEncoder | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'PrefixSum',
    shapes: KernelShapes = kernelShapes(device),
  ) {
    this.chunk = shapes.scanChunk;
    const constants = { SCAN_CHUNK: shapes.scanChunk, SCAN_WG: shapes.chunkWorkgroup };
    const L = label;
    this.setupLayout = bindGroupLayout(device, `${L}.setup`, ['rw', 'read', 'rw']);
    this.reduceLayout = bindGroupLayout(device, `${L}.reduce`, ['read', 'read', 'rw']);
    this.topLayout = bindGroupLayout(device, `${L}.top`, ['read', 'read', 'rw', 'rw']);
    this.downLayout = bindGroupLayout(device, `${L}.downsweep`, ['read', 'read', 'read', 'rw']);
    this.setup = computePipeline(device, `${L}.setup`, 'prefix_sum_setup.wgsl', [this.setupLayout], constants);
    this.reduce = computePipeline(device, `${L}.reduce`, 'prefix_sum_reduce.wgsl', [this.reduceLayout], constants);
    this.top = computePipeline(device, `${L}.top`, 'prefix_sum_top.wgsl', [this.topLayout], constants);
    this.down = computePipeline(device, `${L}.downsweep`, 'prefix_sum_downsweep.wgsl', [this.downLayout], constants);
    this.info = device.createBuffer({ label: `${L}.info`, size: INFO_BYTES, usage: USAGE.STORAGE | USAGE.INDIRECT | USAGE.COPY_DST });
    this.noLimit = device.createBuffer({ label: `${L}.noLimit`, size: 16, usage: USAGE.COPY_SRC, mappedAtCreation: true });
    new Uint32Array(this.noLimit.getMappedRange()).fill(0xffffffff);
    this.noLimit.unmap();
    this.total = device.createBuffer({ label: `${L}.total`, size: 16, usage: USAGE.STORAGE | USAGE.COPY_SRC });
  }

  /**
   * Exclusive scan: output[i] = sum input[0 .. i) for i < n, output[n] = the total, where n is
   * the count (from countBuffer when given, clamped to the buffers). Also copies the total to
   * totalOut.buffer at totalOut.offset when given.
   */
  encode(encoder: GPUCommandEncoder, args: PrefixSumArgs): void {
    const { input, output, count, countBuffer, totalOut } = args;
    const countOffset = args.countOffset ?? 0;
    this.validate(args, countOffset);
    if (encoder !== this.lastEncoder) {
      for (const s of this.scratch()) s.releaseRetired();
      this.lastEncoder = encoder;
    }
    const levels = scanLevels(count, this.chunk);
    this.ensureScratch(count, levels);
    const groups = this.bindGroups(input, output, count, levels, countBuffer !== undefined);
    if (countBuffer) encoder.copyBufferToBuffer(countBuffer, countOffset, this.info, 0, 4);
    else encoder.copyBufferToBuffer(this.noLimit, 0, this.info, 0, 4);
    const pass = encoder.beginComputePass({ label: this.label });
    let g = 0;
    pass.setPipeline(this.setup);
    pass.setBindGroup(0, groups[g++]);
    pass.dispatchWorkgroups(1);
    pass.setPipeline(this.reduce);
    for (let l = 1; l <= levels; l++) {
      pass.setBindGroup(0, groups[g++]);
      pass.dispatchWorkgroupsIndirect(this.info, slotOffset(l - 1) + 4);
    }
    pass.setPipeline(this.top);
    pass.setBindGroup(0, groups[g++]);
    pass.dispatchWorkgroups(1);
    pass.setPipeline(this.down);
    for (let l = levels; l >= 1; l--) {
      pass.setBindGroup(0, groups[g++]);
      pass.dispatchWorkgroupsIndirect(this.info, slotOffset(l - 1) + 4);
    }
    pass.end();
    if (totalOut) encoder.copyBufferToBuffer(this.total, 0, totalOut.buffer, totalOut.offset, 4);
  }

  destroy(): void {
    for (const s of this.scratch()) s.destroy();
    for (const b of [this.info, this.noLimit, this.total]) b.destroy();
    this.cache = [];
  }

  /** Level buffers (index 0 is unused: level 0 is the caller's input). */
  private scratch(): ScratchBuffer[] {
    return [...this.sums, ...this.scanned].filter((s) => s !== undefined);
  }

  private validate({ input, output, count, countBuffer, totalOut }: PrefixSumArgs, countOffset: number): void {
    const name = this.label;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name}: count must be a non-negative integer, got ${count}`);
    if (input === output) throw new Error(`${name}: input and output must be different buffers (${input.label})`);
    if (!countBuffer && input.size < count * 4) {
      throw new RangeError(`${name}: input '${input.label}' holds ${input.size} bytes, too small for ${count} u32`);
    }
    if (!countBuffer && output.size < (count + 1) * 4) {
      throw new RangeError(`${name}: output '${output.label}' holds ${output.size} bytes, too small for ${count} + 1 u32`);
    }
    if (count * 4 > bindingLimit(this.device)) {
      throw new RangeError(`${name}: ${count} u32 exceed this device's storage binding limit of ${bindingLimit(this.device)} bytes`);
    }
    if (countBuffer && (countOffset % 4 !== 0 || countOffset < 0 || countOffset + 4 > countBuffer.size)) {
      throw new RangeError(`${name}: countOffset ${countOffset} is not a 4-aligned u32 inside '${countBuffer.label}' (${countBuffer.size} bytes)`);
    }
    if (totalOut && (totalOut.offset % 4 !== 0 || totalOut.offset < 0 || totalOut.offset + 4 > totalOut.buffer.size)) {
      throw new RangeError(`${name}: totalOut offset ${totalOut.offset} is not a 4-aligned slot inside '${totalOut.buffer.label}' (${totalOut.buffer.size} bytes)`);
    }
    if (scanLevels(count, this.chunk) > MAX_LEVELS) throw new RangeError(`${name}: ${count} elements need more than ${MAX_LEVELS} scan levels`);
  }

  private ensureScratch(count: number, levelCount: number): void {
    let len = count;
    for (let l = 1; l <= levelCount; l++) {
      len = Math.ceil(len / this.chunk);
      if (!this.sums[l]) {
        this.sums[l] = new ScratchBuffer(this.device, `${this.label}.sums${l}`);
        this.scanned[l] = new ScratchBuffer(this.device, `${this.label}.scanned${l}`);
      }
      this.sums[l].ensure(len * 4);
      this.scanned[l].ensure((len + 1) * 4);
    }
  }

  /** Bind groups in dispatch order: setup, reduce 1..L, top, downsweep L..1. Cached per buffers. */
  private bindGroups(input: GPUBuffer, output: GPUBuffer, count: number, levelCount: number, gpuCount: boolean): GPUBindGroup[] {
    const gens = [];
    for (let l = 1; l <= levelCount; l++) gens.push(this.sums[l].generation, this.scanned[l].generation);
    const key = `${idOf(input)},${idOf(output)},${gpuCount ? 'gpu' : count},${levelCount},${gens.join('.')}`;
    const hit = this.cache.find((c) => c.key === key);
    if (hit) return hit.groups;
    const d = this.device;
    const L = this.label;
    const whole = (b: GPUBuffer): GPUBufferBinding => range(b, Math.min(b.size - (b.size % 4), bindingLimit(d)));
    const inRange = gpuCount ? whole(input) : range(input, Math.max(count, 1) * 4);
    const outRange = gpuCount ? whole(output) : range(output, (count + 1) * 4);
    // With a CPU count of 0 the input binding still needs a word; the setup clamps to output - 1 = 0.
    const slot = (l: number) => range(this.info, 16, slotOffset(l));
    const level = (l: number): GPUBufferBinding => (l === 0 ? inRange : whole(this.sums[l].buffer));
    const scannedLevel = (l: number): GPUBufferBinding => (l === 0 ? outRange : whole(this.scanned[l].buffer));
    const groups: GPUBindGroup[] = [bindBuffers(d, `${L}.setup`, this.setupLayout, [whole(this.info), inRange, outRange])];
    for (let l = 1; l <= levelCount; l++) {
      groups.push(bindBuffers(d, `${L}.reduce${l}`, this.reduceLayout, [slot(l - 1), level(l - 1), whole(this.sums[l].buffer)]));
    }
    groups.push(bindBuffers(d, `${L}.top`, this.topLayout, [slot(levelCount), level(levelCount), scannedLevel(levelCount), range(this.total, 4)]));
    for (let l = levelCount; l >= 1; l--) {
      groups.push(bindBuffers(d, `${L}.downsweep${l}`, this.downLayout, [slot(l - 1), level(l - 1), whole(this.scanned[l].buffer), scannedLevel(l - 1)]));
    }
    this.cache.unshift({ key, groups });
    if (this.cache.length > CACHE_SIZE) this.cache.pop();
    return groups;
  }
}

function slotOffset(level: number): number {
  return (level + 1) * SLOT_BYTES;
}


