/**
 * CLI flags of the densification strategies, selective Adam, the anti-aliasing filter size and dropout (usage only; the training itself
 * is tested in test/train/mcmc-trainer.test.ts): help lists them, bad combinations exit 2.
 */
import { describe, expect, it } from 'vitest';
import { splat } from './run-cli';

describe('splat train --strategy / --splats / --mcmc-spread / --selective-adam / --filter2d / --dropout', () => {
  it('help lists the flags; a bad strategy or a budget without mcmc is a usage error', async () => {
    const help = await splat(['train', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--strategy', '--splats', '--selective-adam']) expect(help.stdout).toContain(flag);
    const bad = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--strategy', 'mcm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategy must be adc or mcmc, got "mcm"/);
    const budget = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--splats', '5000']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toMatch(/--splats sets the MCMC budget: add --strategy mcmc/);
  });

  it('--filter2d sizes the anti-aliasing filter: without --antialias, or out of range, a usage error', async () => {
    const help = await splat(['train', '--help']);
    expect(help.stdout).toContain('--filter2d');
    const alone = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--filter2d', '0.1']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--filter2d sizes the anti-aliasing filter: add --antialias/);
    const wide = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--antialias', '--filter2d', '9']);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/--filter2d must be a variance in \[0, 4\] px\^2, got 9/);
  });

  it('--mcmc-spread takes standard deviations in [0, 4] and needs --strategy mcmc', async () => {
    const help = await splat(['train', '--help']);
    expect(help.stdout).toMatch(/--mcmc-spread S +with --strategy mcmc/);
    const alone = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--mcmc-spread', '1']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--mcmc-spread places MCMC copies: add --strategy mcmc/);
    for (const v of ['-1', '5']) {
      const bad = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--strategy', 'mcmc', '--mcmc-spread', v]);
      expect(bad.code, v).toBe(2);
      expect(bad.stderr).toContain(`--mcmc-spread must be standard deviations in [0, 4], got ${v}`);
    }
    const word = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--strategy', 'mcmc', '--mcmc-spread', 'far']);
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('--mcmc-spread must be a number, got "far"');
  });

  it('--dropout takes a rate in [0, 0.9]', async () => {
    const help = await splat(['train', '--help']);
    expect(help.stdout).toContain('--dropout');
    const high = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--dropout', '0.95']);
    expect(high.code).toBe(2);
    expect(high.stderr).toMatch(/--dropout must be a rate in \[0, 0.9\], got 0.95/);
    const word = await splat(['train', 'scenes/buddha13', '--out', '/tmp/x.ply', '--dropout', 'much']);
    expect(word.code).toBe(2);
  });
});
