// llama.cpp has one log callback per process: a second node-llama-cpp instance on the same binary
// (node-llama-cpp's own fallback for GgufInsights, or a second getLlama) leaves native lines printed
// raw on stderr (3.22: releasing the first instance's callback clears the flag of the second's). So Pincer keeps one Llama per GPU setting (backend.ts: sharedBackend, also for header
// inspection) and that Llama logs through this router, which sends each line to the logger of the
// newest model load: expected native errors land in that load's log, never in a test's log or the CLI's output.
import { LlamaLogLevel } from "node-llama-cpp";

export type EngineLogger = (level: "error" | "warn" | "info" | "debug", message: string) => void;

let sink: EngineLogger = () => undefined;

/** Native lines go to `log` from now on (the newest model load's logger). */
export function setNativeLogSink(log: EngineLogger): void {
  sink = log;
}

/** node-llama-cpp's logger option: every native line to the current sink. */
export function routedNativeLogger(level: LlamaLogLevel, message: string): void {
  const text = message.trim();
  if (text === "") return;
  sink(level === LlamaLogLevel.error || level === LlamaLogLevel.fatal ? "error" : level === LlamaLogLevel.warn ? "warn" : "debug", text);
}
