#!/usr/bin/env node
// `npm test`: every test (CPU unit tests, GPU kernel tests on Dawn, browser end-to-end tests in
// headless Chromium). Makes the machine able to run them first: sets VK_ICD_FILENAMES to
// SwiftShader when no Vulkan driver is named, and installs Chromium + the Vulkan loader when
// missing and running as root on Debian; otherwise stops with one line naming the packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM = '/usr/bin/chromium';

function hasVulkanLoader() {
  const r = spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libvulkan.so.1"']);
  return r.status === 0;
}

const missing = [];
if (!existsSync(CHROMIUM) || !existsSync(ICD)) missing.push('chromium');
if (!hasVulkanLoader()) missing.push('libvulkan1');
if (missing.length > 0) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.error(`npm test: installing ${missing.join(' ')} (Debian packages) ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`npm test: could not install ${missing.join(' ')}; install them with apt-get and rerun`);
      process.exit(1);
    }
  } else {
    console.error(`npm test: missing Debian packages: ${missing.join(' ')} (apt-get install ${missing.join(' ')})`);
    process.exit(1);
  }
}

const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && existsSync(ICD)) env.VK_ICD_FILENAMES = ICD;
// Dawn prints this harmless warning on every device creation without a desktop session.
if (!env.XDG_RUNTIME_DIR) env.XDG_RUNTIME_DIR = '/tmp';

const args = ['vitest', 'run', ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env });
process.exit(r.status ?? 1);
