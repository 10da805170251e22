// Fits a chat turn into the model's window, in real tokens, and says what did not fit. Order of
// precedence: the system prompt and the message (required), then rules, then attachments (each
// whole or not at all), then the history from the newest turn back. History that does not fit is
// handed to compaction; rules and attachments that do not fit are listed in `leftOut`.
import type { ContextItemReport } from "../protocol/chat";

export interface BudgetPiece {
  label: string;
  tokens: number;
}

export interface BudgetInput {
  windowTokens: number;
  replyTokens: number;
  /** Tokens the chat template adds around each message. */
  turnOverheadTokens: number;
  system: BudgetPiece;
  prompt: BudgetPiece;
  rules: readonly BudgetPiece[];
  attachments: readonly BudgetPiece[];
  /** Oldest first; a summary of older turns, when there is one, comes first. */
  history: readonly (BudgetPiece & { summary?: boolean })[];
}

export interface BudgetPlan {
  fits: boolean;
  error?: string;
  includedRules: number[];
  includedAttachments: number[];
  /** Index of the first history item kept (history.length when none is). */
  historyStart: number;
  leftOut: string[];
  items: ContextItemReport[];
  estimatedTokens: number;
}

export function planContext(input: BudgetInput): BudgetPlan {
  const available = input.windowTokens - input.replyTokens;
  const overhead = input.turnOverheadTokens;
  let used = input.system.tokens + input.prompt.tokens + 2 * overhead;
  const items: ContextItemReport[] = [
    { kind: "system", label: input.system.label, tokens: input.system.tokens, included: true },
    { kind: "prompt", label: input.prompt.label, tokens: input.prompt.tokens, included: true },
  ];
  if (used > available) {
    return {
      fits: false,
      error: `The message takes ${used} tokens with the system prompt, but the model's window leaves ${available} (${input.windowTokens} minus ${input.replyTokens} for the answer). Shorten it or load a model with a larger context.`,
      includedRules: [],
      includedAttachments: [],
      historyStart: input.history.length,
      leftOut: [],
      items,
      estimatedTokens: used,
    };
  }
  const leftOut: string[] = [];
  const take = (pieces: readonly BudgetPiece[], kind: "rule" | "attachment"): number[] => {
    const kept: number[] = [];
    pieces.forEach((piece, index) => {
      const fits = used + piece.tokens <= available;
      if (fits) {
        used += piece.tokens;
        kept.push(index);
      } else leftOut.push(piece.label);
      items.push({ kind, label: piece.label, tokens: piece.tokens, included: fits });
    });
    return kept;
  };
  const includedRules = take(input.rules, "rule");
  const includedAttachments = take(input.attachments, "attachment");

  let historyStart = input.history.length;
  for (let index = input.history.length - 1; index >= 0; index--) {
    const cost = input.history[index]!.tokens + overhead;
    if (used + cost > available) break;
    used += cost;
    historyStart = index;
  }
  input.history.forEach((piece, index) =>
    items.push({ kind: piece.summary ? "summary" : "history", label: piece.label, tokens: piece.tokens + overhead, included: index >= historyStart }),
  );
  return { fits: true, includedRules, includedAttachments, historyStart, leftOut, items, estimatedTokens: used };
}
