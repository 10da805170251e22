// Token budgets for a completion prompt, from the completion sequence's real context size. Windows
// are cut at line boundaries and every cut is reported, never silent.
import type { TokenStream } from "../engine/token-stream";

export interface CompletionBudget {
  prefixTokens: number;
  suffixTokens: number;
  contextTokens: number;
  /** Room for text typed after the prompt was laid out (the growing middle) before a re-layout. */
  typedTokens: number;
  generatedTokens: number;
}

/**
 * Shares of what is left after generation and typing room: prefix 55%, suffix 15%, extra context 30%.
 * A prefix-only prompt shows no suffix, so the prefix gets the suffix's share too (70%).
 */
export function completionBudget(contextSize: number, maxTokens: number, options: { prefixOnly?: boolean } = {}): CompletionBudget {
  const typedTokens = Math.min(256, Math.floor(contextSize / 8));
  const rest = Math.max(64, contextSize - maxTokens - typedTokens - 16);
  const suffixTokens = options.prefixOnly ? 0 : Math.floor(rest * 0.15);
  return {
    prefixTokens: Math.floor(rest * 0.55) + (options.prefixOnly ? Math.floor(rest * 0.15) : 0),
    suffixTokens,
    contextTokens: Math.floor(rest * 0.3),
    typedTokens,
    generatedTokens: maxTokens,
  };
}

export interface Window {
  text: string;
  /** Characters of the original text left out of the window. */
  droppedChars: number;
}

/**
 * No token of the tokenizers we meet is longer than this many characters, so `maxTokens` tokens
 * never need more text than maxTokens × this. Cutting to that first keeps a huge document from
 * being tokenized whole (which cost about 1.2 s per MB on the first completion).
 */
export const MAX_CHARS_PER_TOKEN = 64;

/** The end of `text` within `maxTokens`, starting at a line start when anything was cut. */
export function prefixWindow(stream: TokenStream, whole: string, maxTokens: number): Window {
  if (roughlyFits(whole, maxTokens)) return { text: whole, droppedChars: 0 };
  const text = whole.length > maxTokens * MAX_CHARS_PER_TOKEN ? whole.slice(whole.length - maxTokens * MAX_CHARS_PER_TOKEN) : whole;
  const cut = whole.length - text.length;
  const tokens = stream.tokenize(text);
  if (tokens.length <= maxTokens && cut === 0) return { text, droppedChars: 0 };
  let kept = tokens.length <= maxTokens ? text : stream.detokenize(tokens.slice(tokens.length - maxTokens));
  kept = kept.slice(kept.indexOf("\n") + 1);
  return { text: kept, droppedChars: whole.length - kept.length };
}

/** The start of `text` within `maxTokens`, ending at a line end when anything was cut. */
export function suffixWindow(stream: TokenStream, whole: string, maxTokens: number): Window {
  if (roughlyFits(whole, maxTokens)) return { text: whole, droppedChars: 0 };
  const text = whole.slice(0, maxTokens * MAX_CHARS_PER_TOKEN);
  const cut = whole.length - text.length;
  const tokens = stream.tokenize(text);
  if (tokens.length <= maxTokens && cut === 0) return { text, droppedChars: 0 };
  let kept = tokens.length <= maxTokens ? text : stream.detokenize(tokens.slice(0, maxTokens));
  const lastNewline = kept.lastIndexOf("\n");
  if (lastNewline >= 0) kept = kept.slice(0, lastNewline + 1);
  return { text: kept, droppedChars: whole.length - kept.length };
}

/** A token is at least one character for every tokenizer we ship with, so short text needs no tokenizing. */
function roughlyFits(text: string, maxTokens: number): boolean {
  return text.length <= maxTokens;
}
