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
  const kept = tokens.length <= maxTokens ? text : stream.detokenize(tokens.slice(tokens.length - maxTokens));
  // The kept lines are counted and taken from the text itself: detokenizing a slice can change its
  // first characters (a dropped leading space), and the window must be an exact end of the text.
  const lines = countNewlines(kept.slice(kept.indexOf("\n") + 1));
  const start = lineStartFromEnd(whole, lines);
  return { text: whole.slice(start), droppedChars: start };
}

/** The start of `text` within `maxTokens`, ending at a line end when anything was cut. */
export function suffixWindow(stream: TokenStream, whole: string, maxTokens: number): Window {
  if (roughlyFits(whole, maxTokens)) return { text: whole, droppedChars: 0 };
  const text = whole.slice(0, maxTokens * MAX_CHARS_PER_TOKEN);
  const cut = whole.length - text.length;
  const tokens = stream.tokenize(text);
  if (tokens.length <= maxTokens && cut === 0) return { text, droppedChars: 0 };
  const kept = tokens.length <= maxTokens ? text : stream.detokenize(tokens.slice(0, maxTokens));
  // As above: whole lines, counted, taken from the text itself (a part of one line when none fits).
  const lines = countNewlines(kept);
  const end = lines > 0 ? nthNewlineEnd(whole, lines) : Math.min(kept.length, whole.length);
  return { text: whole.slice(0, end), droppedChars: whole.length - end };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** The offset just after the `n`-th newline of `text`. */
function nthNewlineEnd(text: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf("\n", at + 1);
    if (at === -1) return text.length;
  }
  return at + 1;
}

/** Where the text's last line starts, with `lines` more whole lines before it. */
function lineStartFromEnd(text: string, lines: number): number {
  // A text ending with a newline ends with an empty last line.
  let at = text.length;
  for (let i = 0; i <= lines; i++) {
    const newline = text.lastIndexOf("\n", at - 1);
    if (newline === -1) return 0;
    at = newline;
  }
  return at + 1;
}

/** A token is at least one character for every tokenizer we ship with, so short text needs no tokenizing. */
function roughlyFits(text: string, maxTokens: number): boolean {
  return text.length <= maxTokens;
}
