// Runs a TypeScript module through vite's module runner, which resolves the `.wgsl` shader
// imports the same way the app and the tests do, and calls its `main(argv)`. Used by the CLI
// (bin/splat.mjs) and by `npm run bench` (scripts/run-ts.mjs).
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Dawn needs a Vulkan driver: use SwiftShader (Debian `chromium`) when none is named and no GPU is visible. */
export function defaultVulkanDriver() {
  const gpuVisible = existsSync('/dev/nvidia0') || existsSync('/dev/dri/renderD128');
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD) && !gpuVisible) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
}

export async function runTs(entry, args, root) {
  defaultVulkanDriver();
  const { runnerImport } = await import('vite');
  const { module } = await runnerImport(entry, { root, logLevel: 'error', configFile: false });
  return (await module.main(args)) ?? 0;
}
