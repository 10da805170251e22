// One logger shape for every module; the LSP layer sends it to the client's output channel and
// the CLI to stderr.
export type LogLevel = "error" | "warn" | "info" | "debug";
export type Logger = (level: LogLevel, message: string) => void;

export function stderrLogger(minLevel: LogLevel = "warn"): Logger {
  const order: LogLevel[] = ["error", "warn", "info", "debug"];
  const limit = order.indexOf(minLevel);
  return (level, message) => {
    if (order.indexOf(level) <= limit) process.stderr.write(`[pincer ${level}] ${message}\n`);
  };
}
