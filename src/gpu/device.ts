/**
 * One way to get a GPUDevice, in the browser (navigator.gpu) and in Node (Dawn through the
 * `webgpu` package, see node-gpu.ts). Requests the limits the kernels need, raised to what the
 * adapter offers for the buffer sizes, so big scenes are not capped by the 128 MiB defaults.
 */

/** Limits below which the kernels cannot run at all (WebGPU core defaults). */
const REQUIRED_LIMITS = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeWorkgroupsPerDimension: 65535,
} as const;

/** Limits requested at the adapter's maximum: they only bound how big a scene can be. */
const RAISED_LIMITS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage'] as const;

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export interface DeviceOptions {
  /** Called for every uncaptured GPU error (validation, out-of-memory). Default: console.error. */
  onError?: (message: string) => void;
  /** Adapter power preference. Default: 'high-performance'. */
  powerPreference?: GPUPowerPreference;
  /**
   * Keep WebGPU's default buffer limits (128 MiB storage bindings) instead of the adapter's
   * maximum: what a small GPU offers, for checking how much a run may hold. Default false.
   */
  defaultBufferLimits?: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  adapterName: string;
  /** Whether the optional `subgroups` feature was enabled (never required). */
  subgroups: boolean;
  timestampQuery: boolean;
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && s.length > 0);
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

export async function requestDeviceFrom(gpu: GPU | undefined, whatToInstall: string, options: DeviceOptions = {}): Promise<GpuContext> {
  if (!gpu) throw new GpuUnavailableError(`WebGPU is not available: ${whatToInstall}`);
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuUnavailableError(`No WebGPU adapter found: ${whatToInstall}`);
  for (const [name, need] of Object.entries(REQUIRED_LIMITS)) {
    const have = (adapter.limits as unknown as Record<string, number>)[name];
    if (have < need) {
      throw new GpuUnavailableError(`WebGPU adapter ${describeAdapter(adapter)} has ${name} = ${have}; the kernels need ${need}`);
    }
  }
  const requiredLimits: Record<string, number> = { ...REQUIRED_LIMITS };
  if (!options.defaultBufferLimits) for (const name of RAISED_LIMITS) requiredLimits[name] = (adapter.limits as unknown as Record<string, number>)[name];
  const features: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) features.push('timestamp-query');
  if (adapter.features.has('subgroups')) features.push('subgroups');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: features, label: 'splat device' });
  const onError = options.onError ?? ((m: string) => console.error(`WebGPU error: ${m}`));
  device.addEventListener('uncapturederror', (ev) => onError(gpuErrorText((ev as GPUUncapturedErrorEvent).error.message)));
  return {
    device,
    adapterName: describeAdapter(adapter),
    subgroups: features.includes('subgroups'),
    timestampQuery: features.includes('timestamp-query'),
  };
}

/**
 * A GPUError's message on one line, for people: Dawn appends its own source locations
 * ("    at CheckVkOOMThenSuccessImpl (.../VulkanError.cpp:119)") and splits context over lines.
 */
export function gpuErrorText(message: string): string {
  return message
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ');
}

/** Browser: navigator.gpu. */
export function requestBrowserDevice(options: DeviceOptions = {}): Promise<GpuContext> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  return requestDeviceFrom(gpu, 'use a browser with WebGPU enabled (Chrome/Edge 113+, Safari 26+, Firefox 141+)', options);
}
