// pincer/codebase/*: the codebase index (search, re-index, status). Shapes shared with the CLI's
// --json output and with codebase/ (which builds them).
import { int, object, optional, str } from "./checks";
import { PincerRequest, PincerRequest0, ServerNotification } from "./rpc";

/** One search result: a definition (function, class, method…) or a window of lines of one file. */
export interface CodebaseHit {
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
  /** Fused reciprocal-rank score (higher is better); only comparable within one search. */
  score: number;
  /** Which rankers found it. */
  matchedBy: ("lexical" | "semantic")[];
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

export interface CodebaseSearchParams {
  query: string;
  /** 1..50, default 10. */
  limit?: number;
}

export interface CodebaseSearchResponse {
  hits: CodebaseHit[];
  mode: "lexical" | "fused";
  pendingEmbeddings: number;
  tookMs: number;
  status: IndexStatus;
}

/** Search the index; fails (not-available) when the workspace has no index (no folder, indexing off). */
export const CodebaseSearchRequest = new PincerRequest<CodebaseSearchParams, CodebaseSearchResponse>(
  "pincer/codebase/search",
  object({ query: str({ min: 1, max: 2000 }), limit: optional(int(1, 50)) }),
);
/** Re-scan the whole workspace now; answers the status when the run ends (cancel with $/cancelRequest). */
export const CodebaseReindexRequest = new PincerRequest0<IndexStatus>("pincer/codebase/reindex");
/** Server → client whenever the index state changes (also shown as a workDoneProgress while it works). */
export const CodebaseStatusNotification = new ServerNotification<IndexStatus>("pincer/codebase/status");
