/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per 5% otherwise). */
export class ProgressBar {
  private lastPercent = -1;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private readonly label: string) {}

  update(fraction: number, text = ''): void {
    const f = Math.min(Math.max(fraction, 0), 1);
    const width = 24;
    const filled = Math.round(f * width);
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${text}`;
    if (this.tty) {
      process.stderr.write(`\r${line}\x1b[K`);
    } else {
      const pct = Math.floor(f * 20);
      if (pct !== this.lastPercent) {
        this.lastPercent = pct;
        process.stderr.write(`${line}\n`);
      }
    }
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
