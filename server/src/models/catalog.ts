// The short list of models Pincer recommends on first run. Each entry pins the exact file (an `hf:` URI
// on the publisher's own repository, so the hub's sha256 rule of download.ts verifies it) and the facts the
// memory estimate needs. Sizes are the files' sizes as the hub lists them (rounded to MB); they are shown
// before the person agrees to a download and are not used to verify anything (sha256 is).

import { MESSAGES } from "../platform/messages";

/** Which setting a download fills: pincer.model, pincer.completion.model or pincer.index.embeddingModel. */
export type CatalogRole = "model" | "completion" | "embedding";

export interface CatalogEntry {
  /** Stable id: the CLI's JSON, the welcome view's command links and the walkthrough use it. */
  id: string;
  label: string;
  role: CatalogRole;
  uri: string;
  /** Download size in bytes (the file's size on the hub). */
  sizeBytes: number;
  /** Pinned sha256 of the file; absent: the hash the hub publishes is checked (download.ts). */
  sha256?: string;
  /** What it is good for, in one line (English; the catalogue has it per language under purpose.<id>). */
  purpose: string;
  /**
   * KV cache bytes per token of context at f16: 2 (K and V) × layers × KV heads × head size × 2 bytes,
   * from the model's config (Qwen2.5: GQA, so few KV heads).
   */
  kvBytesPerToken: number;
  /** Tokens of context per sequence Pincer gives it ("auto" takes up to 8192; the embedding model's is its own). */
  contextTokens: number;
  /** Sequences sharing the context: completion, chat and agent for a chat model; one for embeddings. */
  sequences: number;
}

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: "qwen2.5-coder-0.5b",
    label: "Qwen2.5-Coder 0.5B Instruct (Q4_K_M)",
    role: "model",
    uri: "hf:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    sizeBytes: 491_000_000,
    purpose: MESSAGES.en["purpose.qwen2.5-coder-0.5b"],
    kvBytesPerToken: 2 * 24 * 2 * 64 * 2,
    contextTokens: 8192,
    sequences: 3,
  },
  {
    id: "qwen2.5-coder-1.5b",
    label: "Qwen2.5-Coder 1.5B Instruct (Q4_K_M)",
    role: "model",
    uri: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    sizeBytes: 1_120_000_000,
    purpose: MESSAGES.en["purpose.qwen2.5-coder-1.5b"],
    kvBytesPerToken: 2 * 28 * 2 * 128 * 2,
    contextTokens: 8192,
    sequences: 3,
  },
  {
    id: "qwen2.5-coder-7b",
    label: "Qwen2.5-Coder 7B Instruct (Q4_K_M)",
    role: "model",
    uri: "hf:Qwen/Qwen2.5-Coder-7B-Instruct-GGUF/qwen2.5-coder-7b-instruct-q4_k_m.gguf",
    sizeBytes: 4_680_000_000,
    purpose: MESSAGES.en["purpose.qwen2.5-coder-7b"],
    kvBytesPerToken: 2 * 28 * 4 * 128 * 2,
    contextTokens: 8192,
    sequences: 3,
  },
  {
    id: "qwen2.5-coder-0.5b-base",
    label: "Qwen2.5-Coder 0.5B base (Q8_0) for completion",
    role: "completion",
    uri: "hf:ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/qwen2.5-coder-0.5b-q8_0.gguf",
    sizeBytes: 531_000_000,
    purpose: MESSAGES.en["purpose.qwen2.5-coder-0.5b-base"],
    kvBytesPerToken: 2 * 24 * 2 * 64 * 2,
    contextTokens: 8192,
    sequences: 1,
  },
  {
    id: "nomic-embed-text-v1.5",
    label: "nomic-embed-text v1.5 (Q8_0)",
    role: "embedding",
    uri: "hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf",
    sizeBytes: 146_000_000,
    purpose: MESSAGES.en["purpose.nomic-embed-text-v1.5"],
    kvBytesPerToken: 2 * 12 * 12 * 64 * 2,
    contextTokens: 2048,
    sequences: 1,
  },
];

/** Fixed cost besides weights and KV cache: compute buffers and the runtime (llama.cpp's graph scratch). */
export const OVERHEAD_BYTES = 300_000_000;

/**
 * Memory a model needs once loaded, in bytes: its weights (the file, mapped whole), the KV cache of every
 * sequence at its context size, and a fixed overhead. node-llama-cpp's own estimate (GgufInsights) needs the
 * file's header, which a model not yet downloaded does not have; this formula needs only the catalog.
 */
export function expectedMemoryBytes(entry: Pick<CatalogEntry, "sizeBytes" | "kvBytesPerToken" | "contextTokens" | "sequences">): number {
  return entry.sizeBytes + entry.kvBytesPerToken * entry.contextTokens * entry.sequences + OVERHEAD_BYTES;
}

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.id === id);
}
