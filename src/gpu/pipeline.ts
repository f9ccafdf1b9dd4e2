/**
 * Small builders for explicit bind group layouts, compute pipelines and bind groups: the one
 * plumbing every kernel wrapper in src/kernels uses.
 */
import { createShaderModule } from './wgsl';

/** 'uniform-dynamic': a uniform picked per dispatch by a dynamic offset (per-pass constants). */
export type BindingKind = 'uniform' | 'uniform-dynamic' | 'read' | 'rw';

export function bindGroupLayout(
  device: GPUDevice,
  label: string,
  kinds: BindingKind[],
  visibility: GPUShaderStageFlags = 0x4, // COMPUTE
): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label,
    entries: kinds.map((kind, binding) => ({
      binding,
      visibility,
      buffer:
        kind === 'uniform-dynamic'
          ? { type: 'uniform' as const, hasDynamicOffset: true }
          : { type: kind === 'uniform' ? ('uniform' as const) : kind === 'read' ? ('read-only-storage' as const) : ('storage' as const) },
    })),
  });
}

/** Binds whole buffers, or ranges of them, to bindings 0.. in order. */
export function bindBuffers(device: GPUDevice, label: string, layout: GPUBindGroupLayout, buffers: (GPUBuffer | GPUBufferBinding)[]): GPUBindGroup {
  return device.createBindGroup({
    label,
    layout,
    // A GPUBuffer has no `buffer` field; a GPUBufferBinding always has one.
    entries: buffers.map((b, binding) => ({ binding, resource: 'buffer' in b ? b : { buffer: b } })),
  });
}

/** [offset, offset + size) of a buffer, as a binding resource. */
export function range(buffer: GPUBuffer, size: number, offset = 0): GPUBufferBinding {
  return { buffer, offset, size };
}

/** Largest storage binding in bytes (a multiple of 4) this device accepts. */
export function bindingLimit(device: GPUDevice): number {
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  return limit - (limit % 4);
}

export function computePipeline(
  device: GPUDevice,
  label: string,
  shaderFile: string,
  layouts: GPUBindGroupLayout[],
  constants?: Record<string, number>,
): GPUComputePipeline {
  return device.createComputePipeline({
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: layouts }),
    compute: { module: createShaderModule(device, shaderFile, label), entryPoint: 'main', constants },
  });
}
