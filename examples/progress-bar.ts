/**
 * A one-line progress bar for the terminal demos: bytes done, total and speed. On a
 * terminal it redraws in place (at most every 100 ms); in a log it prints a line at
 * each quarter, so CI output stays short.
 */

const MiB = 1024 * 1024;

/** Bytes as MiB with one decimal: `formatMiB(3 * 1024 * 1024)` is "3.0". */
export function formatMiB(bytes: number): string {
  return (bytes / MiB).toFixed(1);
}

/**
 * Shows progress towards `total` bytes on stdout.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(file.byteLength);
 * sent$.subscribe({ next: (bytes) => bar.update(bytes), complete: () => bar.done() });
 * ```
 */
export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private quartersShown = 0;
  private current = 0;
  private readonly interactive: boolean;

  constructor(
    private readonly total: number,
    private readonly width = 30,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.interactive = Boolean(out.isTTY);
  }

  /** Records `bytes` done so far and redraws if it is time to. */
  update(bytes: number): void {
    this.current = Math.min(bytes, this.total);
    if (this.interactive) {
      const now = performance.now();
      if (now - this.lastDraw < 100) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line()}`);
      return;
    }
    const quarters = Math.floor((4 * this.current) / this.total);
    if (quarters > this.quartersShown && quarters < 4) {
      this.quartersShown = quarters;
      this.out.write(`${this.line()}\n`);
    }
  }

  /** Draws the bar full and ends its line. */
  done(): void {
    this.current = this.total;
    this.out.write(`${this.interactive ? "\r" : ""}${this.line()}\n`);
  }

  private line(): string {
    const filled = Math.round((this.width * this.current) / this.total);
    const seconds = (performance.now() - this.started) / 1000;
    const speed = seconds > 0 ? this.current / seconds : 0;
    return `  [${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${formatMiB(this.current).padStart(6)} / ${formatMiB(this.total)} MiB  ${formatMiB(speed).padStart(5)} MiB/s`;
  }
}
