/**
 * bench/README.md's quality block (between `<!-- quality:start -->` and `<!-- quality:end -->`,
 * added at the end when missing): per scene, one row per run length and label with held-out
 * PSNR/SSIM, splats and training seconds, then the targets of issue 10 checked against them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type QualityRun, secondsToReach } from './quality-run';

const START = '<!-- quality:start -->';
const END = '<!-- quality:end -->';

const fmt = (v: number, d: number) => v.toFixed(d);

function sceneTable(runs: QualityRun[]): string[] {
  const rows = [...runs].sort((a, b) => a.iterations - b.iterations || order(a.label) - order(b.label) || a.label.localeCompare(b.label));
  // The date matters: runs of one config on different days differ by the code between them.
  const lines = ['| steps | schedule | held-out PSNR | SSIM | training views | splats | seconds | CPU seconds | run on |', '|---:|---|---:|---:|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const cpu = r.cpuSeconds === undefined ? '' : fmt(r.cpuSeconds, 0);
    lines.push(`| ${r.iterations.toLocaleString('en-US')} | ${r.label} | ${fmt(r.psnr, 2)} | ${fmt(r.ssim, 3)} | ${r.trainPsnr === undefined ? '' : fmt(r.trainPsnr, 2)} | ${r.splats.toLocaleString('en-US')} | ${fmt(r.seconds, 0)} | ${cpu} | ${r.date} |`);
  }
  return lines;
}

function order(label: string): number {
  return label === 'reference' ? 0 : label === 'scaled' ? 1 : 2;
}

/** The targets for one scene, where both runs exist. */
function targets(runs: QualityRun[]): string[] {
  const find = (n: number, label: string) => runs.find((r) => r.iterations === n && r.label === label);
  const out: string[] = [];
  for (const n of [1000, 5000]) {
    const ref = find(n, 'reference');
    const new_ = find(n, 'scaled');
    if (ref && new_) out.push(`- ${n.toLocaleString('en-US')} steps: scaled ${fmt(new_.psnr - ref.psnr, 2)} dB held out against reference (target ${n === 1000 ? '>= +2' : '>= 0'}), ${fmt(new_.seconds / ref.seconds, 2)}x its time.`);
  }
  out.push(...mcmcTargets(runs), ...defaultTargets(runs));
  const ref5 = find(5000, 'reference');
  const new5 = find(5000, 'scaled');
  if (ref5 && new5) {
    const reach = secondsToReach(new5, ref5.psnr);
    const cpuReach = new5.curve.find((p) => p.psnr >= ref5.psnr)?.cpuSeconds;
    const cpuText = cpuReach !== undefined && ref5.cpuSeconds ? ` (CPU time ${fmt(cpuReach / ref5.cpuSeconds, 2)}x)` : '';
    out.push(
      reach === undefined
        ? `- Time to the reference's 5,000-step PSNR (${fmt(ref5.psnr, 2)} dB): not reached by the scaled 5,000-step run (target: half the time).`
        : `- Time to the reference's 5,000-step PSNR (${fmt(ref5.psnr, 2)} dB): ${fmt(reach, 0)} s against ${fmt(ref5.seconds, 0)} s, ${fmt(reach / ref5.seconds, 2)}x${cpuText} (target <= 0.5x).`,
    );
  }
  return out;
}

/**
 * MCMC against ADC's scaled run of the same length: the plain MCMC runs (the scaled schedule,
 * only the budget set, or the budget and a peak as `splat train --schedule scaled --splats N`
 * sets one, the same seed) at ADC's final count (within 2%: target >= +0.3 dB) and at a third of
 * it (within 2%: target no worse), a line each.
 */
function mcmcTargets(runs: QualityRun[]): string[] {
  const out: string[] = [];
  for (const adc of runs.filter((r) => r.label === 'scaled')) {
    const plain = runs.filter((r) => r.iterations === adc.iterations && (r.config.seed ?? 0) === (adc.config.seed ?? 0) && plainMcmc(r));
    for (const [fraction, what, target] of [[1, "ADC's count", '>= +0.3'], [1 / 3, "a third of ADC's count", '>= 0']] as const) {
      const want = adc.splats * fraction;
      for (const m of plain.filter((r) => Math.abs(r.splats - want) <= 0.02 * want)) out.push(`- ${adc.iterations.toLocaleString('en-US')} steps, MCMC at ${what} (${m.label}, ${m.splats.toLocaleString('en-US')} splats): ${fmt(m.psnr - adc.psnr, 2)} dB held out against ADC's scaled run (target ${target}), ${fmt(m.seconds / adc.seconds, 2)}x its time.`);
    }
  }
  return out;
}

/** A run of plain MCMC on the scaled schedule: only the budget, and optionally a peak, set (seed aside). */
function plainMcmc(r: QualityRun): boolean {
  const m = r.config.mcmc;
  return r.config.strategy === 'mcmc' && r.config.schedule === 'scaled' && m !== undefined && ['splats', 'peak,splats'].includes(Object.keys(m).sort().join()) && Object.keys(r.config).every((k) => ['seed', 'schedule', 'strategy', 'mcmc', 'iterations'].includes(k));
}

/**
 * The Train panel's default run (the scaled schedule, MCMC at the automatic budget with the
 * automatic peak of twice it, autoMcmcPeak) against the reference schedule at 1,000 steps
 * (target >= +2 dB): the plain MCMC runs whose peak is twice their budget, a line per seed.
 */
function defaultTargets(runs: QualityRun[]): string[] {
  const ref = runs.find((r) => r.iterations === 1000 && r.label === 'reference');
  if (!ref) return [];
  return runs
    .filter((r) => r.iterations === 1000 && plainMcmc(r) && r.config.mcmc!.peak === 2 * r.config.mcmc!.splats!)
    .map((r) => `- 1,000 steps, the defaults (MCMC at its budget, ${r.splats.toLocaleString('en-US')}, grown to twice it first; ${r.label}, seed ${r.config.seed ?? 0}): ${fmt(r.psnr - ref.psnr, 2)} dB held out against reference (target >= +2), ${fmt(r.seconds / ref.seconds, 2)}x its time.`);
}

export function qualitySection(all: QualityRun[]): string {
  const lines = [
    START,
    '## Training quality of short runs (`npm run bench:quality`)',
    '',
    'Held-out views (every 8th image), the reference schedule (`--schedule reference`, today\'s defaults) against the',
    'scaled one (`--schedule scaled`); seconds are training steps only (evaluation excluded), wall clock on this',
    'machine, with the process CPU time beside them (the machine is shared: CPU time is the steadier figure).',
    '"Training views": the same PSNR on the views trained on, at the end (runs since 2026-12-03); its gap to the',
    'held-out figure is what the run fitted that does not carry over to unseen views.',
  ];
  const scenes = [...new Set(all.map((r) => r.scene))];
  for (const s of scenes) {
    const runs = all.filter((r) => r.scene === s);
    const r0 = runs[0];
    lines.push('', `### ${s}, ${r0.width}x${r0.height}`, '', ...sceneTable(runs));
    const variants = [...new Map(runs.filter((r) => order(r.label) === 2).map((r) => [r.label, r])).values()];
    if (variants.length > 0) lines.push('', 'Other labels are TrainConfig overrides (`--variant`):', '', ...variants.map((r) => `- ${r.label}: \`${JSON.stringify(r.config)}\``));
    const t = targets(runs);
    if (t.length > 0) lines.push('', ...t);
  }
  lines.push(END);
  return lines.join('\n');
}

export function writeQualityReport(path: string, runs: QualityRun[]): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const block = qualitySection(runs);
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  const next = a >= 0 && b > a ? old.slice(0, a) + block + old.slice(b + END.length) : `${old.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
}
