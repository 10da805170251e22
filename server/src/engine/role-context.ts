// One llama.cpp context per feature, created when the feature is first used and released when it has
// been idle for a while. node-llama-cpp gives every sequence of a context its own full-size KV cache
// (its kv_unified is off), so three features in one 8k context cost three 8k caches from the first
// second; here a feature that is never used costs nothing, completion gets a window its size, and an
// idle feature gives its cache back. Nothing here knows which feature it serves.
import { GgmlType, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel } from "node-llama-cpp";
import type { KvCacheType } from "../protocol";
import { withBaseThreads } from "./thread-split";

export interface RoleContextPlan {
  /** Tokens each sequence can hold. */
  contextSize: number;
  /** Sequences in the context (inline completion warms its next layout in a second one). */
  sequences: number;
  kvCacheType: KvCacheType;
}

/** What a context is expected to cost (node-llama-cpp's estimate) and, once created, what it did cost. */
export interface RoleContextMemory extends RoleContextPlan {
  live: boolean;
  expectedBytes: number;
  /** Growth of the process's resident memory while the context was created (absent until it is). */
  measuredBytes?: number;
}

export interface RoleContextOptions {
  threads: number;
  /** A context nobody used for this long is disposed; 0 keeps it until the model is unloaded. */
  idleReleaseMs: number;
  /** Called after the context is created or released (the host shows memory in its status). */
  onChange?: () => void;
  /** Told why the cache type asked for was not used. */
  onFallback?: (reason: string) => void;
}

/**
 * The ggml type of a cache setting. node-llama-cpp's context options take names too, but ignore a
 * lower-case "q8_0" without a word, and its estimates take only the number.
 */
export function kvGgmlType(type: KvCacheType): GgmlType {
  return type === "q8_0" ? GgmlType.Q8_0 : type === "q4_0" ? GgmlType.Q4_0 : GgmlType.F16;
}

/** ggml's block layout of the quantized cache types: bytes per block of `elements` values. */
const BLOCKS: Partial<Record<KvCacheType, { bytes: number; elements: number }>> = { q8_0: { bytes: 34, elements: 32 }, q4_0: { bytes: 18, elements: 32 } };

function kvCacheTypeOf(type: GgmlType): KvCacheType {
  return type === GgmlType.Q8_0 ? "q8_0" : type === GgmlType.Q4_0 ? "q4_0" : "f16";
}

export class RoleContext {
  private context: LlamaContext | undefined;
  private sequences: LlamaContextSequence[] | undefined;
  private creating: Promise<LlamaContextSequence[]> | undefined;
  private releasing: Promise<void> | undefined;
  private holders = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private measuredBytes: number | undefined;
  private evaluatedBefore = 0;
  private closed = false;

  constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    readonly plan: RoleContextPlan,
    private readonly options: RoleContextOptions,
  ) {}

  get contextSize(): number {
    return this.plan.contextSize;
  }

  /** The sequences if the context exists now; undefined while it is not created (or released). */
  get live(): readonly LlamaContextSequence[] | undefined {
    return this.sequences;
  }

  /** Prompt tokens evaluated on this role's first sequence, across every context it has had. */
  get evaluatedInputTokens(): number {
    return this.evaluatedBefore + (this.sequences?.[0]?.tokenMeter.usedInputTokens ?? 0);
  }

  /**
   * Runs `work` with the sequences, creating the context first when needed; the context is not
   * released while any work holds it.
   */
  async use<T>(signal: AbortSignal, work: (sequences: readonly LlamaContextSequence[]) => Promise<T>): Promise<T> {
    this.holders++;
    clearTimeout(this.idleTimer);
    try {
      const sequences = await this.acquire(signal);
      return await work(sequences);
    } finally {
      this.holders--;
      if (this.holders === 0) this.scheduleRelease();
    }
  }

  /** The plan, with the cache type read back from the live context (what llama.cpp was given, not what was asked). */
  memory(): RoleContextMemory {
    const kvCacheType = this.context ? kvCacheTypeOf(this.context.kvCacheKeyType) : this.plan.kvCacheType;
    return { ...this.plan, kvCacheType, live: this.sequences !== undefined, expectedBytes: this.expectedBytes(), measuredBytes: this.measuredBytes };
  }

  /**
   * node-llama-cpp's estimate of this context's RAM (plus VRAM when layers are on the GPU). Its
   * estimate (3.22) counts a quantized cache's bytes per block as bytes per element (34 for q8_0's 32
   * elements: 32× too much), so the cache part is taken from the f16 estimate and scaled instead.
   */
  expectedBytes(): number {
    const estimate = (type: GgmlType) => {
      const bytes = this.model.fileInsights.estimateContextResourceRequirements({
        contextSize: this.plan.contextSize,
        sequences: this.plan.sequences,
        modelGpuLayers: this.model.gpuLayers,
        flashAttention: this.flashAttention,
        kvCacheKeyType: type,
        kvCacheValueType: type === GgmlType.F16 || this.flashAttention ? type : GgmlType.F16,
      });
      return bytes.cpuRam + bytes.gpuVram;
    };
    const f16 = estimate(GgmlType.F16);
    const block = BLOCKS[this.plan.kvCacheType];
    if (!block) return f16;
    // Elements in the cache, from how much the (per-block) estimate grew over f16's 2 bytes each.
    const elements = (estimate(kvGgmlType(this.plan.kvCacheType)) - f16) / (block.bytes - 2);
    return Math.round(f16 - elements * (2 - block.bytes / block.elements));
  }

  /** Disposes the context now (the next use creates it again). */
  async release(): Promise<void> {
    clearTimeout(this.idleTimer);
    if (this.creating) await this.creating.catch(() => undefined);
    const context = this.context;
    if (!context) return;
    this.evaluatedBefore += this.sequences?.[0]?.tokenMeter.usedInputTokens ?? 0;
    this.context = undefined;
    this.sequences = undefined;
    this.releasing = context.dispose().finally(() => (this.releasing = undefined));
    await this.releasing;
    this.options.onChange?.();
  }

  async dispose(): Promise<void> {
    this.closed = true;
    await this.release();
  }

  /**
   * Flash attention wherever the model supports it, as llama-server's "auto" does: without it the
   * attention's compute buffer grows with the window (about 150 MB more for an 8k chat with a 135M
   * model, bench/memory), and a quantized value cache needs it.
   */
  private get flashAttention(): boolean {
    return this.model.flashAttentionSupported;
  }

  /** llama.cpp quantizes the value cache only under flash attention; without it values stay f16. */
  private get valueType(): GgmlType {
    return this.flashAttention ? kvGgmlType(this.plan.kvCacheType) : GgmlType.F16;
  }

  private acquire(signal: AbortSignal): Promise<readonly LlamaContextSequence[]> {
    if (this.closed) return Promise.reject(new Error("The model was unloaded."));
    if (this.sequences) return Promise.resolve(this.sequences);
    this.creating ??= this.create(signal).finally(() => (this.creating = undefined));
    return this.creating;
  }

  private async create(signal: AbortSignal): Promise<LlamaContextSequence[]> {
    if (this.releasing) await this.releasing;
    signal.throwIfAborted();
    const before = process.memoryUsage().rss;
    let context: LlamaContext;
    try {
      context = await this.createContext(signal, kvGgmlType(this.plan.kvCacheType), this.valueType);
    } catch (error) {
      // llama.cpp refuses a quantized cache for some shapes (a head size that is not a multiple of
      // the block size): the feature still works, on an f16 cache, and memory() says f16.
      if (signal.aborted || this.plan.kvCacheType === "f16") throw error;
      this.options.onFallback?.(`a ${this.plan.kvCacheType} KV cache could not be created for this model (${error instanceof Error ? error.message : String(error)}); using f16`);
      context = await this.createContext(signal, GgmlType.F16, GgmlType.F16);
    }
    this.measuredBytes = Math.max(0, process.memoryUsage().rss - before);
    if (this.closed) {
      await context.dispose();
      throw new Error("The model was unloaded.");
    }
    this.context = context;
    this.sequences = Array.from({ length: this.plan.sequences }, () => context.getSequence());
    this.options.onChange?.();
    return this.sequences;
  }

  private createContext(signal: AbortSignal, keyType: GgmlType, valueType: GgmlType): Promise<LlamaContext> {
    return withBaseThreads(this.llama, () =>
      this.model.createContext({
        sequences: this.plan.sequences,
        contextSize: this.plan.contextSize,
        threads: this.options.threads,
        flashAttention: this.flashAttention,
        experimentalKvCacheKeyType: keyType,
        experimentalKvCacheValueType: valueType,
        createSignal: signal,
      }),
    );
  }

  private scheduleRelease(): void {
    clearTimeout(this.idleTimer);
    if (this.options.idleReleaseMs <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      if (this.holders === 0) void this.release().catch(() => undefined);
    }, this.options.idleReleaseMs);
    this.idleTimer.unref();
  }
}
