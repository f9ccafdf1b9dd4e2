/**
 * Exclusive prefix sum of u32 on the GPU (shaders/prefix_sum_*.wgsl), plus the pieces the radix
 * sort reuses to scan its digit histograms: the three scan pipelines and a scratch buffer that
 * grows without invalidating commands already recorded.
 *
 * Long inputs take three dispatches: chunk sums (reduce), one workgroup scanning those sums
 * (spine), and a per-chunk scan plus the chunk's offset (downsweep). Inputs of at most one chunk
 * go straight through the spine. The element count reaches the shaders as the bound size of the
 * input binding (WGSL arrayLength), so nothing is written with queue.writeBuffer and several
 * encodes may share one command encoder.
 */
import { dispatch1d } from '../gpu/dispatch';
import { SHADER_SOURCES, createShaderModule, parseWgslConstants } from '../gpu/wgsl';

const scanConstants = parseWgslConstants(SHADER_SOURCES.get('common/scan.wgsl') ?? '');
/** Elements one scan workgroup handles (shaders/common/scan.wgsl). */
export const SCAN_BLOCK = scanConstants.SCAN_BLOCK;
if (!(SCAN_BLOCK > 0)) throw new Error('shaders/common/scan.wgsl lacks const SCAN_BLOCK');

const USAGE_STORAGE = 0x80 | 0x8 | 0x4; // STORAGE | COPY_DST | COPY_SRC (globals may be unset in Node)

export type BindingKind = 'read' | 'write' | 'uniform-dynamic';

/** A compute bind group layout with bindings 0.. of the given kinds. */
export function computeLayout(device: GPUDevice, label: string, kinds: BindingKind[]): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label,
    entries: kinds.map((kind, binding) => ({
      binding,
      visibility: 0x4, // GPUShaderStage.COMPUTE
      buffer:
        kind === 'uniform-dynamic'
          ? { type: 'uniform' as const, hasDynamicOffset: true }
          : { type: kind === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
    })),
  });
}

export function computePipeline(device: GPUDevice, label: string, file: string, layout: GPUBindGroupLayout): GPUComputePipeline {
  return device.createComputePipeline({
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
    compute: { module: createShaderModule(device, file, label), entryPoint: 'main' },
  });
}

/** Largest storage binding in bytes (a multiple of 4) this device accepts. */
export function bindingLimit(device: GPUDevice): number {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  return limit - (limit % 4);
}

/** The three scan pipelines, shared by PrefixSum and RadixSort (one set per owner). */
export class ScanKernels {
  /** input (read), partials (write), limit (read) */
  readonly reduceLayout: GPUBindGroupLayout;
  /** input (read), output (write), limit (read) */
  readonly spineLayout: GPUBindGroupLayout;
  /** input (read), spine (read), output (write), limit (read) */
  readonly downsweepLayout: GPUBindGroupLayout;
  readonly reduce: GPUComputePipeline;
  readonly spine: GPUComputePipeline;
  readonly downsweep: GPUComputePipeline;

  constructor(device: GPUDevice, label: string) {
    this.reduceLayout = computeLayout(device, `${label}.reduce`, ['read', 'write', 'read']);
    this.spineLayout = computeLayout(device, `${label}.spine`, ['read', 'write', 'read']);
    this.downsweepLayout = computeLayout(device, `${label}.downsweep`, ['read', 'read', 'write', 'read']);
    this.reduce = computePipeline(device, `${label}.reduce`, 'prefix_sum_reduce.wgsl', this.reduceLayout);
    this.spine = computePipeline(device, `${label}.spine`, 'prefix_sum_spine.wgsl', this.spineLayout);
    this.downsweep = computePipeline(device, `${label}.downsweep`, 'prefix_sum_downsweep.wgsl', this.downsweepLayout);
  }
}

/**
 * A storage buffer that grows by doubling. A replaced buffer may still be referenced by commands
 * recorded into an encoder that has not been submitted, so it is only destroyed by
 * `releaseRetired`, which owners call when they see a new encoder (the previous one has been
 * submitted or dropped by then).
 */
export class ScratchBuffer {
  buffer: GPUBuffer;
  /** Bumped whenever `buffer` is replaced (bind groups that use it go stale). */
  generation = 0;
  private retired: GPUBuffer[] = [];

  constructor(
    private readonly device: GPUDevice,
    readonly label: string,
    private readonly usage: GPUBufferUsageFlags = USAGE_STORAGE,
    initialBytes = 16,
  ) {
    this.buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(initialBytes / 4) * 4), usage });
  }

  get capacity(): number {
    return this.buffer.size;
  }

  /** Ensures at least `bytes`; returns true when the buffer was replaced. */
  ensure(bytes: number): boolean {
    if (bytes <= this.buffer.size) return false;
    const limit = bindingLimit(this.device);
    if (bytes > limit) {
      throw new RangeError(`${this.label}: needs ${bytes} bytes, over this device's storage binding limit of ${limit} bytes`);
    }
    let next = this.buffer.size;
    while (next < bytes) next *= 2;
    this.retired.push(this.buffer);
    this.buffer = this.device.createBuffer({ label: this.label, size: Math.min(next, limit), usage: this.usage });
    this.generation++;
    return true;
  }

  releaseRetired(): void {
    for (const b of this.retired) b.destroy();
    this.retired = [];
  }

  destroy(): void {
    this.releaseRetired();
    this.buffer.destroy();
  }
}

/** Binds [offset, offset + size) of a buffer. */
export function range(buffer: GPUBuffer, size: number, offset = 0): GPUBufferBinding {
  return { buffer, offset, size };
}

export function bindGroup(device: GPUDevice, label: string, layout: GPUBindGroupLayout, resources: GPUBufferBinding[]): GPUBindGroup {
  return device.createBindGroup({ label, layout, entries: resources.map((resource, binding) => ({ binding, resource })) });
}

export interface PrefixSumArgs {
  /** [>= count] u32, STORAGE. */
  input: GPUBuffer;
  /** [>= count + 1] u32, STORAGE; must not be `input`. */
  output: GPUBuffer;
  /** Elements to scan, known on the CPU. */
  count: number;
  /** Where to copy the total as well (the buffer needs COPY_DST; `output` then needs COPY_SRC). */
  totalOut?: { buffer: GPUBuffer; offset: number };
}

interface CachedGroups {
  input: GPUBuffer;
  output: GPUBuffer;
  count: number;
  generation: number;
  groups: GPUBindGroup[];
}

const CACHE_SIZE = 8;

export class PrefixSum {
  private readonly kernels: ScanKernels;
  private readonly partials: ScratchBuffer;
  private readonly spineOut: ScratchBuffer;
  /** [1] u32 0xffffffff: the `limit` binding when the binding size alone gives the count. */
  private readonly noLimit: GPUBuffer;
  private cache: CachedGroups[] = [];
  private lastEncoder: GPUCommandEncoder | undefined;

  constructor(
    private readonly device: GPUDevice,
    private readonly label = 'PrefixSum',
  ) {
    this.kernels = new ScanKernels(device, label);
    this.partials = new ScratchBuffer(device, `${label}.partials`);
    this.spineOut = new ScratchBuffer(device, `${label}.spineOut`);
    this.noLimit = device.createBuffer({ label: `${label}.noLimit`, size: 16, usage: 0x80, mappedAtCreation: true });
    new Uint32Array(this.noLimit.getMappedRange()).fill(0xffffffff);
    this.noLimit.unmap();
  }

  /**
   * Exclusive scan of `count` u32: output[i] = sum input[0 .. i), output[count] = total. Also
   * copies the total to totalOut.buffer at totalOut.offset when given.
   */
  encode(encoder: GPUCommandEncoder, args: PrefixSumArgs): void {
    const { input, output, count, totalOut } = args;
    this.validate(args);
    if (encoder !== this.lastEncoder) {
      this.partials.releaseRetired();
      this.spineOut.releaseRetired();
      this.lastEncoder = encoder;
    }
    if (count === 0) {
      encoder.clearBuffer(output, 0, 4);
    } else {
      const groups = this.bindGroups(input, output, count);
      const pass = encoder.beginComputePass({ label: this.label });
      if (count <= SCAN_BLOCK) {
        pass.setPipeline(this.kernels.spine);
        pass.setBindGroup(0, groups[0]);
        pass.dispatchWorkgroups(1);
      } else {
        const chunks = Math.ceil(count / SCAN_BLOCK);
        pass.setPipeline(this.kernels.reduce);
        pass.setBindGroup(0, groups[0]);
        dispatch1d(pass, chunks, 1);
        pass.setPipeline(this.kernels.spine);
        pass.setBindGroup(0, groups[1]);
        pass.dispatchWorkgroups(1);
        pass.setPipeline(this.kernels.downsweep);
        pass.setBindGroup(0, groups[2]);
        dispatch1d(pass, chunks, 1);
      }
      pass.end();
    }
    if (totalOut) encoder.copyBufferToBuffer(output, count * 4, totalOut.buffer, totalOut.offset, 4);
  }

  destroy(): void {
    this.partials.destroy();
    this.spineOut.destroy();
    this.noLimit.destroy();
    this.cache = [];
  }

  private validate({ input, output, count, totalOut }: PrefixSumArgs): void {
    const name = this.label;
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`${name}: count must be a non-negative integer, got ${count}`);
    if (input === output) throw new Error(`${name}: input and output must be different buffers (${input.label})`);
    if (input.size < count * 4) {
      throw new RangeError(`${name}: input '${input.label}' holds ${input.size} bytes, too small for ${count} u32`);
    }
    if (output.size < (count + 1) * 4) {
      throw new RangeError(`${name}: output '${output.label}' holds ${output.size} bytes, too small for ${count} + 1 u32`);
    }
    if (count * 4 > bindingLimit(this.device)) {
      throw new RangeError(`${name}: ${count} u32 exceed this device's storage binding limit of ${bindingLimit(this.device)} bytes`);
    }
    if (totalOut && (totalOut.offset % 4 !== 0 || totalOut.offset < 0 || totalOut.offset + 4 > totalOut.buffer.size)) {
      throw new RangeError(`${name}: totalOut offset ${totalOut.offset} is not a 4-aligned slot inside '${totalOut.buffer.label}' (${totalOut.buffer.size} bytes)`);
    }
  }

  /** Bind groups for this (input, output, count), cached: a renderer repeats the same few every frame. */
  private bindGroups(input: GPUBuffer, output: GPUBuffer, count: number): GPUBindGroup[] {
    if (count > SCAN_BLOCK) {
      const chunks = Math.ceil(count / SCAN_BLOCK);
      this.partials.ensure(chunks * 4);
      this.spineOut.ensure((chunks + 1) * 4);
    }
    const generation = this.partials.generation * 65536 + this.spineOut.generation;
    const hit = this.cache.find((c) => c.input === input && c.output === output && c.count === count && c.generation === generation);
    if (hit) return hit.groups;
    const d = this.device;
    const k = this.kernels;
    const L = this.label;
    const limit = range(this.noLimit, 4);
    const inRange = range(input, count * 4);
    const outRange = range(output, (count + 1) * 4);
    let groups: GPUBindGroup[];
    if (count <= SCAN_BLOCK) {
      groups = [bindGroup(d, `${L}.spine`, k.spineLayout, [inRange, outRange, limit])];
    } else {
      const chunks = Math.ceil(count / SCAN_BLOCK);
      const partials = range(this.partials.buffer, chunks * 4);
      const spine = range(this.spineOut.buffer, (chunks + 1) * 4);
      groups = [
        bindGroup(d, `${L}.reduce`, k.reduceLayout, [inRange, partials, limit]),
        bindGroup(d, `${L}.spine`, k.spineLayout, [partials, spine, limit]),
        bindGroup(d, `${L}.downsweep`, k.downsweepLayout, [inRange, spine, outRange, limit]),
      ];
    }
    this.cache.unshift({ input, output, count, generation, groups });
    if (this.cache.length > CACHE_SIZE) this.cache.pop();
    return groups;
  }
}
