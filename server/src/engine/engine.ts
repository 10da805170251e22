// The engine: the only module that imports node-llama-cpp. One model load, a context per feature
// (created on first use, sized per feature, released when idle: role-context.ts), and a thread
// count chosen by measurement. Nothing here knows about LSP.
import { promises as fs } from "node:fs";
import os from "node:os";
import type { Llama, LlamaModel } from "node-llama-cpp";
import type { EngineMemoryReport, GpuSetting, KvCacheType, PincerSettings } from "../protocol";
import { noteForegroundActivity } from "./background-queue";
import { setNativeLogSink } from "./native-log";
import { sharedBackend, type BackendInfo, type EngineLogger } from "./backend";

export { sharedBackend };
import { resolveModelChatWrapper, type ResolvedChatWrapper } from "./chat-wrapper";
import { checkFitsInMemory, explainLoadFailure, inspectModelFile, ModelFileError, type ModelFacts } from "./model-check";
import { kvGgmlType, RoleContext, type RoleContextPlan } from "./role-context";
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
  /** How the features' contexts are sized and kept; defaults: completion "auto", f16, never released. */
  memory?: EngineMemoryOptions;
  /** Called when a feature's context is created or released (the host shows memory in its status). */
  onMemoryChange?: () => void;
}

export interface EngineMemoryOptions {
  /** Tokens per completion sequence; "auto": COMPLETION_AUTO_CONTEXT, at most the main window. */
  completionContextSize?: "auto" | number;
  kvCacheType?: KvCacheType;
  /** A feature's context unused this long is released; 0 keeps it. */
  idleReleaseMs?: number;
}

/**
 * Completion's window when "auto". Its prompt is prefix + suffix + extra context (budget.ts): 2,048
 * tokens hold about 110 lines before the cursor, 30 after and 600 tokens of definitions, which is
 * what FIM completers send (llama.vscode's defaults: 256 + 64 lines, usually under 2,500 tokens).
 * Two sequences of it cost half of one 8k chat window.
 */
export const COMPLETION_AUTO_CONTEXT = 2048;

/** Largest context "auto" asks for: enough for chat and completion, small enough for laptops. */
const AUTO_CONTEXT_MAX = 8192;

export class Engine {
  private readonly sequences = new Map<SequenceSlot, EngineSequence>();
  private readonly roles = new Map<SequenceSlot, RoleContext>();
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
    plans: ReadonlyMap<SequenceSlot, RoleContextPlan>,
    private readonly onActivity: ((active: number) => void) | undefined,
    private readonly options: { idleReleaseMs: number; onMemoryChange?: () => void; log: EngineLogger; modelMeasuredBytes: number },
  ) {
    this.chatFormat = resolveModelChatWrapper(model);
    this.speed = new EvalSpeed(choiceSpeed(threads) ?? { promptTokensPerSecond: 100, generationMsPerToken: 50 });
    this.threadSplit = new ThreadSplit(llama, threads.promptThreads, threads.generationThreads);
    const hooks = { speed: this.speed, threads: this.threadSplit };
    for (const [slot, plan] of plans) {
      const role = new RoleContext(llama, model, plan, {
        threads: threads.threads,
        idleReleaseMs: options.idleReleaseMs,
        onChange: options.onMemoryChange,
        onFallback: (reason) => options.log("warn", `${slot}: ${reason}`),
      });
      this.roles.set(slot, role);
      this.sequences.set(slot, new EngineSequence(slot, llama, model, role, (delta) => this.activity(delta), this.chatFormat.wrapper, { hooks }));
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
    const rssBeforeModel = process.memoryUsage().rss;
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

    // Read before the thread measurement, which creates and frees a small context of its own.
    const rssAfterModel = process.memoryUsage().rss;
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
      progress(0.92, "Sizing the contexts");
      const memory = options.memory ?? {};
      const kvCacheType = memory.kvCacheType ?? "f16";
      // Sized now, created on first use: "auto" is resolved against the memory there is now (and a
      // size that cannot fit fails the load, as creating the context here used to).
      const mainSize = await resolveContextSize(model, settings.contextSize, kvCacheType, facts.trainContextSize);
      const plans = new Map<SequenceSlot, RoleContextPlan>();
      for (const slot of slots) {
        if (slot === "completion") {
          const wanted = memory.completionContextSize ?? "auto";
          // Inline completion warms its next layout in a second sequence (completion/completion-session.ts).
          const size = wanted === "auto" ? Math.min(COMPLETION_AUTO_CONTEXT, mainSize) : wanted;
          plans.set(slot, { contextSize: size, sequences: 2, kvCacheType });
        } else {
          plans.set(slot, { contextSize: mainSize, sequences: 1, kvCacheType });
        }
      }
      progress(1, "Ready");
      return new Engine(llama, backend, facts, threads, model.gpuLayers, model, plans, options.onActivity, {
        modelMeasuredBytes: Math.max(0, rssAfterModel - rssBeforeModel),
        idleReleaseMs: memory.idleReleaseMs ?? 0,
        onMemoryChange: options.onMemoryChange,
        log: options.log,
      });
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

  /** The main window: the chat's and the agent's (completion's own may be smaller). */
  get contextSize(): number {
    const main = this.roles.get("chat") ?? this.roles.get("agent") ?? this.roles.get("completion");
    return main!.contextSize;
  }

  /** What the model and each feature's context are expected to take, and what they took. */
  memoryReport(): EngineMemoryReport {
    const model = this.model.fileInsights.estimateModelResourceRequirements({ gpuLayers: this.model.gpuLayers });
    return {
      modelExpectedBytes: model.cpuRam + model.gpuVram,
      modelMeasuredBytes: this.options.modelMeasuredBytes,
      modelFileBytes: this.model.size,
      contexts: [...this.roles].map(([slot, role]) => ({ feature: slot, ...role.memory() })),
      processRssBytes: process.memoryUsage().rss,
    };
  }

  /** Creates every feature's context now (pincer doctor measures them); each stays until idle. */
  async createContexts(signal: AbortSignal): Promise<void> {
    for (const role of this.roles.values()) await role.use(signal, async () => undefined);
  }

  /** Releases every feature's context now (each is created again on its next use). */
  async releaseContexts(): Promise<void> {
    await Promise.all([...this.roles.values()].map((role) => role.release()));
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
    await Promise.all([...this.roles.values()].map((role) => role.dispose()));
    await this.model.dispose();
  }

  private activity(delta: 1 | -1): void {
    this.active += delta;
    // Background work (the codebase index's embeddings) waits while any engine generates.
    noteForegroundActivity(delta);
    this.onActivity?.(this.active);
  }
}

/**
 * The tokens per sequence a setting means: a number as given, "auto" as node-llama-cpp would pick
 * for one sequence (what fits in memory, up to AUTO_CONTEXT_MAX and the trained window). Either way
 * node-llama-cpp's memory check runs, so a window that cannot fit fails the load, not a first use.
 */
async function resolveContextSize(model: LlamaModel, setting: "auto" | number, kvCacheType: KvCacheType, trainContextSize: number | undefined): Promise<number> {
  const type = kvGgmlType(kvCacheType);
  return model.fileInsights.configurationResolver.resolveContextContextSize(
    setting === "auto" ? { min: 512, max: Math.min(AUTO_CONTEXT_MAX, trainContextSize ?? AUTO_CONTEXT_MAX) } : setting,
    {
      modelGpuLayers: model.gpuLayers,
      modelTrainContextSize: model.trainContextSize,
      sequences: 1,
      flashAttention: model.flashAttentionSupported,
      kvCacheKeyType: type,
      kvCacheValueType: type,
      getVramState: () => model.llama.getVramState(),
      llamaGpu: model.llama.gpu,
    },
  );
}
