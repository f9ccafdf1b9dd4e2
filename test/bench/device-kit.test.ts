// The GPU machine's benchmark as it runs there: bench/gpu-targets.ts bundled by
// scripts/device-bundle.mjs (what scripts/device-kit.sh carries) and run by plain node, here on
// SwiftShader at tiny sizes. A bundle that misses a shader, a bad camera that sees nothing, or a
// trainer that changes the splat count would each fail here instead of on a leased machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const dist = resolve(root, 'test-output/device-dist');
const out = resolve(root, 'test-output/gpu-targets.json');

function runBundle(bundle: string, args: string[]) {
  const url = pathToFileURL(resolve(dist, bundle)).href;
  const code = `const m = await import(${JSON.stringify(url)}); process.exitCode = (await m.main(${JSON.stringify(args)})) ?? 0;`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
}

describe('device kit: bench/gpu-targets.ts bundled', () => {
  beforeAll(() => {
    rmSync(dist, { recursive: true, force: true });
    mkdirSync(dist, { recursive: true });
    const b = spawnSync(process.execPath, ['scripts/device-bundle.mjs', dist], { cwd: root, encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
  });

  it('measures the viewer and training at the sizes it is given', () => {
    rmSync(out, { force: true });
    const args = ['--splats', '3000', '--size', '96x64', '--train-splats', '2000', '--train-size', '64x48', '--frames', '2', '--steps', '2', '--warmup', '3', '--views', '2', '--out', out];
    const r = runBundle('gpu-targets.mjs', args);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.adapter).toMatch(/swiftshader/i);
    expect(j.shapes).toBe('cpu');
    expect([j.viewer.splats, j.viewer.width, j.viewer.height]).toEqual([3000, 96, 64]);
    // The turned cameras look at the slab: nearly every splat is drawn (2,999 of 3,000 measured).
    expect(j.viewer.drawn).toBeGreaterThan(2700);
    for (const f of [j.viewer.still, j.viewer.orbiting]) {
      expect(f.wallMs).toBeGreaterThan(0);
      expect(f.gpuMs).toBeGreaterThan(0);
    }
    // Orbiting frames project and sort again; still frames only draw.
    expect(Object.keys(j.viewer.orbiting.passes)).toEqual(expect.arrayContaining(['Sorted.project', 'Sorted.draw']));
    expect(Object.keys(j.viewer.still.passes)).not.toContain('Sorted.project');
    expect(j.viewer.pipelinedFps).toBeCloseTo(1000 / j.viewer.pipelinedMs, 0);
    // No densification in a 5-step reference run: the count stays.
    expect(j.training).toMatchObject({ splats: 2000, width: 64, height: 48, views: 2, steps: 2 });
    expect(j.training.iterationsPerSecond).toBeGreaterThan(0);
    expect(r.stdout).toContain('| training, 2,000 splats, 64x48 |');
  });

  it('--require-gpu refuses a CPU adapter, naming it', () => {
    const r = runBundle('gpu-targets.mjs', ['--require-gpu', '--splats', '100', '--size', '32x32']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--require-gpu: the adapter is ".*swiftshader.*", a CPU adapter/i);
  });

  it('the bench bundle refuses a results file that is not one, naming it', () => {
    const bad = resolve(root, 'test-output/not-results.json');
    mkdirSync(resolve(root, 'test-output'), { recursive: true });
    writeFileSync(bad, '{"adapter": "x"}');
    const r = runBundle('bench.mjs', ['--from-json', bad]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${bad}: not a bench results file (no "date")`);
    writeFileSync(bad, 'not json');
    const r2 = runBundle('bench.mjs', ['--from-json', bad]);
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toContain(`${bad}: not readable as JSON`);
  });
});
