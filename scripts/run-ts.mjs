#!/usr/bin/env node
// `node scripts/run-ts.mjs <file.ts> [args]`: runs a TypeScript entry exporting `main(argv)`.
import { resolve } from 'node:path';
import { runTs } from './vite-runner.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args]');
  process.exit(2);
}
process.exit(await runTs(resolve(process.cwd(), entry), args, process.cwd()));
