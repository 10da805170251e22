// A time budget for the first suggestion at a new place. A token budget alone says how much context
// fits in the window, not how long it takes: on a CPU a full layout at a new place costs seconds. So
// the first layout there is sized from the model's measured speeds (engine/eval-speed.ts) to answer
// within `targetMs`; the full layout is evaluated in the background afterwards (completion-session.ts).
import type { SpeedFigures } from "../engine/eval-speed";

export interface FirstSuggestionBudget {
  /** Prompt tokens the first request at a new place may evaluate. */
  promptTokens: number;
  /** Tokens it may generate. */
  maxTokens: number;
}

/** Below this a prompt shows too little code to be worth a suggestion; a budget never goes lower. */
export const MIN_PROMPT_TOKENS = 32;
/** A suggestion this short is still useful; a budget never cuts generation below it. */
export const MIN_GENERATED_TOKENS = 8;
/** At most this share of the target goes to generation; prompt context gets the rest. */
const GENERATION_SHARE = 0.35;

/**
 * How many prompt tokens and generated tokens fit in `targetMs`, given the speeds and the time the
 * server spends outside the model (layout, context selection, transport). `targetMs` 0 means no time
 * budget: everything the token budget allows.
 */
export function firstSuggestionBudget(options: { targetMs: number; maxTokens: number; speed: SpeedFigures; overheadMs: number }): FirstSuggestionBudget {
  const { targetMs, maxTokens, speed } = options;
  if (!(targetMs > 0)) return { promptTokens: Number.POSITIVE_INFINITY, maxTokens };
  const msPerToken = Math.max(speed.generationMsPerToken, 1e-3);
  const generated = Math.min(maxTokens, Math.max(MIN_GENERATED_TOKENS, Math.floor((targetMs * GENERATION_SHARE) / msPerToken)));
  const promptMs = targetMs - Math.max(0, options.overheadMs) - generated * msPerToken;
  const promptTokens = Math.max(MIN_PROMPT_TOKENS, Math.floor((promptMs * speed.promptTokensPerSecond) / 1000));
  return { promptTokens, maxTokens: generated };
}

/**
 * How a window budget is shared between the text before and after the cursor: the same proportion
 * as the full layout's (budget.ts: prefix 55%, suffix 15%), all of it to the prefix for prefix-only.
 */
export function splitWindowTokens(tokens: number, prefixOnly: boolean): { prefixTokens: number; suffixTokens: number } {
  const total = Math.max(0, Math.floor(tokens));
  if (prefixOnly) return { prefixTokens: total, suffixTokens: 0 };
  const prefixTokens = Math.floor((total * 55) / 70);
  return { prefixTokens, suffixTokens: total - prefixTokens };
}
