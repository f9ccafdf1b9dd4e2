/**
 * The training overlay on the page: one progress line (iteration, speed, ETA, splats, PSNR)
 * above the loss/PSNR chart, in a box at the bottom left, plus the nearest-photo inset. The
 * panel shows the same numbers; this box is what stays visible with the panel folded.
 */
import './train.css';
import { PhotoPip } from './photo-pip';
import { ProgressChart } from './progress-chart';
import { formatDuration, type TrainProgress } from './progress';

export class TrainHud {
  readonly element: HTMLElement;
  readonly pip: PhotoPip;
  private readonly line: HTMLElement;
  private readonly chart: ProgressChart;

  constructor(onSnap: () => void) {
    this.element = document.createElement('div');
    this.element.id = 'train-hud';
    this.element.hidden = true;
    this.line = document.createElement('div');
    this.line.className = 'line';
    this.line.setAttribute('aria-live', 'off');
    const canvas = document.createElement('canvas');
    canvas.className = 'chart';
    this.element.append(this.line, canvas);
    document.body.append(this.element);
    this.chart = new ProgressChart(canvas);
    this.pip = new PhotoPip(document.body, onSnap);
  }

  show(visible: boolean): void {
    this.element.hidden = !visible;
  }

  update(progress: TrainProgress, state: string): void {
    this.line.textContent = progressLine(progress, state);
    this.chart.draw(progress);
  }
}

/**
 * "it 120/30,000 · 3.2 it/s · ETA 2h34m · 45,120 splats · PSNR 21.3 · held-out 20.1 · training".
 * Speed and ETA only while the run can still move: a stopped or finished run has neither.
 */
export function progressLine(p: TrainProgress, state: string): string {
  const last = p.samples[p.samples.length - 1];
  const held = p.heldOut[p.heldOut.length - 1];
  const rate = p.rate();
  const parts = [`it ${p.iteration.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}`];
  if (state === 'training' || state === 'paused') {
    parts.push(Number.isFinite(rate) ? `${rate.toFixed(rate < 10 ? 2 : 1)} it/s` : '- it/s', `ETA ${formatDuration(p.eta())}`);
  }
  if (last) parts.push(`${last.splats.toLocaleString('en-US')} splats`, `PSNR ${last.psnr.toFixed(2)}`);
  if (held) parts.push(`held-out ${held.psnr.toFixed(2)}`);
  parts.push(state);
  return parts.join(' · ');
}
