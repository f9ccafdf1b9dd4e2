/** Writes bench/README.md: how to run, and the table of the latest results per adapter. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { RenderBench } from './render-bench';
import type { TrainBench } from './train';

interface Report {
  adapter: string;
  date: string;
  runs: number;
  render: RenderBench[];
  train?: TrainBench;
  /** Synthetic sizes not measured in this run (--max-splats). */
  skipped?: number[];
}

const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

function table(r: Report): string {
  const lines = [
    `### ${r.adapter} (${r.date.slice(0, 10)}, median of ${r.runs} runs)`,
    '',
    '| scene | splats | size | intersections | project ms | sort ms | raster ms | forward ms | loss ms | backward ms | backward / forward |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.render.map(
      (b) =>
        `| ${b.name} | ${b.splats.toLocaleString('en-US')} | ${b.width}x${b.height} | ${b.intersections.toLocaleString('en-US')} | ${b.ms.project} | ${b.ms.sort} | ${b.ms.raster} | ${b.ms.forward} | ${b.ms.loss} | ${b.ms.backward} | ${(b.ms.backward / b.ms.forward).toFixed(2)} |`,
    ),
    '',
    `Per-intersection storage: ${Object.entries(r.render[0]?.perIntersectionBytes ?? {})
      .map(([k, v]) => `${k} ${v} B`)
      .join(', ')}.`,
  ];
  if (r.skipped && r.skipped.length > 0) {
    lines.push('', `Not measured in this run: ${r.skipped.map((n) => n.toExponential(0)).join(', ')} synthetic splats (skipped with --max-splats).`);
  }
  if (r.train) {
    const t = r.train;
    lines.push(
      '',
      `Training ${t.scene} at ${t.width}x${t.height} (resolution /${t.resolution}), ${t.iterations} iterations: ` +
        `${t.iterationsPerSecond} it/s, ${t.splats.toLocaleString('en-US')} splats, held-out PSNR ${t.initialPsnr} -> ${t.heldOutPsnr} dB (SSIM ${t.heldOutSsim}).`,
    );
  }
  return lines.join('\n');
}

export function writeReport(path: string, r: Report): void {
  const header = [
    '# Benchmarks',
    '',
    '`npm run bench` (or `npm run bench -- --quick`) measures each stage as its own submit, awaited',
    'with `onSubmittedWorkDone`, median over several runs after a warm-up, and writes',
    '`bench/results/<adapter>.json` plus the table below (one section per adapter; a new run',
    'replaces its adapter\'s section). Synthetic scenes: SH degree 3 splats filling the view.',
    '',
    START,
    END,
    '',
  ].join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const base = text.includes(START) && text.includes(END) ? text : header;
  const [before, rest] = base.split(START);
  const [inner, after] = rest.split(END);
  const sections = inner.split(/(?=^### )/m).filter((s) => s.trim() && !s.startsWith(`### ${r.adapter} `));
  sections.push(`${table(r)}\n`);
  writeFileSync(path, `${before}${START}\n${sections.map((s) => s.trim()).join('\n\n')}\n${END}${after}`);
}
