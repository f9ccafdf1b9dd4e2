/**
 * Training safety in the CLI: --out checked before any work, checkpoints that resume to the
 * same bytes as an unbroken run (with densification after the checkpoint, so the restored
 * statistics and RNG states matter), --export-every, Ctrl-C saving the run,
 * clear refusals of damaged or foreign checkpoints, and the notice for downscaled images.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { readPly } from '../../src/io/ply';
import { decodeCheckpoint } from '../../src/train/checkpoint';
import { ROOT, splat, splatInterrupted, tempDir } from './run-cli';

const tmp = tempDir('splat-ckpt-');

/**
 * buddha13 with every 16th of its 21,402 points (the photos and cameras as they are), so each
 * step costs little on SwiftShader.
 */
function sparseBuddha(): string {
  const dir = join(tmp, 'buddha13');
  mkdirSync(join(dir, 'sparse/0'), { recursive: true });
  symlinkSync(join(ROOT, 'scenes/buddha13/images'), join(dir, 'images'));
  for (const f of ['cameras.bin', 'images.bin']) copyFileSync(join(ROOT, 'scenes/buddha13/sparse/0', f), join(dir, 'sparse/0', f));
  const points = readFileSync(join(ROOT, 'scenes/buddha13/sparse/0/points3D.txt'), 'utf8').split('\n').filter((l) => /^\d/.test(l));
  writeFileSync(join(dir, 'sparse/0/points3D.txt'), points.filter((_, i) => i % 16 === 0).join('\n'));
  return dir;
}
const DATASET = sparseBuddha();
const INITIAL_SPLATS = Math.ceil(21402 / 16);
/** At 43x24, densifying every 4 steps from step 4. */
const SMALL = [DATASET, '--resolution', '16', '--seed', '3', '--densify-from', '4', '--densify-every', '4'];

const plyCount = async (path: string) => (await readPly(new Uint8Array(readFileSync(path)), path)).scene.count;

describe('train: outputs and checkpoints', () => {
  it('refuses an unwritable --out before reading any image', async () => {
    const out = join(tmp, 'missing-folder', 'a.ply');
    const r = await splat(['train', ...SMALL, '--out', out, '--iters', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`splat train: ${out}: cannot write: the folder ${join(tmp, 'missing-folder')} does not exist\n`);
    const folder = await splat(['train', ...SMALL, '--out', tmp.concat('/'), '--iters', '2']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/train writes an INRIA \.ply; name the output \*\.ply/);
  });

  it('resuming from a checkpoint gives a .ply byte-identical to the unbroken run', async () => {
    const dir = join(tmp, 'resume');
    const ckptDir = join(dir, 'ckpt');
    mkdirSync(dir);
    const unbroken = join(dir, 'a.ply');
    const a = await splat(['train', ...SMALL, '--out', unbroken, '--iters', '9', '--checkpoint-every', '6', '--checkpoint-dir', ckptDir]);
    expect(a.code, a.stderr).toBe(0);
    const summary = JSON.parse(a.stdout);
    expect(readdirSync(ckptDir)).toEqual(['a.step-000006.ckpt']);
    expect(summary.checkpoints.map((c: { iteration: number }) => c.iteration)).toEqual([6]);
    const ckpt = join(ckptDir, 'a.step-000006.ckpt');
    const saved = decodeCheckpoint(new Uint8Array(readFileSync(ckpt)), ckpt);
    expect(saved.state.iteration).toBe(6);
    expect(saved.state.adamStep).toBe(6);
    expect(saved.dataset).toMatchObject({ name: 'buddha13', views: 13 });
    expect(saved.state.count).toBe(INITIAL_SPLATS);
    // The checkpoint falls before a densification (step 8) with statistics gathered,
    // and the splat count changes after it: the resumed run must carry both over exactly.
    expect(saved.state.densifyStats.some((v, i) => i % 4 === 1 && v > 0)).toBe(true);
    expect(summary.splats).not.toBe(saved.state.count);

    const resumed = join(dir, 'b.ply');
    const b = await splat(['train', ...SMALL, '--out', resumed, '--iters', '9', '--resume', ckpt, '--checkpoint-dir', join(dir, 'ckpt-b')]);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toMatchObject({ iterations: 9, resumedFrom: { file: ckpt, iteration: 6 }, splats: summary.splats });
    expect(Buffer.compare(readFileSync(resumed), readFileSync(unbroken))).toBe(0);

    // Another seed or resolution is another run: refused, naming the checkpoint and why.
    const seed = await splat(['train', ...SMALL, '--seed', '4', '--out', join(dir, 'c.ply'), '--iters', '9', '--resume', ckpt]);
    expect(seed.code).toBe(1);
    expect(seed.stderr).toMatch(new RegExp(`splat train: ${ckpt}: saved with other training settings: seed 3 \\(now 4\\)`));
    const cut = join(dir, 'cut.ckpt');
    writeFileSync(cut, readFileSync(ckpt).subarray(0, 100_000));
    const c = await splat(['train', ...SMALL, '--out', join(dir, 'c.ply'), '--iters', '9', '--resume', cut]);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe(`splat train: ${cut}: truncated: 100000 of ${readFileSync(ckpt).length} bytes\n`);
  });

  it('--splats auto: the MCMC budget comes from the SfM points, and a resumed run keeps it', async () => {
    const dir = join(tmp, 'auto');
    mkdirSync(dir);
    // 3 x 1,338 points is under the floor of 10,000 (mcmc-config.ts autoMcmcSplats). The scaled
    // schedule refines once in 110 steps (step 50), to the automatic peak of twice the budget
    // (autoMcmcPeak), and prunes to the budget at 60% (step 66).
    const AUTO = [...SMALL, '--schedule', 'scaled', '--strategy', 'mcmc', '--splats', 'auto', '--iters', '110'];
    const unbroken = join(dir, 'a.ply');
    const a = await splat(['train', ...AUTO, '--out', unbroken, '--checkpoint-every', '60']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).splats).toBe(10_000);
    // The summary names the budget, the copy spread (the scaled schedule's 1) and the peak.
    expect(JSON.parse(a.stdout).mcmc).toEqual({ splats: 10_000, spread: 1, peak: 20_000, pruneAt: 66 });
    // The checkpoint holds the peak's 20,000 splats; "auto" must not become 3 x 20,000 on resume,
    // nor the peak twice that.
    const ckpt = join(dir, 'a.step-000060.ckpt');
    expect(decodeCheckpoint(new Uint8Array(readFileSync(ckpt)), ckpt).state.count).toBe(20_000);
    const b = await splat(['train', ...AUTO, '--out', join(dir, 'b.ply'), '--resume', ckpt]);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).mcmc).toEqual({ splats: 10_000, spread: 1, peak: 20_000, pruneAt: 66 });
    expect(Buffer.compare(readFileSync(join(dir, 'b.ply')), readFileSync(unbroken))).toBe(0);
    // --max-splats caps the budget (and the peak: no room above it).
    const capped = await splat(['train', ...AUTO, '--max-splats', '6000', '--out', join(dir, 'c.ply')]);
    expect(capped.code, capped.stderr).toBe(0);
    expect(JSON.parse(capped.stdout)).toMatchObject({ splats: 6_000, mcmc: { splats: 6_000, spread: 1 } });
    expect(JSON.parse(capped.stdout).mcmc).not.toHaveProperty('peak');
    // --mcmc-spread reaches the trainer: copies stacked on their sources train to another scene.
    const stacked = await splat(['train', ...AUTO, '--mcmc-spread', '0', '--out', join(dir, 'd.ply')]);
    expect(stacked.code, stacked.stderr).toBe(0);
    expect(JSON.parse(stacked.stdout).mcmc).toEqual({ splats: 10_000, spread: 0, peak: 20_000, pruneAt: 66 });
    expect(Buffer.compare(readFileSync(join(dir, 'd.ply')), readFileSync(unbroken))).not.toBe(0);
    // A checkpoint of one spread does not resume under another.
    const other = await splat(['train', ...AUTO, '--mcmc-spread', '2', '--out', join(dir, 'e.ply'), '--resume', ckpt]);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/mcmc\.spread/);
  });

  it('--splats below the automatic budget grows to it first and prunes to --splats; --mcmc-peak 0 grows straight to it', async () => {
    const dir = join(tmp, 'peak');
    mkdirSync(dir);
    // 1,338 SfM points: the automatic budget is its floor, 10,000. The scaled schedule refines once
    // in 110 steps (step 50), to the peak, and prunes at 60% (step 66).
    const RUN = [...SMALL, '--schedule', 'scaled', '--strategy', 'mcmc', '--splats', '3000', '--iters', '110'];
    const unbroken = join(dir, 'a.ply');
    const a = await splat(['train', ...RUN, '--out', unbroken, '--checkpoint-every', '60']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).splats).toBe(3000);
    expect(JSON.parse(a.stdout).mcmc).toEqual({ splats: 3000, spread: 1, peak: 10_000, pruneAt: 66 });
    // The checkpoint at 60 holds the peak's 10,000 splats; the resumed run prunes as the unbroken one did.
    const ckpt = join(dir, 'a.step-000060.ckpt');
    expect(decodeCheckpoint(new Uint8Array(readFileSync(ckpt)), ckpt).state.count).toBe(10_000);
    const b = await splat(['train', ...RUN, '--out', join(dir, 'b.ply'), '--resume', ckpt]);
    expect(b.code, b.stderr).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'b.ply')), readFileSync(unbroken))).toBe(0);
    // The peak is the run's, not 3x the checkpoint's 10,000 splats.
    expect(JSON.parse(b.stdout).mcmc).toEqual({ splats: 3000, spread: 1, peak: 10_000, pruneAt: 66 });
    const straight = await splat(['train', ...RUN, '--mcmc-peak', '0', '--out', join(dir, 'c.ply')]);
    expect(straight.code, straight.stderr).toBe(0);
    expect(JSON.parse(straight.stdout)).toMatchObject({ splats: 3000, mcmc: { splats: 3000, spread: 1 } });
    expect(Buffer.compare(readFileSync(join(dir, 'c.ply')), readFileSync(unbroken))).not.toBe(0);
    // The reference schedule keeps gsplat's behaviour: no peak unless asked for.
    const reference = await splat(['train', ...SMALL, '--strategy', 'mcmc', '--splats', '3000', '--iters', '2', '--out', join(dir, 'r.ply')]);
    expect(reference.code, reference.stderr).toBe(0);
    expect(JSON.parse(reference.stdout).mcmc).toEqual({ splats: 3000, spread: 0 });
    const asked = await splat(['train', ...SMALL, '--strategy', 'mcmc', '--splats', '3000', '--mcmc-peak', '4000', '--iters', '2', '--out', join(dir, 's.ply')]);
    expect(JSON.parse(asked.stdout).mcmc).toEqual({ splats: 3000, spread: 0, peak: 4000, pruneAt: 2 });
    const bad = await splat(['train', ...RUN, '--mcmc-peak', 'lots', '--out', join(dir, 'd.ply')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^splat train: --mcmc-peak must be a splat count, auto or 0, got lots\n/);
    const adc = await splat(['train', ...SMALL, '--mcmc-peak', '5000', '--out', join(dir, 'e.ply'), '--iters', '2']);
    expect(adc.code).toBe(2);
    expect(adc.stderr).toMatch(/--mcmc-peak .*add --strategy mcmc/);
  });

  it('--export-every writes the scene so far; Ctrl-C stops after the step in flight, saving --out and a checkpoint', async () => {
    const dir = join(tmp, 'sigint');
    mkdirSync(dir);
    const out = join(dir, 'run.ply');
    let exportedBeforeSignal = false;
    // Without a terminal the progress bar prints every 5%: every 2 steps of 40. By the line of
    // step 4, the exports of steps 2 and 4 are on disk.
    const r = await splatInterrupted(['train', ...SMALL, '--out', out, '--iters', '40', '--export-every', '2'], /it 4\/40/, 'SIGINT', () => {
      exportedBeforeSignal = existsSync(out);
    });
    expect(exportedBeforeSignal).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const s = JSON.parse(r.stdout);
    expect(s.interrupted).toBe('SIGINT');
    expect(s.iterations).toBeGreaterThanOrEqual(4);
    expect(s.iterations).toBeLessThan(40);
    expect(s.exports).toBeGreaterThanOrEqual(2);
    const file = join(dir, `run.step-${String(s.iterations).padStart(6, '0')}.ckpt`);
    expect(s.resume).toBe(`add --resume ${file} to the same command`);
    expect(decodeCheckpoint(new Uint8Array(readFileSync(file)), file).state.iteration).toBe(s.iterations);
    expect(await plyCount(out)).toBe(s.splats);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says when the images are smaller than the cameras say', async () => {
    const dir = join(tmp, 'small-images');
    mkdirSync(join(dir, 'sparse/0'), { recursive: true });
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'sparse/0/cameras.txt'), '1 PINHOLE 64 48 60 60 32 24\n');
    writeFileSync(join(dir, 'sparse/0/images.txt'), '1 1 0 0 0 0 0 3 1 a.png\n\n');
    writeFileSync(join(dir, 'sparse/0/points3D.txt'), ['1 0 0 0 200 10 10 0', '2 0.2 0 0 10 200 10 0', '3 0 0.2 0 10 10 200 0', '4 0.1 0.1 0.1 90 90 90 0'].join('\n'));
    writeFileSync(join(dir, 'images/a.png'), encodePng({ width: 32, height: 24, channels: 3, depth: 8, data: new Uint8Array(32 * 24 * 3).fill(100) }));
    const r = await splat(['train', dir, '--out', join(dir, 'x.ply'), '--iters', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`notice: ${dir}/images/a.png is 32x24, smaller than the 64x48 that camera 1 in ${dir}/sparse/0/cameras.txt says; intrinsics scaled by 0.500 to match\n`);
  });
});
