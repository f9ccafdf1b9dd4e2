/** Writes bench/README.md's generated block: the latest results per adapter. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Limits } from './calibrate';
import type { RenderBench } from './render-bench';
import type { SortStage } from './sort-stages';
import type { TrainBench } from './train';
import type { ViewerBench } from './viewer-bench';

export interface Report {
  adapter: string;
  date: string;
  runs: number;
  limits: Limits;
  render: RenderBench[];
  /** The radix sort alone (absent in reports from before it was measured). */
  sort?: SortStage[];
  viewer: ViewerBench[];
  train?: TrainBench;
  /** Synthetic sizes not measured in this run, and why (plain numbers: --max-splats, older reports). */
  skipped?: (number | SkippedCase)[];
}

export interface SkippedCase {
  splats: number;
  reason: string;
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

/** The slowest passes of a frame, largest first. */
function topPasses(passes: Record<string, number>, k: number): string {
  return Object.entries(passes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([label, ms]) => `${label} ${ms}`)
    .join(', ');
}

function section(r: Report): string {
  const lines = [
    `### ${r.adapter} (${r.date.slice(0, 10)}, medians of ${r.runs} runs)`,
    '',
    `Limits measured in the same run: streaming copy ${r.limits.copyGBs.toFixed(2)} GB/s, naive blend loop ${r.limits.blendMEvals.toFixed(1)} M Gaussian-pixel evaluations/s.`,
    '',
    'Training-style frame (forward, L1 + SSIM loss, backward), GPU ms from timestamp queries:',
    '',
    '| scene | splats | size | intersections | forward | loss | backward | frame |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...r.render.map((b) => `| ${b.name} | ${int(b.splats)} | ${b.width}x${b.height} | ${int(b.intersections)} | ${b.ms.forward} | ${b.ms.loss} | ${b.ms.backward} | ${b.ms.frame} |`),
    '',
    'Stages against the limits (projection and sort passes: bytes moved vs the copy; rasterizer: intersections x 256 pairs vs the naive loop):',
    '',
    '| scene | stage | ms | rate | of limit |',
    '|---|---|---:|---:|---:|',
    ...r.render.flatMap((b) => b.stages.map((s) => `| ${b.name} | ${s.stage} | ${s.ms} | ${s.rate} ${s.unit} | ${s.ofLimit} |`)),
    '',
    'Slowest passes per frame (ms): ' + r.render.map((b) => `${b.name}: ${topPasses(b.passes, 5)}`).join('; ') + '.',
    '',
    `Per-intersection storage: ${Object.entries(r.render[0]?.perIntersectionBytes ?? {})
      .map(([k, v]) => `${k} ${v} B`)
      .join(', ')}.`,
  ];
  if (r.sort && r.sort.length > 0) {
    lines.push(
      '',
      'The radix sort alone, random keys (a pass: count, histogram scan, scatter; 16 B a pair moved vs the copy):',
      '',
      '| keys | key bits | passes | ms per pass | rate | of limit |',
      '|---:|---:|---:|---:|---:|---:|',
      ...r.sort.map((s) => `| ${int(s.keys)} | ${s.bits} | ${s.passes} | ${s.msPerPass} | ${s.gbs} GB/s | ${s.ofLimit} |`),
    );
  }
  if (r.viewer.length > 0) {
    lines.push(
      '',
      'Viewer frame in Node (GPU ms; the peers harness camera; sorted quads with the camera still and orbiting, vs the tile rasterizer):',
      '',
      '| scene | splats | size | quads, still | quads, orbiting | exact (tiles) | orbiting passes |',
      '|---|---:|---|---:|---:|---:|---|',
      ...r.viewer.map((v) => `| ${v.name} | ${int(v.splats)} | ${v.width}x${v.height} | ${v.quadsMs} | ${v.orbitMs} | ${v.exactMs} | ${topPasses(v.quadPasses, 4)} |`),
    );
  }
  if (r.skipped && r.skipped.length > 0) {
    const cases = r.skipped.map((c) => (typeof c === 'number' ? { splats: c, reason: 'skipped with --max-splats' } : c));
    lines.push('', 'Not measured in this run:', '', ...cases.map((c) => `- ${c.splats.toExponential(0)} synthetic splats: ${c.reason.replace(/\.$/, '')}.`));
  }
  if (r.train) {
    const t = r.train;
    lines.push(
      '',
      `Training ${t.scene} at ${t.width}x${t.height} (resolution /${t.resolution}), ${t.iterations} iterations: ` +
        `**${t.iterationsPerSecond} it/s**, ${int(t.splats)} splats, held-out PSNR ${t.initialPsnr} -> ${t.heldOutPsnr} dB (SSIM ${t.heldOutSsim}).`,
    );
  }
  return lines.join('\n');
}

export function writeReport(path: string, r: Report): void {
  const header = ['# Benchmarks', '', START, END, ''].join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const base = text.includes(START) && text.includes(END) ? text : header;
  const [before, rest] = base.split(START);
  const [inner, after] = rest.split(END);
  const sections = inner.split(/(?=^### )/m).filter((s) => s.trim() && !s.startsWith(`### ${r.adapter} `));
  sections.push(`${section(r)}\n`);
  writeFileSync(path, `${before}${START}\n${sections.map((s) => s.trim()).join('\n\n')}\n${END}${after}`);
}
