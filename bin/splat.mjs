#!/usr/bin/env node
// CLI launcher: runs src/cli/main.ts through vite's module runner, which resolves the `.wgsl?raw`
// shader imports the same way the browser build and the tests do.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Dawn needs a Vulkan driver; fall back to SwiftShader (Debian `chromium`) when none is named.
const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(icd) && !existsSync('/dev/nvidia0') && !existsSync('/dev/dri/renderD128')) {
  process.env.VK_ICD_FILENAMES = icd;
}
if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = '/tmp';
const { runnerImport } = await import('vite');
const { module } = await runnerImport(resolve(root, 'src/cli/main.ts'), { root, logLevel: 'error', configFile: false });
const code = await module.main(process.argv.slice(2));
process.exit(code ?? 0);
