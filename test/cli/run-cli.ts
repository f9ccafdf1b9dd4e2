/** Runs the CLI as a user does (node bin/splat.mjs in a child process) for the CLI tests. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const DATA = resolve(ROOT, '../shared/data');
export const BIN = join(ROOT, 'bin/splat.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function splat(args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Runs the CLI and sends `signal` once stderr matches `when`, calling `atTrigger` just before. */
export function splatInterrupted(args: string[], when: RegExp, signal: NodeJS.Signals, atTrigger?: () => void): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && when.test(stderr)) {
        sent = true;
        atTrigger?.();
        child.kill(signal);
      }
    });
    // Never leave a training run behind when the trigger does not come.
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code, sig) => {
      clearTimeout(guard);
      done({ code: code ?? (sig === 'SIGKILL' ? 137 : 1), stdout, stderr });
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
