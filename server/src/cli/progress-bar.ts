// Long work in the CLI (model load, download) shows a bar on stderr, so stdout stays clean for
// the answer or the JSON. Redrawn in place on a terminal; one line per 10% otherwise.
export class ProgressBar {
  private lastDecile = -1;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(fraction: number, detail = ""): void {
    const clamped = Math.max(0, Math.min(1, fraction));
    if (this.tty) {
      const width = 24;
      const filled = Math.round(clamped * width);
      const text = `${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(clamped * 100)}% ${detail}`;
      process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 100) - 1).padEnd(Math.min(100, (process.stderr.columns ?? 100) - 1))}`);
      return;
    }
    const decile = Math.floor(clamped * 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    process.stderr.write(`${this.label} ${decile * 10}% ${detail}\n`);
  }

  finish(message: string): void {
    if (this.tty) process.stderr.write(`\r${" ".repeat(Math.min(100, (process.stderr.columns ?? 100) - 1))}\r`);
    if (message) process.stderr.write(`${message}\n`);
  }
}
