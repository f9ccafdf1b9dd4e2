/**
 * `splat train --schedule` (the schedules themselves are tested in test/train/schedule.test.ts):
 * help lists it, a bad name exits 2, and a scaled run reports its schedule in the summary.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splat } from './run-cli';

describe('splat train --schedule', () => {
  it('help lists it; a bad name is a usage error; a scaled run says which schedule it followed', async () => {
    const help = await splat(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--schedule S +reference .* or scaled/);
    const bad = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--schedule', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--schedule must be reference or scaled, got "fast"/);
    const out = join(mkdtempSync(join(tmpdir(), 'splat-schedule-')), 'b.ply');
    const r = await splat(['train', 'scenes/buddha13', '--out', out, '--iters', '3', '--resolution', '8', '--schedule', 'scaled']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.schedule).toBe('scaled');
    expect(s.iterations).toBe(3);
  });
});
