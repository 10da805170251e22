// Thread count dominates small-model speed on shared vCPUs (on a 2-core VM the tiny test model ran
// ~10x faster with 1 thread than with 2, because the second vCPU busy-waits against the first).
// So "auto" does not guess: it times a short prompt evaluation and a short generation at each
// candidate thread count on the loaded model, keeps the fastest count for each of the two (they
// differ: a prompt batch has work for every thread, a single generated token often has not), and
// caches the answer per model file and machine. A numeric setting is timed once at that count, so
// the completion's time budget has speeds to start from.
import os from "node:os";
import type { LlamaModel } from "node-llama-cpp";

export interface ThreadMeasurement {
  threads: number;
  /** Prompt and generated tokens together per second (what earlier versions kept). */
  tokensPerSecond: number;
  /** Prompt tokens per second, evaluated as one batch. */
  promptTokensPerSecond: number;
  /** Generated tokens per second, one at a time. */
  generationTokensPerSecond: number;
}

export interface ThreadChoice {
  /** Threads the context is created with: the larger of the two below. */
  threads: number;
  /** Threads for prompt batches. */
  promptThreads: number;
  /** Threads for generating tokens one at a time. */
  generationThreads: number;
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

const PROMPT_TOKENS = 64;
const GENERATED_TOKENS = 16;

export async function measureThreads(model: LlamaModel, candidates: number[], signal: AbortSignal): Promise<ThreadMeasurement[]> {
  const prompt = model.tokenize("function add(a, b) {\n  return a + b;\n}\n".repeat(12)).slice(0, PROMPT_TOKENS);
  const results: ThreadMeasurement[] = [];
  for (const threads of candidates) {
    signal.throwIfAborted();
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads, createSignal: signal });
    try {
      const sequence = context.getSequence();
      const started = performance.now();
      await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
      const promptDone = performance.now();
      // The last prompt token gives the first generated one; the rest are timed as generation.
      let produced = 0;
      let firstAt = promptDone;
      for await (const token of sequence.evaluate(prompt.slice(-1), { temperature: 0 })) {
        void token;
        if (++produced === 1) firstAt = performance.now();
        if (produced >= GENERATED_TOKENS || signal.aborted) break;
      }
      const ended = performance.now();
      const perSecond = (tokens: number, ms: number) => (tokens * 1000) / Math.max(ms, 1e-3);
      results.push({
        threads,
        tokensPerSecond: perSecond(prompt.length + produced, ended - started),
        promptTokensPerSecond: perSecond(prompt.length - 1, promptDone - started),
        generationTokensPerSecond: produced > 1 ? perSecond(produced - 1, ended - firstAt) : perSecond(produced, ended - promptDone),
      });
    } finally {
      await context.dispose();
    }
  }
  return results;
}

/** The thread count with the highest `key`; 1 without measurements. */
export function fastest(measurements: ThreadMeasurement[], key: "tokensPerSecond" | "promptTokensPerSecond" | "generationTokensPerSecond" = "tokensPerSecond"): number {
  let best = measurements[0];
  for (const m of measurements) if (best === undefined || m[key] > best[key]) best = m;
  return best?.threads ?? 1;
}

/** The speeds a choice runs at: prompt at its prompt thread count, generation at its generation count. */
export function choiceSpeed(choice: ThreadChoice): { promptTokensPerSecond: number; generationMsPerToken: number } | undefined {
  const prompt = choice.measurements.find((m) => m.threads === choice.promptThreads);
  const generation = choice.measurements.find((m) => m.threads === choice.generationThreads);
  if (!prompt || !generation) return undefined;
  return { promptTokensPerSecond: prompt.promptTokensPerSecond, generationMsPerToken: 1000 / generation.generationTokensPerSecond };
}

function choose(measurements: ThreadMeasurement[], source: ThreadChoice["source"]): ThreadChoice {
  const promptThreads = fastest(measurements, "promptTokensPerSecond");
  const generationThreads = fastest(measurements, "generationTokensPerSecond");
  return { threads: Math.max(promptThreads, generationThreads), promptThreads, generationThreads, source, measurements };
}

const isCount = (value: unknown, cores: number): value is number => typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= Math.max(1, cores);
const isSpeed = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;

/**
 * A cached entry as stored by chooseThreads, with thread counts this machine can run; anything
 * else (hand-edited, another version, another machine's cores) is measured again, not trusted:
 * `threads: 100000` once made every load hang.
 */
export function validThreadChoice(value: unknown, cores: number): ThreadChoice | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { threads, promptThreads, generationThreads, measurements } = value as Partial<ThreadChoice>;
  if (!isCount(threads, cores) || !isCount(promptThreads, cores) || !isCount(generationThreads, cores)) return undefined;
  if (threads !== Math.max(promptThreads, generationThreads)) return undefined;
  if (!Array.isArray(measurements)) return undefined;
  const valid = measurements.every(
    (m: unknown) =>
      typeof m === "object" &&
      m !== null &&
      Number.isInteger((m as ThreadMeasurement).threads) &&
      isSpeed((m as ThreadMeasurement).tokensPerSecond) &&
      isSpeed((m as ThreadMeasurement).promptTokensPerSecond) &&
      isSpeed((m as ThreadMeasurement).generationTokensPerSecond),
  );
  const choice: ThreadChoice = { threads, promptThreads, generationThreads, source: "cached", measurements };
  return valid && choiceSpeed(choice) ? choice : undefined;
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
  const set = options.setting === "auto" ? undefined : Math.min(Math.max(1, Math.floor(options.setting)), Math.max(1, options.cores));
  const key = set === undefined ? options.cacheKey : `${options.cacheKey}|threads=${set}`;
  const cached = validThreadChoice(await options.store?.get(key).catch(() => undefined), options.cores);
  if (cached && (set === undefined || cached.threads === set)) return set === undefined ? cached : { ...cached, source: "setting" };
  const measurements = await measureThreads(options.model, set === undefined ? threadCandidates(options.cores) : [set], options.signal);
  const choice = choose(measurements, set === undefined ? "measured" : "setting");
  await options.store?.set(key, choice).catch(() => undefined);
  return choice;
}
