#!/usr/bin/env node
// The `splat` CLI: src/cli/main.ts run through vite's module runner (see scripts/vite-runner.mjs).
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { runTs } from '../scripts/vite-runner.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
try {
  process.exit(await runTs(resolve(root, 'src/cli/main.ts'), process.argv.slice(2), root));
} catch (e) {
  console.error(`splat: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
