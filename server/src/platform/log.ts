// One logger shape for every module; the LSP layer sends it to the client's output channel and
// the CLI to stderr.
export type LogLevel = "error" | "warn" | "info" | "debug";
export type Logger = (level: LogLevel, message: string) => void;

const LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

export function stderrLogger(minLevel: LogLevel = "warn"): Logger {
  const limit = LEVELS.indexOf(minLevel);
  return (level, message) => {
    if (LEVELS.indexOf(level) <= limit) process.stderr.write(`[pincer ${level}] ${message}\n`);
  };
}

/** The level `PINCER_LOG` names (error, warn, info or debug; any case); warn when unset or unknown. */
export function logLevelFrom(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const wanted = env.PINCER_LOG?.trim().toLowerCase();
  return LEVELS.find((level) => level === wanted) ?? "warn";
}

/** The CLI's logger: stderr, at the level of `PINCER_LOG`. */
export function cliLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  return stderrLogger(logLevelFrom(env));
}
