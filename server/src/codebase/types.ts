// The codebase index's vocabulary, shared by its files and its hosts (LSP, CLI, agent tool, chat).
// What crosses the wire (hits, status) is defined in protocol/codebase.ts.
import type { CodebaseHit } from "../protocol/codebase";

export type { CodebaseHit, IndexState, IndexStatus } from "../protocol/codebase";

/** One searchable piece of a file: a definition (function, class, method…) or a window of lines; a hit
 * (protocol/codebase.ts) is a chunk with its score, so the shared fields are defined there once. */
export interface CodeChunk extends Omit<CodebaseHit, "score" | "matchedBy"> {
  /** Index of the workspace folder it belongs to. */
  root: number;
  /** sha256 of the text the embedding is computed from (path, symbols, code): equal hashes share a vector. */
  hash: string;
}

export interface CodebaseSearchResult {
  hits: CodebaseHit[];
  /** "fused" when the semantic ranker took part; "lexical" before an embedding model is chosen or while vectors are missing. */
  mode: "lexical" | "fused";
  /** Chunks without a vector yet (the embedding runs in the background). */
  pendingEmbeddings: number;
  tookMs: number;
}

/** The semantic half: turns texts into unit-length vectors (engine/embedding.ts behind embedding-prompts.ts). */
export interface Embedder {
  /** Vectors from different keys are never compared. */
  readonly key: string;
  readonly name: string;
  readonly dimensions: number;
  embedDocument(text: string, signal: AbortSignal): Promise<Float32Array>;
  embedQuery(text: string, signal: AbortSignal): Promise<Float32Array>;
}
