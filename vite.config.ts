import { defineConfig } from 'vitest/config';

export default defineConfig({
  server: { fs: { allow: ['.', '../shared'] } },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['test/**/*.test.ts'],
    // SwiftShader runs WGSL on the CPU: GPU tests take seconds, and two cores are shared by
    // every test file, so files run one at a time and the timeouts are generous.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    reporters: ['default'],
  },
});
