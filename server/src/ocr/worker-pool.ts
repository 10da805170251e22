// A small pool of tesseract.js workers (Node worker threads running the wasm core), reused
// between jobs and kept per language set. tesseract cannot stop a recognition midway, so a
// cancelled or overdue job terminates its worker; the pool starts a fresh one for the next job.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Tesseract from "tesseract.js";
import { languageFolder } from "./language-links";

type Worker = Tesseract.Worker;
export type RecognizedPage = Tesseract.Page;

interface Slot {
  worker: Worker;
  languages: string;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

export interface WorkerPoolOptions {
  /** Workers at most; default: available cores - 1, between 1 and 4. */
  size?: number;
  /** An idle worker is ended after this long, giving its memory back (default 60 s). */
  idleMs?: number;
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

export class OcrWorkerPool {
  readonly size: number;
  private readonly idleMs: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private disposed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Recognises one image (PNG/JPEG/BMP bytes); rejects with an AbortError on cancel or timeout. */
  async recognize(image: Buffer, languages: readonly string[], options: { signal: AbortSignal; timeoutMs: number }): Promise<RecognizedPage> {
    const slot = await this.acquire(languages.join("+"), options.signal);
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const stop = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let onAbort: (() => void) | undefined;
    try {
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => {
          const reason = timeout.aborted ? new Error(`OCR of one page took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`) : abortError();
          reject(reason);
        };
        if (stop.aborted) onAbort();
        else stop.addEventListener("abort", onAbort, { once: true });
      });
      const result = await Promise.race([slot.worker.recognize(image, {}, { text: true, blocks: true }), aborted]);
      this.release(slot);
      return result.data;
    } catch (error) {
      // The worker may still be busy with the page; end it rather than reuse it.
      this.discard(slot);
      throw error;
    } finally {
      if (onAbort) stop.removeEventListener("abort", onAbort);
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = this.slots.splice(0);
    await Promise.all(all.map((slot) => slot.worker.terminate().catch(() => undefined)));
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async acquire(languages: string, signal: AbortSignal): Promise<Slot> {
    for (;;) {
      if (signal?.aborted) throw abortError();
      if (this.disposed) throw new Error("The OCR worker pool was shut down.");
      const idle = this.slots.find((s) => !s.busy && s.languages === languages);
      if (idle) {
        clearTimeout(idle.idleTimer);
        idle.busy = true;
        return idle;
      }
      if (this.slots.length >= this.size) {
        const other = this.slots.find((s) => !s.busy);
        if (other) this.discard(other);
      }
      if (this.slots.length < this.size) {
        const slot: Slot = { worker: undefined as unknown as Worker, languages, busy: true };
        this.slots.push(slot);
        try {
          slot.worker = await createWorker(languages);
        } catch (error) {
          this.slots.splice(this.slots.indexOf(slot), 1);
          this.wakeOne();
          throw error;
        }
        return slot;
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(abortError());
        signal?.addEventListener("abort", onAbort, { once: true });
        this.waiting.push(() => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    }
  }

  private release(slot: Slot): void {
    slot.busy = false;
    slot.idleTimer = setTimeout(() => this.discard(slot), this.idleMs);
    slot.idleTimer.unref();
    this.wakeOne();
  }

  private discard(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker?.terminate().catch(() => undefined);
    this.wakeOne();
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }
}

async function createWorker(languages: string): Promise<Worker> {
  const langPath = await languageFolder(languages.split("+"));
  // Loaded on first use: the server starts (and CLI commands run) without the OCR stack.
  const { createWorker: create, OEM } = (await import("tesseract.js")).default;
  let failure: unknown;
  const worker = await create(languages, OEM.LSTM_ONLY, {
    workerPath: guardedWorkerPath(),
    langPath,
    gzip: true,
    // Nothing is cached to (or read from) the working directory; the data is on disk already.
    cacheMethod: "none",
    errorHandler: (error: unknown) => {
      failure = error;
    },
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  // Keep inter-word spaces so column gaps survive in the text. Inputs rarely carry a usable
  // resolution (screenshots say 72 or nothing); PDF pages are rendered at 300 dpi.
  await worker.setParameters({ preserve_interword_spaces: "1", user_defined_dpi: "300" });
  return worker;
}

/**
 * The worker thread entry that installs the egress guard before tesseract's script runs: beside
 * this module in the server bundle, or the repository's build when run from source (worker threads
 * cannot load TypeScript, so tests need `npm run build` first, which `npm test` does).
 */
export function guardedWorkerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "ocr-worker.mjs"), path.resolve(here, "../../../dist/server/ocr-worker.mjs")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`The OCR worker entry is missing (looked for ${candidates.join(" and ")}); run npm run build.`);
  return found;
}

export function abortError(): Error {
  const error = new Error("The OCR job was cancelled.");
  error.name = "AbortError";
  return error;
}
