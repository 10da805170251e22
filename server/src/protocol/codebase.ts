// pincer/codebase/*: the codebase index (search, re-index, status). Shapes shared with the CLI's --json output.
import type { CodebaseHit, IndexStatus } from "../codebase/types";

export type { CodebaseHit, IndexStatus } from "../codebase/types";

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

/** Search the index; `RequestFailed` when the workspace has no index (no folder, indexing off, untrusted storage). */
export const CodebaseSearchRequest = "pincer/codebase/search" as const;
/** Re-scan the whole workspace now; answers the status when the run ends (cancel with $/cancelRequest). */
export const CodebaseReindexRequest = "pincer/codebase/reindex" as const;
/** Server → client whenever the index state changes (also shown as a workDoneProgress while it works). */
export const CodebaseStatusNotification = "pincer/codebase/status" as const;
