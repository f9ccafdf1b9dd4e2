/**
 * Loss and PSNR over iterations, drawn on a small 2D canvas: loss on top, PSNR below (train
 * views as a line, held-out evaluations as dots). Redrawn only when new samples arrived.
 */
import { columnEnvelope, finiteExtent, niceRange, type AxisRange } from './chart-scale';
import type { TrainProgress } from './progress';

const COLORS = { loss: '#ff9f43', psnr: '#4a9eff', heldOut: '#7bed9f', grid: 'rgba(255,255,255,0.12)', text: '#bbb' };
const PAD = { left: 34, right: 6, top: 4, bottom: 14 };

export class ProgressChart {
  private readonly ctx: CanvasRenderingContext2D;
  private drawnSamples = -1;
  private drawnEvals = -1;

  constructor(readonly canvas: HTMLCanvasElement) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context for the progress chart');
    this.ctx = ctx;
  }

  draw(progress: TrainProgress, force = false): void {
    if (!force && progress.samples.length === this.drawnSamples && progress.heldOut.length === this.drawnEvals) return;
    this.drawnSamples = progress.samples.length;
    this.drawnEvals = progress.heldOut.length;
    const dpr = window.devicePixelRatio || 1;
    const cssW = this.canvas.clientWidth || 260;
    const cssH = this.canvas.clientHeight || 140;
    if (this.canvas.width !== Math.round(cssW * dpr)) this.canvas.width = Math.round(cssW * dpr);
    if (this.canvas.height !== Math.round(cssH * dpr)) this.canvas.height = Math.round(cssH * dpr);
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = '9px system-ui, sans-serif';

    const s = progress.samples;
    const xs = s.map((p) => p.iteration);
    const xMax = Math.max(progress.total, 1);
    const half = cssH / 2;
    const lossPlot = { x0: PAD.left, x1: cssW - PAD.right, y0: PAD.top, y1: half - PAD.bottom / 2 };
    const psnrPlot = { x0: PAD.left, x1: cssW - PAD.right, y0: half + PAD.top, y1: cssH - PAD.bottom };
    const column = (x: number) => lossPlot.x0 + (x / xMax) * (lossPlot.x1 - lossPlot.x0);

    const lossRange = niceRange(...finiteExtent(s.map((p) => p.loss)), 2);
    const psnrValues = [...s.map((p) => p.psnr), ...progress.heldOut.map((e) => e.psnr)];
    const psnrRange = niceRange(...finiteExtent(psnrValues), 2);
    this.axes(lossPlot, lossRange, 'loss', (v) => v.toPrecision(2));
    this.axes(psnrPlot, psnrRange, 'PSNR dB', (v) => v.toFixed(0));
    this.series(lossPlot, lossRange, columnEnvelope(xs, s.map((p) => p.loss), column), COLORS.loss);
    this.series(psnrPlot, psnrRange, columnEnvelope(xs, s.map((p) => p.psnr), column), COLORS.psnr);
    ctx.fillStyle = COLORS.heldOut;
    for (const e of progress.heldOut) {
      if (!Number.isFinite(e.psnr)) continue;
      ctx.beginPath();
      ctx.arc(column(e.iteration), yOf(psnrPlot, psnrRange, e.psnr), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'right';
    ctx.fillText(`${xMax.toLocaleString('en-US')} it`, lossPlot.x1, cssH - 3);
    ctx.textAlign = 'left';
    ctx.fillStyle = COLORS.psnr;
    ctx.fillText('train', psnrPlot.x0 + 2, cssH - 3);
    ctx.fillStyle = COLORS.heldOut;
    ctx.fillText('held-out', psnrPlot.x0 + 30, cssH - 3);
  }

  private axes(p: Plot, r: AxisRange, label: string, fmt: (v: number) => string): void {
    const ctx = this.ctx;
    ctx.strokeStyle = COLORS.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(p.x0 + 0.5, p.y0 + 0.5, p.x1 - p.x0 - 1, p.y1 - p.y0 - 1);
    ctx.fillStyle = COLORS.text;
    ctx.textAlign = 'right';
    ctx.fillText(fmt(r.hi), p.x0 - 3, p.y0 + 8);
    ctx.fillText(fmt(r.lo), p.x0 - 3, p.y1);
    ctx.textAlign = 'left';
    ctx.fillText(label, p.x0 + 3, p.y0 + 9);
  }

  /** Line through the column minima and maxima (a filled band where many steps share a column). */
  private series(p: Plot, r: AxisRange, env: { column: number; min: number; max: number }[], color: string): void {
    if (env.length === 0) return;
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    env.forEach((e, i) => {
      const yMax = yOf(p, r, e.max);
      if (i === 0) ctx.moveTo(e.column, yMax);
      else ctx.lineTo(e.column, yMax);
      if (e.min !== e.max) ctx.lineTo(e.column, yOf(p, r, e.min));
    });
    ctx.stroke();
  }
}

interface Plot {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function yOf(p: Plot, r: AxisRange, v: number): number {
  return p.y1 - ((v - r.lo) / (r.hi - r.lo)) * (p.y1 - p.y0);
}
