// Inline completion itself is standard LSP (textDocument/inlineCompletion); this is the server's
// record of what each request cost, for benchmarks and diagnostics, and the cursor hint that lets the
// server warm the prompt at a new place before the first request there.
import { object, position, str } from "./checks";
import { PincerNotification, PincerRequest0 } from "./rpc";

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
  /** Tokens of the layout the answer came from, and whether it was the full one or a quick one. */
  layoutTokens?: number;
  layoutKind?: "full" | "quick";
  /** Prompt tokens the first-suggestion time budget allowed, when this request laid out a new place. */
  budgetTokens?: number;
  /** Answered from a quick layout: the full one growing in the background, its size and tokens evaluated so far. */
  growth?: { layoutTokens: number; evaluatedTokens: number };
}
export interface CompletionStatsResult {
  stats: CompletionStat[];
}
/** Client → server: the completion stats recorded since the last call (at most the last 5,000). */
export const CompletionStatsRequest = new PincerRequest0<CompletionStatsResult>("pincer/completion/stats");

/**
 * Client → server: the cursor moved to `position` with no edit (a click, a jump). The server warms
 * the completion prompt for that place in the background, so the first suggestion there is fast.
 */
export interface CompletionCursorParams {
  textDocument: { uri: string };
  position: { line: number; character: number };
}
export const CompletionCursorNotification = new PincerNotification<CompletionCursorParams>(
  "pincer/completion/cursor",
  object({ textDocument: object({ uri: str({ min: 1, max: 4096 }) }), position }),
);
