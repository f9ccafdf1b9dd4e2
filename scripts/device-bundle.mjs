#!/usr/bin/env node
// Bundles the GPU machine's entry points (bench/gpu-targets.ts, bench/run.ts) into plain ES
// modules under .device/dist, shaders inlined, so that machine needs only `node` and the
// `webgpu` package (scripts/device-kit.sh pack). Each bundle exports `main(argv)`.
// `node scripts/device-bundle.mjs [outDir]` (default .device/dist; the test bundles elsewhere).
import { resolve } from 'node:path';
import { build } from 'vite';

const root = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? resolve(root, '.device/dist'));
await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    target: 'node20',
    outDir,
    emptyOutDir: true,
    minify: false,
    rollupOptions: {
      input: { 'gpu-targets': resolve(root, 'bench/gpu-targets.ts'), bench: resolve(root, 'bench/run.ts') },
      external: ['webgpu', /^node:/],
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' },
    },
  },
  ssr: { noExternal: true, external: ['webgpu'] },
});
