// The only code that touches @fugood/whisper.node (whisper.cpp). Like the LLM engine: the native
// addon is imported on first use, one model stays loaded (one warm context per process), calls
// are queued one at a time (a whisper context transcribes one input at a time), and every call
// takes an AbortSignal: the caller is answered AbortError at once.
//
// The binding (1.1.1) must never be asked to stop or release a running job: whisper.cpp gets no
// abort hook from it, and a job that ends cancelled (job.stop(), or release() while it runs) takes
// its error path, whose callback gets one argument where the promise settles only on two, so the
// promise never settles. A cancelled caller is answered at once; whisper.cpp finishes that window
// in the background and the queue moves on when it has, and a context is released only when idle.
import type { GpuSetting, VoiceLanguage } from "../protocol";
import type { Logger } from "../platform/log";

/** The part of the binding Pincer uses (its own typings ship TypeScript sources only). */
interface NativeTranscribeResult {
  language?: string;
  result: string;
  segments: { text: string; t0: number; t1: number }[];
}
interface NativeContext {
  transcribeFile(file: string, options: Record<string, unknown>): { promise: Promise<NativeTranscribeResult> };
  transcribeData(data: ArrayBuffer, options: Record<string, unknown>): { promise: Promise<NativeTranscribeResult> };
  release(): Promise<void>;
}
interface WhisperModule {
  toggleNativeLog(enable: boolean): Promise<void>;
  addNativeLogListener(listener: (level: string, text: string) => void): { remove: () => void };
  initWhisper(options: { filePath: string; useGpu?: boolean }, variant?: "default" | "vulkan" | "cuda"): Promise<NativeContext>;
}

export interface Transcription {
  text: string;
  language: string;
  segments: { startMs: number; endMs: number; text: string }[];
}

export interface TranscribeOptions {
  language: VoiceLanguage;
  signal: AbortSignal;
  threads?: number;
  onProgress?: (percent: number) => void;
}

export type TranscribeInput = { file: string } | { pcm16: Int16Array };

function abortError(): Error {
  const error = new Error("Transcription was cancelled.");
  error.name = "AbortError";
  return error;
}

export class WhisperEngine {
  private loaded: { key: string; context: Promise<NativeContext> } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private module: Promise<WhisperModule> | undefined;
  private logListener: { remove: () => void } | undefined;

  constructor(private readonly log: Logger = () => {}) {}

  /** Whether `modelPath` with this GPU setting is the warm model. */
  isLoaded(modelPath: string, gpu: GpuSetting): boolean {
    return this.loaded?.key === `${modelPath}\0${gpu}`;
  }

  /**
   * Loads the model (or keeps the warm one). whisper.cpp cannot stop a load midway: a cancelled
   * caller gets AbortError at once and the load finishes in the background, so the next call is warm.
   */
  async load(modelPath: string, gpu: GpuSetting, signal: AbortSignal): Promise<void> {
    const key = `${modelPath}\0${gpu}`;
    if (this.loaded?.key !== key) {
      const previous = this.loaded;
      this.loaded = { key, context: this.open(modelPath, gpu) };
      const failed = this.loaded;
      failed.context.catch(() => {
        if (this.loaded === failed) this.loaded = undefined;
      });
      // Released once the queue is idle: release() under a running job would leave it unsettled.
      if (previous) void this.queue.then(() => previous.context).then((context) => context.release(), () => undefined);
    }
    await raceAbort(this.loaded.context, signal);
  }

  private async open(modelPath: string, gpu: GpuSetting): Promise<NativeContext> {
    this.module ??= import("@fugood/whisper.node").then(async (m) => {
      const whisper = ((m as { default?: WhisperModule }).default ?? m) as WhisperModule;
      // whisper.cpp's own log would go to stderr (the CLI's output, the LSP client's log): only its
      // warnings and errors reach Pincer's log.
      this.logListener = whisper.addNativeLogListener((level, text) => {
        if (level === "error" || level === "warn") this.log(level, `whisper.cpp: ${text.trim()}`);
      });
      await whisper.toggleNativeLog(true);
      return whisper;
    });
    const whisper = await this.module.catch((error: Error) => {
      this.module = undefined;
      throw new Error(`The Whisper engine (@fugood/whisper.node) is not available on ${process.platform}-${process.arch}: ${error.message}`);
    });
    const variant = gpu === "cuda" ? "cuda" : gpu === "vulkan" ? "vulkan" : "default";
    const started = Date.now();
    const context = await whisper.initWhisper({ filePath: modelPath, useGpu: gpu !== "off" }, variant);
    this.log("info", `Whisper model ${modelPath} loaded in ${Date.now() - started} ms (${variant}${gpu === "off" ? ", CPU only" : ""}).`);
    return context;
  }

  /** Transcribes a 16-bit PCM buffer (16 kHz mono) or an audio file (WAV, MP3, FLAC) with the loaded model. */
  transcribe(input: TranscribeInput, options: TranscribeOptions): Promise<Transcription> {
    let native: Promise<unknown> = Promise.resolve();
    const run = this.queue.then(() => this.run(input, options, (job) => (native = job)));
    // The next call waits for whisper.cpp itself, which may still run after a cancelled caller left.
    this.queue = run.then(
      () => native,
      () => native,
    );
    return run;
  }

  private async run(input: TranscribeInput, options: TranscribeOptions, started: (native: Promise<unknown>) => void): Promise<Transcription> {
    if (!this.loaded) throw new Error("No Whisper model is loaded.");
    if (options.signal.aborted) throw abortError();
    const context = await this.loaded.context;
    if (options.signal.aborted) throw abortError();
    const nativeOptions: Record<string, unknown> = {
      language: options.language,
      temperature: 0,
      ...(options.threads ? { maxThreads: options.threads } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    };
    const job = "file" in input
      ? context.transcribeFile(input.file, nativeOptions)
      : context.transcribeData(input.pcm16.buffer.slice(input.pcm16.byteOffset, input.pcm16.byteOffset + input.pcm16.byteLength) as ArrayBuffer, nativeOptions);
    started(job.promise.catch(() => undefined));
    // No job.stop() on abort (see the top of this file): the caller is answered at once, the native
    // work ends in the background, and the next call starts when it has.
    try {
      const result = await raceAbort(job.promise, options.signal);
      return {
        text: result.result.trim(),
        language: result.language ?? options.language,
        segments: result.segments.map((s) => ({ startMs: s.t0, endMs: s.t1, text: s.text.trim() })),
      };
    } catch (error) {
      throw options.signal.aborted ? abortError() : error;
    }
  }

  /** Releases the model once whisper.cpp is idle (a cancelled caller's window included). */
  async dispose(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    await this.queue;
    if (loaded) await loaded.context.then((context) => context.release(), () => undefined);
    // The native log callback is a ThreadSafeFunction that holds the event loop open for ever (the
    // CLI and the server exit explicitly; a test run or an embedding process would not end).
    // The binding's log switch is process-wide: one engine per process, as everywhere in Pincer.
    const module = this.module;
    this.module = undefined;
    this.logListener?.remove();
    this.logListener = undefined;
    if (module) await module.then((whisper) => whisper.toggleNativeLog(false), () => undefined);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
