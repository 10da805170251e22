// Inline completion itself is standard LSP (textDocument/inlineCompletion); this is the server's
// record of what each request cost, for benchmarks and diagnostics.
import { PincerRequest0 } from "./rpc";

/** One inline completion as the server saw it. */
export interface CompletionStat {
  uri: string;
  /** Handler start to answer, in milliseconds. */
  totalMs: number;
  /** Time inside the model (prompt evaluation and generation). */
  modelMs: number;
  /** Time waiting for the completion sequence: a replaced request finishing the token it was on. */
  queuedMs: number;
  evaluatedPromptTokens: number;
  reusedTokens: number;
  source: "model" | "last-suggestion" | "none";
  relayout: boolean;
  cancelled: boolean;
  empty: boolean;
}
export interface CompletionStatsResult {
  stats: CompletionStat[];
}
/** Client → server: the completion stats recorded since the last call (at most the last 5,000). */
export const CompletionStatsRequest = new PincerRequest0<CompletionStatsResult>("pincer/completion/stats");
