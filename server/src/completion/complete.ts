// Inline completion at a position: the text Pincer would insert. Uses the model's fill-in-the-middle
// tokens when it has them and a prefix-only continuation otherwise; the result is cleaned so that
// only a useful, non-repeating suggestion is returned.
import type { Engine } from "../engine/engine";

export interface CompletionRequest {
  text: string;
  /** UTF-16 offset of the cursor in `text`. */
  offset: number;
  maxTokens: number;
  maxLines: number;
  signal?: AbortSignal;
}

export interface CompletionResult {
  insertText: string;
  /** Whether the model's FIM tokens were used (false: prefix-only fallback). */
  usedInfill: boolean;
  cancelled: boolean;
}

/** Share of the context window the surrounding code may take; the rest is for the answer. */
const PROMPT_SHARE = 0.75;
const SUFFIX_SHARE = 0.25;

export async function completeAt(engine: Engine, request: CompletionRequest): Promise<CompletionResult> {
  const sequence = engine.sequence("completion");
  const budget = Math.max(64, Math.floor(sequence.contextSize * PROMPT_SHARE) - request.maxTokens);
  const prefix = engine.keepLastTokens(request.text.slice(0, request.offset), Math.floor(budget * (1 - SUFFIX_SHARE)));
  const suffix = engine.keepFirstTokens(request.text.slice(request.offset), Math.floor(budget * SUFFIX_SHARE));
  const lineSuffix = suffix.split("\n", 1)[0] ?? "";
  const midLine = lineSuffix.trim() !== "";

  const cancelled: CompletionResult = { insertText: "", usedInfill: sequence.infillSupported, cancelled: true };
  let result;
  try {
    result = sequence.infillSupported
      ? await sequence.infill(prefix, suffix, { maxTokens: request.maxTokens, signal: request.signal })
      : await sequence.generate(prefix, { maxTokens: request.maxTokens, signal: request.signal });
  } catch (error) {
    // Cancelled while waiting behind another generation on the sequence (the queue throws then).
    if (request.signal?.aborted) return cancelled;
    throw error;
  }
  if (result.stopReason === "cancelled") return cancelled;
  return {
    insertText: cleanSuggestion(result.text, { maxLines: midLine ? 1 : request.maxLines, suffix }),
    usedInfill: sequence.infillSupported,
    cancelled: false,
  };
}

/** Cut to the line budget, drop what repeats the text after the cursor, and reject blank suggestions. */
export function cleanSuggestion(raw: string, options: { maxLines: number; suffix: string }): string {
  let text = raw.replace(/\r\n/g, "\n");
  const lines = text.split("\n");
  if (lines.length > options.maxLines) text = lines.slice(0, options.maxLines).join("\n");
  text = text.replace(/[ \t]+$/gm, "").replace(/\n+$/, "");
  const overlap = longestSuffixPrefixOverlap(text, options.suffix);
  if (overlap > 0) text = text.slice(0, text.length - overlap);
  return text.trim() === "" ? "" : text;
}

/** Length of the longest end of `text` that the suffix starts with (so it would be typed twice). */
function longestSuffixPrefixOverlap(text: string, suffix: string): number {
  const max = Math.min(text.length, suffix.length);
  for (let length = max; length > 0; length--) {
    if (suffix.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}

/** 0-based line and UTF-16 character (as in LSP) to an offset; clamps to the line's end. */
export function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let current = 0; current < line; current++) {
    const next = text.indexOf("\n", offset);
    if (next === -1) return text.length;
    offset = next + 1;
  }
  const lineEnd = text.indexOf("\n", offset);
  let end = lineEnd === -1 ? text.length : lineEnd;
  if (end > offset && text[end - 1] === "\r") end--; // as in LSP: the line ends before its \r\n
  return Math.min(offset + character, end);
}
