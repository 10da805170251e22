// The warm completion sequence between keystrokes. The prompt is laid out once per "anchor" (a
// cursor position in a document); text the user then types at the cursor is appended after the
// prompt, where the model's answer would go. For FIM that is exact, not an approximation: the
// middle is by definition the text inserted at the cursor, and the user is inserting it. So each
// keystroke evaluates only the tokens of the newly typed characters. The layout is rebuilt (and
// only its changed tail evaluated, since extra context comes first) when the cursor leaves the
// anchor, the text around it changes, or the typed run outgrows its budget.
//
// When the user types exactly what the last suggestion predicted, the rest of that suggestion is
// the answer, without calling the model.
import type { TokenId, TokenStream } from "../engine/token-stream";
import { completionBudget, prefixWindow, suffixWindow, type CompletionBudget } from "./budget";
import { detectFimFormat, layoutPrompt, type ContextChunk, type FimFormat } from "./fim-format";

export interface SessionRequest {
  uri: string;
  /** Workspace-relative path for the model's benefit. */
  path: string;
  text: string;
  offset: number;
  maxTokens: number;
  /** Lines the suggestion may span (1 forces a single line). */
  maxLines: number;
  /**
   * Extra context, asked for only when the prompt is laid out (not on every keystroke), most useful
   * first; it is told how much of the prefix the prompt already shows.
   */
  context?: (prefixWindowChars: number) => Promise<ContextChunk[]>;
  signal: AbortSignal;
}

export interface SessionResult {
  text: string;
  source: "model" | "last-suggestion";
  stopReason: "eos" | "maxTokens" | "stopped" | "cancelled" | "cached";
  evaluatedPromptTokens: number;
  reusedTokens: number;
  /** Milliseconds spent in the model (prompt evaluation and generation). */
  modelMs: number;
  relayout: boolean;
  format: FimFormat["family"];
  /** What the windows left out, so a cut is never silent. */
  truncated: { prefixChars: number; suffixChars: number; contextChunks: number };
}

interface Anchor {
  uri: string;
  prefix: string;
  suffixWindow: string;
  promptTokens: TokenId[];
  truncated: SessionResult["truncated"];
}

interface LastSuggestion {
  uri: string;
  /** Document text before the cursor when the suggestion was made. */
  prefix: string;
  text: string;
}

export class CompletionSession {
  private anchor: Anchor | undefined;
  private last: LastSuggestion | undefined;
  private format: FimFormat | undefined;

  /** Remember the suggestion shown for this document state, to answer from if the user types it. */
  remember(uri: string, prefix: string, text: string): void {
    this.last = text === "" ? undefined : { uri, prefix, text };
  }

  /** Serve from the last suggestion when the user typed what it predicted; otherwise undefined. */
  fromLastSuggestion(request: Pick<SessionRequest, "uri" | "text" | "offset">): string | undefined {
    const last = this.last;
    if (!last || last.uri !== request.uri) return undefined;
    const prefix = request.text.slice(0, request.offset);
    if (!prefix.startsWith(last.prefix)) return undefined;
    const typed = prefix.slice(last.prefix.length);
    if (typed === "" || !last.text.startsWith(typed)) return undefined;
    const rest = last.text.slice(typed.length);
    return rest.trim() === "" ? undefined : rest;
  }

  async complete(stream: TokenStream, request: SessionRequest): Promise<SessionResult> {
    const format = (this.format ??= detectFimFormat(stream));
    const budget = completionBudget(stream.contextSize, request.maxTokens, { prefixOnly: format.order === "prefix-only" });
    const prefix = request.text.slice(0, request.offset);
    const suffix = request.text.slice(request.offset);
    let anchor = this.anchor;
    let typed = anchor ? this.typedSince(anchor, request, prefix, suffix) : undefined;
    let typedTokens = typed === undefined ? [] : stream.tokenize(typed);
    const relayout = typed === undefined || typedTokens.length > budget.typedTokens;
    if (relayout || !anchor) {
      anchor = await this.layout(stream, format, budget, request, prefix, suffix);
      this.anchor = anchor;
      typed = "";
      typedTokens = [];
    }

    const singleLine = request.maxLines <= 1;
    const modelStarted = performance.now();
    const result = await stream.generateAfter([...anchor.promptTokens, ...typedTokens], {
      maxTokens: request.maxTokens,
      signal: request.signal,
      shouldStop: (text) => lineCount(text) > (singleLine ? 1 : request.maxLines),
    });
    const modelMs = performance.now() - modelStarted;
    const text = trimToLines(result.text, singleLine ? 1 : request.maxLines);

    return {
      text,
      source: "model",
      stopReason: result.stopReason,
      evaluatedPromptTokens: result.evaluatedPromptTokens,
      reusedTokens: result.reusedTokens,
      modelMs,
      relayout,
      format: format.family,
      truncated: anchor.truncated,
    };
  }

  /** Text typed at the anchor since the layout, or undefined when the layout no longer holds. */
  private typedSince(anchor: Anchor, request: SessionRequest, prefix: string, suffix: string): string | undefined {
    if (anchor.uri !== request.uri) return undefined;
    if (!prefix.startsWith(anchor.prefix) || !suffix.startsWith(anchor.suffixWindow)) return undefined;
    return prefix.slice(anchor.prefix.length);
  }

  private async layout(stream: TokenStream, format: FimFormat, budget: CompletionBudget, request: SessionRequest, prefix: string, suffix: string): Promise<Anchor> {
    const before = prefixWindow(stream, prefix, budget.prefixTokens);
    const after = suffixWindow(stream, suffix, format.order === "prefix-only" ? 0 : budget.suffixTokens);
    const offered = (await request.context?.(before.text.length)) ?? [];
    const context: ContextChunk[] = [];
    let contextTokens = 0;
    for (const chunk of offered) {
      const size = stream.tokenize(chunk.text).length + 8;
      if (contextTokens + size > budget.contextTokens) continue;
      contextTokens += size;
      context.push(chunk);
    }
    // A stable order: the same chunks give the same prompt start, which stays cached.
    context.sort((a, b) => (a.path === b.path ? a.text.localeCompare(b.text) : a.path.localeCompare(b.path)));
    return {
      uri: request.uri,
      prefix,
      suffixWindow: after.text,
      promptTokens: layoutPrompt(stream, format, { context, currentPath: request.path, prefix: before.text, suffix: after.text }),
      truncated: { prefixChars: before.droppedChars, suffixChars: after.droppedChars, contextChunks: offered.length - context.length },
    };
  }
}

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function trimToLines(text: string, maxLines: number): string {
  const lines = text.split("\n");
  return lines.length > maxLines ? lines.slice(0, maxLines).join("\n") : text;
}
