/**
 * Progress for long operations: a bar redrawn in place on a terminal, a line
 * every few seconds otherwise (logs stay readable), and one summary line.
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const now = Date.now();
    const interval = this.out.isTTY ? 100 : 5000;
    if (now - this.lastDraw < interval && done < this.total) return;
    this.lastDraw = now;
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const eta = done > 0 && done < this.total ? `, ETA ${formatSeconds((this.total - done) / rate)}` : "";
    if (this.out.isTTY) {
      const width = 30;
      const bar = "#".repeat(Math.round(fraction * width)).padEnd(width, ".");
      this.out.write(`\r${this.label} [${bar}] ${done}/${this.total} ${rate.toFixed(0)}/s${eta}\x1b[K`);
    } else {
      this.out.write(`${this.label}: ${done}/${this.total} (${(fraction * 100).toFixed(0)} %, ${rate.toFixed(0)}/s${eta})\n`);
    }
  }

  /** Ends the bar; returns elapsed seconds. */
  finish(): number {
    if (this.out.isTTY) this.out.write("\n");
    return (Date.now() - this.started) / 1000;
  }
}

/** 75 → "1m15s", 3700 → "1h01m". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
