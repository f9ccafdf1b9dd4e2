/** Small builders for explicit bind group layouts and compute pipelines. */
import { createShaderModule } from './wgsl';

export type BindingKind = 'uniform' | 'read' | 'rw';

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
      buffer: { type: kind === 'uniform' ? 'uniform' : kind === 'read' ? 'read-only-storage' : 'storage' },
    })),
  });
}

export function bindBuffers(device: GPUDevice, label: string, layout: GPUBindGroupLayout, buffers: GPUBuffer[]): GPUBindGroup {
  return device.createBindGroup({ label, layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
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
