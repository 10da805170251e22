// A completion prompt laid out for one cursor position (its anchor): which context chunks, which
// windows of the text before and after the cursor, and the tokens they make. completion-session.ts
// decides which layout a request gets; this file only builds them.
import type { TokenId, TokenStream } from "../engine/token-stream";
import { prefixWindow, suffixWindow, type CompletionBudget } from "./budget";
import { layoutHead, layoutPrompt, type ContextChunk, type FimFormat } from "./fim-format";

export interface Truncation {
  prefixChars: number;
  suffixChars: number;
  contextChunks: number;
}

export interface Layout {
  uri: string;
  path: string;
  /** The document's text before the cursor when it was laid out. */
  prefix: string;
  /** Where the prefix window starts in the document. */
  prefixStart: number;
  suffixWindow: string;
  context: ContextChunk[];
  promptTokens: TokenId[];
  truncated: Truncation;
  /**
   * "full": the token budget's windows and context chosen for this place. "quick": smaller windows
   * sized to the time budget, or context kept from an earlier place, so a full one is grown later.
   */
  kind: "full" | "quick";
}

/** Where the cursor is: the document split at it. */
export interface Place {
  uri: string;
  path: string;
  prefix: string;
  suffix: string;
}

const KIND_RANK: Record<NonNullable<ContextChunk["kind"]>, number> = { import: 0, definition: 1, edit: 2 };

/**
 * Keeps the offered chunks (most useful first) that fit in `budgetTokens`, then orders them so the
 * prompt start stays the same from place to place: a file's imports first (they change with the
 * file), then definitions, then recent edits (they change with every edit); by path and text within.
 */
export function fitContext(stream: TokenStream, offered: readonly ContextChunk[], budgetTokens: number): { context: ContextChunk[]; dropped: number } {
  const kept: ContextChunk[] = [];
  let used = 0;
  for (const chunk of offered) {
    const size = stream.tokenize(chunk.text).length + 8;
    if (used + size > budgetTokens) continue;
    used += size;
    kept.push(chunk);
  }
  const rank = (chunk: ContextChunk) => KIND_RANK[chunk.kind ?? "definition"];
  kept.sort((a, b) => rank(a) - rank(b) || (a.path === b.path ? a.text.localeCompare(b.text) : a.path.localeCompare(b.path)));
  return { context: kept, dropped: offered.length - kept.length };
}

/**
 * A layout with these context chunks and windows of at most `prefixTokens` / `suffixTokens`. With
 * `prefixStart`, the prefix window starts there instead (it must fit `prefixTokens`; the caller
 * checks), so the prompt keeps a cached window's first tokens.
 */
export function buildLayout(
  stream: TokenStream,
  format: FimFormat,
  place: Place,
  parts: { context: ContextChunk[]; droppedChunks: number; prefixTokens: number; suffixTokens: number; prefixStart?: number; kind: Layout["kind"] },
): Layout {
  const before =
    parts.prefixStart !== undefined ? { text: place.prefix.slice(parts.prefixStart), droppedChars: parts.prefixStart } : prefixWindow(stream, place.prefix, parts.prefixTokens);
  const after = suffixWindow(stream, place.suffix, format.order === "prefix-only" ? 0 : parts.suffixTokens);
  return {
    uri: place.uri,
    path: place.path,
    prefix: place.prefix,
    prefixStart: place.prefix.length - before.text.length,
    suffixWindow: after.text,
    context: parts.context,
    promptTokens: layoutPrompt(stream, format, { context: parts.context, currentPath: place.path, prefix: before.text, suffix: after.text }),
    truncated: { prefixChars: before.droppedChars, suffixChars: after.droppedChars, contextChunks: parts.droppedChunks },
    kind: parts.kind,
  };
}

/** The head tokens (BOS, context, path) a layout with this context starts with. */
export function headTokens(stream: TokenStream, format: FimFormat, context: ContextChunk[], path: string): TokenId[] {
  return layoutHead(stream, format, { context, currentPath: path });
}

/**
 * Text typed at the layout's anchor since it was laid out, or undefined when the layout no longer
 * holds (another document, the cursor left the anchor, the text around it changed).
 */
export function typedSince(layout: Layout, place: { uri: string; prefix: string; suffix: string }): string | undefined {
  if (layout.uri !== place.uri) return undefined;
  if (!place.prefix.startsWith(layout.prefix) || !place.suffix.startsWith(layout.suffixWindow)) return undefined;
  return place.prefix.slice(layout.prefix.length);
}

/** Whether two layouts start with the same context (same chunks in the same order). */
export function sameContext(a: readonly ContextChunk[], b: readonly ContextChunk[]): boolean {
  return a.length === b.length && a.every((chunk, i) => chunk.path === b[i]!.path && chunk.text === b[i]!.text);
}

export type { CompletionBudget };
