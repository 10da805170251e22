// Regular expressions from the model run in a worker thread with a time budget. JavaScript's regex
// engine backtracks: `(a+)+$` on a line of 35 a's and a b takes hours, and on the main thread it froze
// the whole server (every LSP request waited, Stop did nothing). In a worker, the main thread stays
// free, and a regex that runs past its budget, or a cancelled search, ends by terminating the worker
// (V8 cannot interrupt a running match any other way). ripgrep, when present, is linear-time and
// needs none of this.
//
// The worker is a few lines of plain JavaScript evaluated from a string: it only matches lines of
// text the main thread read (confined, symlinks not followed) and posts back the matching lines; it
// opens no file and requires nothing but worker_threads.
import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const pattern = new RegExp(workerData.source, workerData.flags);
parentPort.on("message", (job) => {
  job.texts.forEach((text, k) => {
    const lines = text.split("\\n");
    const hits = [];
    for (let i = 0; i < lines.length && hits.length < job.maxHits; i++) {
      const line = lines[i].slice(0, job.maxLineChars);
      pattern.lastIndex = 0;
      if (pattern.test(line)) hits.push([i, line]);
    }
    if (hits.length > 0) parentPort.postMessage({ id: job.id, k, hits });
  });
  parentPort.postMessage({ id: job.id, done: true });
});
`;

/** The regex ran past its time budget; the worker was terminated. */
export class RegexTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the regex took longer than ${formatSeconds(budgetMs)} to match and was stopped`);
    this.name = "RegexTimeoutError";
  }
}

/** Matching lines of one text: [0-based line index, line cut at maxLineChars]. */
export type LineHits = [number, string][];

export interface RegexMatcher {
  /**
   * Matches each text (split on \n, lines cut at maxLineChars; its first `maxHits` matching lines) and
   * calls `onHits(k, hits)` for text k as soon as it is done, in order, so a search stopped later keeps
   * what was found. Batches save round trips; resolves when the batch is done.
   */
  matchTexts(texts: readonly string[], options: { maxHits: number; maxLineChars: number }, onHits: (k: number, hits: LineHits) => void): Promise<void>;
}

/**
 * Runs `body` with a matcher for `source` in a fresh worker. The budget counts the time the worker
 * spends matching (and starting), summed over all calls; past it, or when `signal` aborts, the worker
 * is terminated and the pending call rejects (RegexTimeoutError, or the signal's AbortError).
 */
export async function withRegexWorker<T>(source: string, flags: string, budgetMs: number, signal: AbortSignal, body: (matcher: RegexMatcher) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { source, flags },
    // No inherited loaders (tsx in tests) or variables; a bounded heap for one file's lines.
    execArgv: [],
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  let remainingMs = budgetMs;
  let nextId = 0;
  let pending: { id: number; onHits: (k: number, hits: LineHits) => void; resolve: () => void; reject: (error: unknown) => void } | undefined;
  let failure: unknown;
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = error;
    void worker.terminate();
    pending?.reject(error);
    pending = undefined;
  };
  // Always an AbortError, whatever the signal's reason (a wall-time TimeoutError too): tools rethrow those.
  const onAbort = () => fail(abortError());
  signal.addEventListener("abort", onAbort, { once: true });
  worker.on("message", (message: { id: number; k: number; hits: LineHits } | { id: number; done: true }) => {
    if (pending?.id !== message.id) return;
    if ("done" in message) {
      const done = pending;
      pending = undefined;
      done.resolve();
    } else pending.onHits(message.k, message.hits);
  });
  worker.on("error", (error) => fail(error));
  worker.on("exit", (code) => fail(new Error(`the regex worker stopped (exit code ${code})`)));

  const matcher: RegexMatcher = {
    matchTexts(texts, options, onHits) {
      if (failure !== undefined) return Promise.reject(failure);
      const id = nextId++;
      const started = performance.now();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => fail(new RegexTimeoutError(budgetMs)), Math.max(0, remainingMs));
        const settle = () => {
          clearTimeout(timer);
          remainingMs -= performance.now() - started;
        };
        pending = {
          id,
          onHits,
          resolve: () => {
            settle();
            resolve();
          },
          reject: (error) => {
            settle();
            reject(error);
          },
        };
        worker.postMessage({ id, texts, maxHits: options.maxHits, maxLineChars: options.maxLineChars });
      });
    },
  };
  try {
    return await body(matcher);
  } finally {
    signal.removeEventListener("abort", onAbort);
    failure ??= new Error("the regex search has ended");
    await worker.terminate();
  }
}

function abortError(): Error {
  const error = new Error("The search was cancelled.");
  error.name = "AbortError";
  return error;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
