/**
 * Node: WebGPU through Dawn (`webgpu` npm package). Dawn needs a Vulkan driver; without a GPU
 * the SwiftShader driver from Debian's `chromium` package works (see README, "Testing").
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';
import { type DeviceOptions, type GpuContext, requestDeviceFrom } from './device';
import { markSpinningWaits } from './patient-wait';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const INSTALL_HINT =
  'install a Vulkan driver and loader: on a machine without a GPU, `apt-get install chromium libvulkan1` ' +
  `and set VK_ICD_FILENAMES=${SWIFTSHADER_ICD} (npm test does this itself)`;

let gpuInstance: GPU | undefined;

export interface NodeDeviceOptions extends DeviceOptions {
  /**
   * Dawn instance toggles, e.g. 'enable-dawn-features=disable_workgroup_init' (the tests use it:
   * zeroing workgroup memory dominates SwiftShader's kernel time, and every kernel here writes
   * its workgroup memory before reading it, so a kernel that relied on the zeroing fails the
   * tests instead of passing by luck). Applies to the first device of the process.
   */
  dawnToggles?: string[];
}

export async function requestNodeDevice(options: NodeDeviceOptions = {}): Promise<GpuContext> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD) && !hasRealGpuHint()) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!gpuInstance) {
    Object.assign(globalThis, globals);
    gpuInstance = create(options.dawnToggles ?? []) as unknown as GPU;
  }
  const ctx = await requestDeviceFrom(gpuInstance, INSTALL_HINT, options);
  // Opt-out for A/B measurements of the patient waits (bench only).
  if (process.env.SPLAT_BUSY_WAIT !== '1') markSpinningWaits(ctx.device);
  return ctx;
}

function hasRealGpuHint(): boolean {
  return existsSync('/dev/nvidia0') || existsSync('/dev/dri/renderD128');
}
