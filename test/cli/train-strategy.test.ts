/**
 * CLI flags of the densification strategies and selective Adam (usage only; the training itself
 * is tested in test/train/mcmc-trainer.test.ts): help lists them, bad combinations exit 2.
 */
import { describe, expect, it } from 'vitest';
import { splat } from './run-cli';

describe('splat train --strategy / --splats / --selective-adam', () => {
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
});
