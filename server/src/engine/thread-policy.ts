// Thread count dominates small-model speed on shared vCPUs (on a 2-core VM the tiny test model ran
// ~10x faster with 1 thread than with 2, because the second vCPU busy-waits against the first).
// So "auto" does not guess: it times a short prompt + generation at each candidate thread count on
// the loaded model and keeps the fastest, caching the answer per model file and machine.
import os from "node:os";
import type { LlamaModel } from "node-llama-cpp";

export interface ThreadMeasurement {
  threads: number;
  tokensPerSecond: number;
}

export interface ThreadChoice {
  threads: number;
  source: "setting" | "measured" | "cached";
  measurements: ThreadMeasurement[];
}

/** Where measurements are remembered between runs; the caller decides the storage. */
export interface ThreadCalibrationStore {
  get(key: string): Promise<ThreadChoice | undefined>;
  set(key: string, choice: ThreadChoice): Promise<void>;
}

/** 1, then powers of two, then all cores: few enough to measure quickly, wide enough to find the knee. */
export function threadCandidates(cores: number): number[] {
  const candidates = new Set<number>([1]);
  for (let n = 2; n < cores; n *= 2) candidates.add(n);
  candidates.add(Math.max(1, cores));
  return [...candidates].sort((a, b) => a - b);
}

export function calibrationKey(model: { path: string; sizeBytes: number; mtimeMs: number }, backend: string): string {
  const cpu = os.cpus()[0]?.model ?? "cpu";
  return [model.path, model.sizeBytes, Math.round(model.mtimeMs), backend, cpu, os.cpus().length].join("|");
}

const PROMPT_TOKENS = 48;
const GENERATED_TOKENS = 16;

export async function measureThreads(model: LlamaModel, candidates: number[], signal: AbortSignal): Promise<ThreadMeasurement[]> {
  const prompt = model.tokenize("function add(a, b) {\n  return a + b;\n}\n".repeat(8)).slice(0, PROMPT_TOKENS);
  const results: ThreadMeasurement[] = [];
  for (const threads of candidates) {
    signal.throwIfAborted();
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads, createSignal: signal });
    try {
      const sequence = context.getSequence();
      const started = performance.now();
      let produced = 0;
      for await (const token of sequence.evaluate(prompt, { temperature: 0 })) {
        void token;
        if (++produced >= GENERATED_TOKENS || signal.aborted) break;
      }
      const seconds = (performance.now() - started) / 1000;
      results.push({ threads, tokensPerSecond: (prompt.length + produced) / Math.max(seconds, 1e-6) });
    } finally {
      await context.dispose();
    }
  }
  return results;
}

export function fastest(measurements: ThreadMeasurement[]): number {
  let best = measurements[0];
  for (const m of measurements) if (best === undefined || m.tokensPerSecond > best.tokensPerSecond) best = m;
  return best?.threads ?? 1;
}

/**
 * A cached entry as stored by chooseThreads, with a thread count this machine can run; anything
 * else (hand-edited, another version, another machine's cores) is measured again, not trusted:
 * `threads: 100000` once made every load hang.
 */
export function validThreadChoice(value: unknown, cores: number): ThreadChoice | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { threads, measurements } = value as Partial<ThreadChoice>;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > Math.max(1, cores)) return undefined;
  if (!Array.isArray(measurements)) return undefined;
  const valid = measurements.every(
    (m: unknown) =>
      typeof m === "object" && m !== null && Number.isInteger((m as ThreadMeasurement).threads) && Number.isFinite((m as ThreadMeasurement).tokensPerSecond),
  );
  return valid ? { threads, source: "cached", measurements } : undefined;
}

export async function chooseThreads(options: {
  setting: "auto" | number;
  model: LlamaModel;
  cores: number;
  cacheKey: string;
  store?: ThreadCalibrationStore;
  signal: AbortSignal;
}): Promise<ThreadChoice> {
  // More threads than cores only make them wait for each other.
  if (options.setting !== "auto") return { threads: Math.min(Math.max(1, Math.floor(options.setting)), Math.max(1, options.cores)), source: "setting", measurements: [] };
  const cached = validThreadChoice(await options.store?.get(options.cacheKey).catch(() => undefined), options.cores);
  if (cached) return cached;
  const measurements = await measureThreads(options.model, threadCandidates(options.cores), options.signal);
  const choice: ThreadChoice = { threads: fastest(measurements), source: "measured", measurements };
  await options.store?.set(options.cacheKey, choice).catch(() => undefined);
  return choice;
}
