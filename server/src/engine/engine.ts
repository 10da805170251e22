// The engine: the only module that imports node-llama-cpp. One model load, one context with a
// sequence per feature, and a thread count chosen by measurement. Nothing here knows about LSP.
import { promises as fs } from "node:fs";
import os from "node:os";
import type { Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import type { GpuSetting, PincerSettings } from "../protocol";
import { noteForegroundActivity } from "./background-queue";
import { setNativeLogSink } from "./native-log";
import { sharedBackend, type BackendInfo, type EngineLogger } from "./backend";

export { sharedBackend };
import { resolveModelChatWrapper, type ResolvedChatWrapper } from "./chat-wrapper";
import { checkFitsInMemory, explainLoadFailure, inspectModelFile, ModelFileError, type ModelFacts } from "./model-check";
import { EngineSequence, SEQUENCE_SLOTS, type SequenceSlot } from "./sequence";
import { EvalSpeed } from "./eval-speed";
import { calibrationKey, choiceSpeed, chooseThreads, type ThreadCalibrationStore, type ThreadChoice } from "./thread-policy";
import { ThreadSplit, withBaseThreads } from "./thread-split";

export interface EngineLoadOptions {
  modelPath: string;
  settings: Pick<PincerSettings, "gpu" | "gpuLayers" | "threads" | "contextSize">;
  log: EngineLogger;
  calibrationStore?: ThreadCalibrationStore;
  signal: AbortSignal;
  /** fraction in [0, 1] and what is happening, for a progress bar. */
  onProgress?: (fraction: number, message: string) => void;
  /** Features this load serves; a completion-only model needs one sequence, not three. */
  slots?: readonly SequenceSlot[];
  /** Called with +1/-1 as generations start and end, so the host can show "busy". */
  onActivity?: (active: number) => void;
}

/** Largest context "auto" asks for: enough for chat and completion, small enough for laptops. */
const AUTO_CONTEXT_MAX = 8192;

export class Engine {
  private readonly sequences = new Map<SequenceSlot, EngineSequence>();
  private active = 0;
  private disposed = false;
  private readonly lifetime = new AbortController();
  /** The chat wrapper every chat turn is rendered with, and where its format comes from. */
  readonly chatFormat: ResolvedChatWrapper;
  /** Prompt and generation speed now: from the thread calibration, then from every evaluation. */
  readonly speed: EvalSpeed;
  /** Prompt batches and generated tokens on their own thread counts (thread-split.ts). */
  readonly threadSplit: ThreadSplit;

  private constructor(
    readonly llama: Llama,
    readonly backend: BackendInfo,
    readonly facts: ModelFacts,
    readonly threads: ThreadChoice,
    readonly gpuLayers: number,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly onActivity: ((active: number) => void) | undefined,
    slots: readonly SequenceSlot[],
  ) {
    this.chatFormat = resolveModelChatWrapper(model);
    this.speed = new EvalSpeed(choiceSpeed(threads) ?? { promptTokensPerSecond: 100, generationMsPerToken: 50 });
    this.threadSplit = new ThreadSplit(llama, threads.promptThreads, threads.generationThreads);
    const hooks = { speed: this.speed, threads: this.threadSplit };
    for (const slot of slots) {
      const main = context.getSequence();
      // Inline completion warms its next layout in a second sequence (completion/completion-session.ts).
      const spare = slot === "completion" ? context.getSequence() : undefined;
      this.sequences.set(slot, new EngineSequence(slot, llama, main, (delta) => this.activity(delta), this.chatFormat.wrapper, { hooks, spare }));
    }
  }

  static async load(options: EngineLoadOptions): Promise<Engine> {
    const { signal, settings } = options;
    const slots = options.slots ?? SEQUENCE_SLOTS;
    // node-llama-cpp can deliver a late model-load callback after a later stage has been reported;
    // a progress bar must never go back, so anything below the furthest point is dropped.
    let furthest = -1;
    const progress = (fraction: number, message: string) => {
      if (fraction < furthest) return;
      furthest = fraction;
      options.onProgress?.(fraction, message);
    };
    progress(0, "Starting the inference backend");
    const { llama, info: backend } = await sharedBackend(settings.gpu, options.log);
    setNativeLogSink(options.log);
    signal?.throwIfAborted();

    progress(0.05, "Checking the model file");
    const { facts } = await inspectModelFile(options.modelPath, llama, signal);
    checkFitsInMemory(facts, { ramBytes: os.totalmem(), vramBytes: backend.backend === "CPU" ? 0 : backend.memory.totalBytes });
    signal?.throwIfAborted();

    let model: LlamaModel;
    try {
      model = await llama.loadModel({
        modelPath: options.modelPath,
        gpuLayers: settings.gpuLayers === "auto" ? "auto" : settings.gpuLayers,
        loadSignal: signal,
        onLoadProgress: (fraction) => progress(0.05 + fraction * 0.75, `Loading ${facts.name} (${backend.backend})`),
      });
    } catch (error) {
      signal?.throwIfAborted();
      throw explainLoadFailure(options.modelPath, facts, error);
    }

    try {
      progress(0.82, "Choosing the thread count");
      const stat = await fs.stat(options.modelPath);
      const threads = await withBaseThreads(llama, () => chooseThreads({
        setting: settings.threads,
        model,
        cores: backend.cpuMathCores,
        cacheKey: calibrationKey({ path: options.modelPath, sizeBytes: stat.size, mtimeMs: stat.mtimeMs }, backend.backend),
        store: options.calibrationStore,
        signal,
      }));
      progress(0.92, "Creating the context");
      const context = await withBaseThreads(llama, () =>
        model.createContext({
          // The completion slot brings its spare sequence.
          sequences: slots.length + (slots.includes("completion") ? 1 : 0),
          contextSize: settings.contextSize === "auto" ? { min: 512, max: Math.min(AUTO_CONTEXT_MAX, facts.trainContextSize ?? AUTO_CONTEXT_MAX) } : settings.contextSize,
          threads: threads.threads,
          createSignal: signal,
        }),
      );
      progress(1, "Ready");
      return new Engine(llama, backend, facts, threads, model.gpuLayers, model, context, options.onActivity, slots);
    } catch (error) {
      await model.dispose();
      if (signal?.aborted || error instanceof ModelFileError) throw error;
      throw explainLoadFailure(options.modelPath, facts, error);
    }
  }

  /** The warm sequence that belongs to one feature. */
  sequence(slot: SequenceSlot): EngineSequence {
    if (this.disposed) throw new Error("The model was unloaded.");
    const sequence = this.sequences.get(slot);
    if (!sequence) throw new Error(`This model was loaded without a ${slot} sequence.`);
    return sequence;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  tokenCount(text: string): number {
    return this.model.tokenize(text).length;
  }
  /**
   * The token count of `text` when it is at most `limit`; otherwise some number above `limit`,
   * found without tokenizing all of it. A text far larger than any window (an 8 MB attachment)
   * is counted slice by slice and given up on once the slices pass the limit; tokenizing it whole
   * blocked the server for 20 s.
   */
  tokenCountUpTo(text: string, limit: number): number {
    const slice = 16 * 1024;
    if (text.length <= 4 * slice) return this.tokenCount(text);
    let counted = 0;
    for (let start = 0, slices = 1; start < text.length; start += slice, slices++) {
      counted += this.tokenCount(text.slice(start, start + slice));
      // A cut inside a word can add a token or two per slice; stay clear of that margin.
      if (counted > limit + 2 * slices) return counted;
    }
    return this.tokenCount(text);
  }


  /** The end of `text` that fits in `maxTokens`, cut at a token boundary. */
  keepLastTokens(text: string, maxTokens: number): string {
    const tokens = this.model.tokenize(text);
    return tokens.length <= maxTokens ? text : this.model.detokenize(tokens.slice(tokens.length - maxTokens));
  }

  /** The start of `text` that fits in `maxTokens`, cut at a token boundary. */
  keepFirstTokens(text: string, maxTokens: number): string {
    const tokens = this.model.tokenize(text);
    return tokens.length <= maxTokens ? text : this.model.detokenize(tokens.slice(0, maxTokens));
  }

  /** Aborted when the model is unloaded: work the engine runs on its own (completion's background work) ends. */
  get unloaded(): AbortSignal {
    return this.lifetime.signal;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.lifetime.abort();
    await this.context.dispose();
    await this.model.dispose();
  }

  private activity(delta: 1 | -1): void {
    this.active += delta;
    // Background work (the codebase index's embeddings) waits while any engine generates.
    noteForegroundActivity(delta);
    this.onActivity?.(this.active);
  }
}
