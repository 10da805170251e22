// Inline completion at a position: the text Pincer would insert. The completion session keeps the
// prompt warm between keystrokes (see completion-session.ts); this module adds the request rules
// (single line in the middle of a line) and cleans what the model produced.
import type { Engine } from "../engine/engine";
import { BackgroundLoop, KEYSTROKE_IDLE_MS } from "./background-loop";
import { CompletionSession, type CursorHint, type SessionResult, type WarmEvent } from "./completion-session";
import { truncateAtBlockEnd } from "../index/block-end";
import type { ContextChunk } from "./fim-format";
import { firstSuggestionBudget } from "./time-budget";

export interface CompletionRequest {
  text: string;
  /** UTF-16 offset of the cursor in `text`. */
  offset: number;
  maxTokens: number;
  maxLines: number;
  /** Identifies the document between requests (an LSP URI, or a file path in the CLI). */
  uri?: string;
  /** Workspace-relative path shown to the model. */
  path?: string;
  /** VS Code language id, for tree-sitter (block ends, context); "plaintext" when unknown. */
  languageId?: string;
  /** Extra context, chosen when the prompt is laid out (see completion-session.ts). */
  context?: (prefixWindowChars: number) => Promise<ContextChunk[]>;
  /**
   * Milliseconds the first suggestion at a new place may take: its layout is sized to the model's
   * measured speed, and the full layout grows in the background. 0 or absent: the full layout at once.
   */
  firstSuggestionMs?: number;
  /**
   * Background work (growing a quick layout, warming hinted places) for an editor session; a one-off
   * request (the CLI) leaves it out. Events say what finished.
   */
  warm?: { onEvent?: (event: WarmEvent) => void };
  signal: AbortSignal;
}

export interface CompletionResult {
  insertText: string;
  /** Whether the model's FIM tokens were used (false: prefix-only fallback). */
  usedInfill: boolean;
  cancelled: boolean;
  /** How the answer was made: prompt tokens evaluated, reuse, cuts, and time spent waiting. */
  stats?: CompletionStats;
}

export type CompletionStats = Omit<SessionResult, "text"> & {
  /** Milliseconds spent waiting for the completion sequence (a replaced request finishing its token). */
  queuedMs: number;
};

interface EngineCompletion {
  session: CompletionSession;
  background: BackgroundLoop;
  /** Milliseconds a new place's request spends outside the model (layout, context), averaged. */
  overheadMs: number;
  onWarm?: (event: WarmEvent) => void;
}

const states = new WeakMap<Engine, EngineCompletion>();

const NO_WORK: CompletionStats = {
  source: "model",
  stopReason: "cancelled",
  evaluatedPromptTokens: 0,
  reusedTokens: 0,
  modelMs: 0,
  queuedMs: 0,
  relayout: false,
  format: "none",
  truncated: { prefixChars: 0, suffixChars: 0, contextChunks: 0 },
};

function stateOf(engine: Engine): EngineCompletion {
  let state = states.get(engine);
  if (!state) {
    const session = new CompletionSession((event) => state?.onWarm?.(event));
    state = { session, background: new BackgroundLoop(() => engine.sequence("completion"), session, engine.speed, engine.unloaded), overheadMs: 25 };
    states.set(engine, state);
  }
  return state;
}

/** The completion session that belongs to an engine's completion sequences. */
export function completionSession(engine: Engine): CompletionSession {
  return stateOf(engine).session;
}

/** The background work's record (batches run, the longest one), for the benchmark and tests. */
export function completionBackground(engine: Engine): BackgroundLoop["record"] {
  return stateOf(engine).background.record;
}

/**
 * The cursor is at a place with no request yet (the client saw it move, or an edit happened there):
 * warm that place's layout in the background, or, at the current anchor, catch up with the typing.
 * An edit can leave more than one reading of where the cursor is; each is given, the likeliest last.
 */
export function hintCompletion(engine: Engine, places: CursorHint | readonly CursorHint[], options: { maxTokens: number; onEvent?: (event: WarmEvent) => void }): void {
  const state = stateOf(engine);
  if (options.onEvent) state.onWarm = options.onEvent;
  const work = state.session.observe(places);
  if (work) state.background.kick(options.maxTokens, work === "hint" ? 0 : KEYSTROKE_IDLE_MS);
}

export async function completeAt(engine: Engine, request: CompletionRequest): Promise<CompletionResult> {
  const sequence = engine.sequence("completion");
  const state = stateOf(engine);
  const session = state.session;
  const uri = request.uri ?? "untitled";
  const suffix = request.text.slice(request.offset);
  const lineSuffix = suffix.split("\n", 1)[0] ?? "";
  const maxLines = lineSuffix.trim() !== "" ? 1 : request.maxLines;
  const clean = (raw: string) => cleanSuggestion(raw, { maxLines, suffix });

  const rest = session.fromLastSuggestion({ uri, text: request.text, offset: request.offset });
  const cached = rest === undefined ? "" : clean(rest);
  if (cached !== "") {
    // Typing along with the suggestion is typing too: the growth gets its batch.
    if (request.warm) state.background.keystrokeBatch(request.maxTokens);
    return {
      insertText: cached,
      usedInfill: sequence.infillSupported,
      cancelled: false,
      stats: { ...NO_WORK, source: "last-suggestion", stopReason: "cached" },
    };
  }

  const entered = performance.now();
  let queuedMs = 0;
  const cancelled = (stats: CompletionStats): CompletionResult => ({ insertText: "", usedInfill: sequence.infillSupported, cancelled: true, stats });
  const firstSuggestion =
    request.firstSuggestionMs && request.firstSuggestionMs > 0
      ? firstSuggestionBudget({ targetMs: request.firstSuggestionMs, maxTokens: request.maxTokens, speed: engine.speed.figures, overheadMs: state.overheadMs })
      : undefined;
  if (request.warm?.onEvent) state.onWarm = request.warm.onEvent;
  let result: SessionResult;
  state.background.requestStarted();
  try {
    result = await sequence.withTokenStreams(request.signal, (streams) => {
      queuedMs = performance.now() - entered;
      return session.complete(streams, {
        uri,
        path: request.path ?? uri,
        text: request.text,
        offset: request.offset,
        maxTokens: request.maxTokens,
        maxLines,
        context: request.context,
        firstSuggestion,
        signal: request.signal,
      });
    });
  } catch (error) {
    // Cancelled while waiting behind another generation on the sequence (the queue throws then).
    if (request.signal?.aborted) return cancelled({ ...NO_WORK, stopReason: "cancelled", queuedMs: performance.now() - entered });
    throw error;
  } finally {
    state.background.requestEnded(0);
  }
  if (result.relayout) {
    const outside = performance.now() - entered - queuedMs - result.modelMs;
    state.overheadMs = 0.7 * state.overheadMs + 0.3 * Math.max(0, outside);
  }
  // Growth starts at once after a new place's answer (the person reads it); other background work
  // waits for a pause in the typing.
  // A keystroke answered at the anchor also gives the growth one batch at once, so steady typing cannot
  // starve it.
  if (request.warm && session.hasBackgroundWork) state.background.kick(request.maxTokens, result.relayout ? 0 : KEYSTROKE_IDLE_MS);
  // (Not after a cancelled one: the next keystroke is already waiting.)
  if (request.warm && !result.relayout && result.stopReason !== "cancelled") state.background.keystrokeBatch(request.maxTokens);
  const { text: generated, ...sessionStats } = result;
  const stats: CompletionStats = { ...sessionStats, queuedMs };
  if (result.stopReason === "cancelled") return cancelled(stats);
  const text = wholeLines(generated, result.stopReason);
  // A multi-line suggestion ends with the block or statement the cursor is in (tree-sitter, or
  // indentation for languages without a grammar).
  const ended = maxLines > 1 && text.includes("\n") ? (await truncateAtBlockEnd(request.text, request.offset, text, request.languageId ?? "plaintext", { documentKey: uri })).completion : text;
  const insertText = clean(ended);
  session.remember(uri, request.text.slice(0, request.offset), insertText);
  return { insertText, usedInfill: result.format !== "none", cancelled: false, stats };
}

/**
 * A multi-line suggestion that hit the token limit ends in the middle of a line (`'TAG_RESOL`): keep
 * only its complete lines. A single line is kept as it is; accepting part of it is still useful.
 */
export function wholeLines(text: string, stopReason: SessionResult["stopReason"]): string {
  if (stopReason !== "maxTokens") return text;
  const lastNewline = text.lastIndexOf("\n");
  return lastNewline > 0 ? text.slice(0, lastNewline) : text;
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
