// Embeddings for the codebase index: a separate small GGUF model with an embedding context, so the
// chat/completion model and its KV caches are untouched. Two priorities share the one context:
// "background" (indexing) first waits until no foreground generation runs (background-queue.ts),
// "now" (a search query) only waits for the embedding in flight, never for the foreground.
import { promises as fs } from "node:fs";
import os from "node:os";
import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import type { GpuSetting } from "../protocol";
import { whenForegroundIdle } from "./background-queue";
import type { EngineLogger } from "./backend";
import { sharedBackend } from "./engine";
import { explainLoadFailure, inspectModelFile, type ModelFacts } from "./model-check";
import { SerialQueue } from "./serial-queue";

export interface EmbeddingLoadOptions {
  modelPath: string;
  gpu: GpuSetting;
  log: EngineLogger;
  /** Threads for the embedding context; default half the math cores (at least 1), so the foreground keeps a core. */
  threads?: number;
  /** Tokens one text may have; longer texts are cut. Default min(512, the model's training context). */
  contextSize?: number;
  signal: AbortSignal;
}

export class EmbeddingModel {
  private readonly exclusive = new SerialQueue();
  private disposed = false;

  private constructor(
    readonly facts: ModelFacts,
    /** Names the vectors: the same file (size, mtime) gives the same key, so vectors can be reused. */
    readonly key: string,
    readonly dimensions: number,
    readonly contextSize: number,
    private readonly model: LlamaModel,
    private readonly context: LlamaEmbeddingContext,
  ) {}

  static async load(options: EmbeddingLoadOptions): Promise<EmbeddingModel> {
    const { llama, info } = await sharedBackend(options.gpu, options.log);
    const { facts } = await inspectModelFile(options.modelPath, llama, options.signal);
    const stat = await fs.stat(options.modelPath);
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: info.backend === "CPU" ? 0 : "auto", loadSignal: options.signal });
    } catch (error) {
      options.signal?.throwIfAborted();
      throw explainLoadFailure(options.modelPath, facts, error);
    }
    try {
      const contextSize = Math.min(options.contextSize ?? 512, facts.trainContextSize ?? 512);
      const threads = options.threads ?? Math.max(1, Math.floor(Math.min(info.cpuMathCores, os.availableParallelism()) / 2));
      const context = await model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads, createSignal: options.signal });
      const probe = await context.getEmbeddingFor("probe");
      const key = `${facts.name}|${stat.size}|${Math.trunc(stat.mtimeMs)}|${contextSize}`;
      return new EmbeddingModel(facts, key, probe.vector.length, contextSize, model, context);
    } catch (error) {
      await model.dispose();
      options.signal?.throwIfAborted();
      throw explainLoadFailure(options.modelPath, facts, error);
    }
  }

  /**
   * The unit-length embedding of `text` (cut to the context size). "background" starts only while
   * the foreground is idle; "now" (search queries) waits at most for the embedding in flight.
   * Rejects with the signal's reason when cancelled before it starts.
   */
  async embed(text: string, options: { signal: AbortSignal; priority?: "background" | "now" }): Promise<Float32Array> {
    if (options.priority !== "now") await whenForegroundIdle(options.signal);
    return this.exclusive.run(async () => {
      if (this.disposed) throw new Error("The embedding model was unloaded.");
      const vector = (await this.context.getEmbeddingFor(this.fit(text))).vector;
      return normalize(Float32Array.from(vector));
    }, options.signal);
  }

  /** Tokens `text` counts as input (what it is cut to included). */
  tokenCount(text: string): number {
    return Math.min(this.model.tokenize(text).length, this.contextSize - 8);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // Waits for a running embedding: disposing under it would free memory it still reads. Nothing
    // cancels a dispose, so its turn in the queue has a signal that never aborts.
    await this.exclusive.run(async () => {
      await this.context.dispose();
      await this.model.dispose();
    }, new AbortController().signal);
  }

  /** Keeps the start of the text that fits (a few tokens stay free for BOS/EOS/separators). */
  private fit(text: string): string {
    const limit = this.contextSize - 8;
    if (this.context.calculateInputLength(text) <= limit) return text;
    const tokens = this.model.tokenize(text);
    let fitted = text;
    for (let keep = limit; keep > 8 && this.context.calculateInputLength(fitted) > limit; keep -= 16) {
      fitted = this.model.detokenize(tokens.slice(0, keep));
    }
    return fitted;
  }
}

function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
