// The codebase index's vocabulary, shared by its files and its hosts (LSP, CLI, agent tool, chat).

/** One searchable piece of a file: a definition (function, class, method…) or a window of lines. */
export interface CodeChunk {
  /** Index of the workspace folder it belongs to. */
  root: number;
  /** Workspace-relative path with `/` separators (prefixed by the folder's name when there are several). */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Definition names in the chunk, outermost first (`Class`, `Class.method`). */
  symbols: string[];
  /** "function", "class", … for definitions; "lines" for windows. */
  kind: string;
  text: string;
  /** sha256 of the text the embedding is computed from (path, symbols, code): equal hashes share a vector. */
  hash: string;
}

export interface CodebaseHit extends Omit<CodeChunk, "hash" | "root"> {
  /** Fused reciprocal-rank score (higher is better); only comparable within one search. */
  score: number;
  /** Which rankers found it. */
  matchedBy: ("lexical" | "semantic")[];
}

export interface CodebaseSearchResult {
  hits: CodebaseHit[];
  /** "fused" when the semantic ranker took part; "lexical" before an embedding model is chosen or while vectors are missing. */
  mode: "lexical" | "fused";
  /** Chunks without a vector yet (the embedding runs in the background). */
  pendingEmbeddings: number;
  tookMs: number;
}

export type IndexState = "idle" | "indexing" | "embedding" | "paused" | "error";

export interface IndexStatus {
  state: IndexState;
  files: number;
  chunks: number;
  /** Chunks that have a vector from the current embedding model. */
  embedded: number;
  /** Work done / to do in the current run (files, then chunks to embed). */
  done: number;
  total: number;
  message?: string;
  embeddingModel?: string;
}

/** The semantic half: turns texts into unit-length vectors (engine/embedding.ts behind embedding-prompts.ts). */
export interface Embedder {
  /** Vectors from different keys are never compared. */
  readonly key: string;
  readonly name: string;
  readonly dimensions: number;
  embedDocument(text: string, signal?: AbortSignal): Promise<Float32Array>;
  embedQuery(text: string, signal?: AbortSignal): Promise<Float32Array>;
}
