// The warm completion sequences between keystrokes. A prompt is laid out once per "anchor" (a cursor
// position in a document); text the user then types at the cursor is appended after the prompt,
// where the model's answer would go. For FIM that is exact, not an approximation: the middle is by
// definition the text inserted at the cursor, and the user is inserting it. So each keystroke
// evaluates only the tokens of the newly typed characters.
//
// At a new place the full layout costs seconds on a CPU, so the first request there gets a layout
// sized to a time budget (time-budget.ts): context already cached and smaller windows. The full
// layout is then evaluated in the background, in the completion's second sequence, one batch at a
// time, while the person reads; the next request at that place moves to it once it is ready. A cursor
// hint (the client's cursor moves, an edit elsewhere) evaluates the next place's full layout the same
// way before any request comes. Background work yields to a request after the batch in flight
// (background-loop.ts). Which layout a request gets is priced exactly (layout-choice.ts).
//
// When the user types exactly what the last suggestion predicted, the rest of that suggestion is
// the answer, without calling the model.
import type { TokenStream } from "../engine/token-stream";
import { completionBudget, prefixWindow, type CompletionBudget } from "./budget";
import { detectFimFormat, type ContextChunk, type FimFormat } from "./fim-format";
import { fitContext, typedSince, type Layout, type Place, type Truncation } from "./layout";
import { chooseHeld, chooseNew, fullCandidates, heldCandidates, quickCandidates, type Candidate } from "./layout-choice";
import type { FirstSuggestionBudget } from "./time-budget";

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
  /** The time budget for a new place's first layout; absent: the full layout whatever it costs. */
  firstSuggestion?: FirstSuggestionBudget;
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
  truncated: Truncation;
  /** The layout the answer came from: its size in tokens and whether it was the full one. */
  layoutTokens?: number;
  layoutKind?: Layout["kind"];
  /** The prompt tokens the time budget allowed, when this request laid out a new place under one. */
  budgetTokens?: number;
  /** The full layout growing for this place in the other sequence: its size and how much of it is evaluated. */
  growth?: { layoutTokens: number; evaluatedTokens: number };
}

/** A place the cursor went to before any request there: where to warm the next layout. */
export type CursorHint = Place & { context?: SessionRequest["context"] };

/** What background work finished, for logs and tests. */
export interface WarmEvent {
  kind: "grown" | "prewarmed";
  uri: string;
  layoutTokens: number;
}

interface LastSuggestion {
  uri: string;
  /** Document text before the cursor when the suggestion was made. */
  prefix: string;
  text: string;
}

interface BackgroundTarget {
  kind: "hint" | "growth";
  index: number;
  layout: Layout;
  prompt: number[];
}

export class CompletionSession {
  /** The layout each sequence holds (index 0: main, 1: spare); its KV cache may hold part of it. */
  private readonly slots: (Layout | undefined)[] = [undefined, undefined];
  /** The sequence that answered the last request. */
  private front = 0;
  /** The full layout for the front's place, to evaluate in the other sequence. */
  private growth: { layout: Layout; index: number; announced?: boolean } | undefined;
  /** A place the cursor moved to; its layout is built by prepareBackground. */
  private hint: { place: CursorHint; layout?: Layout; index: number } | undefined;
  /** The document at the last request or edit at the anchor: where a growth catches up to. */
  private latest: Place | undefined;
  private last: LastSuggestion | undefined;
  private format: FimFormat | undefined;
  /** Prompt tokens evaluated by background work since the session began. */
  backgroundTokens = 0;

  constructor(private readonly onWarm?: (event: WarmEvent) => void) {}

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

  /**
   * The cursor is at one of `places` (an edit, a cursor move) with no request yet; an edit can leave
   * the cursor in more than one place of the same text ("v" typed before "value"), so every reading
   * is given, the likeliest last. At a layout's anchor this only records what was typed (a growth
   * then catches up with it); elsewhere it asks for the place's layout to be warmed. Says which, or
   * undefined when there is nothing to do.
   */
  observe(places: CursorHint | readonly CursorHint[]): "hint" | "catch-up" | undefined {
    const readings = Array.isArray(places) ? (places as readonly CursorHint[]) : [places as CursorHint];
    const anchored = readings.find((place) => this.slots.some((layout) => layout !== undefined && typedSince(layout, place) !== undefined));
    if (anchored) {
      this.latest = anchored;
      return this.growth !== undefined ? "catch-up" : undefined;
    }
    const place = readings.at(-1);
    if (!place) return undefined;
    if (this.hint && this.hint.place.uri === place.uri && this.hint.place.prefix === place.prefix && this.hint.place.suffix === place.suffix) return "hint";
    this.hint = { place, index: 1 - this.front };
    this.growth = undefined;
    return "hint";
  }

  async complete(streams: readonly TokenStream[], request: SessionRequest): Promise<SessionResult> {
    const main = streams[0]!;
    const format = (this.format ??= detectFimFormat(main));
    const budget = completionBudget(main.contextSize, request.maxTokens, { prefixOnly: format.order === "prefix-only" });
    const place: Place = { uri: request.uri, path: request.path, prefix: request.text.slice(0, request.offset), suffix: request.text.slice(request.offset) };
    this.latest = place;
    this.hint = undefined;
    const budgetTokens = request.firstSuggestion?.promptTokens ?? Number.POSITIVE_INFINITY;

    const held = heldCandidates(streams, this.slots, place, budget);
    let pick = chooseHeld(held);
    let fullForGrowth: Candidate[] = [];
    if (!pick || pick.cost > budgetTokens) {
      // A full layout of this place already partly evaluated (warmed before the request) is kept for
      // the growth: the quick layout goes in the other sequence, and no context is chosen again.
      const warming = held.find((c) => c.layout.kind === "full" && c.cost > budgetTokens)?.index;
      if (warming === undefined) {
        const offered = (await request.context?.(prefixWindow(main, place.prefix, budget.prefixTokens).text.length)) ?? [];
        fullForGrowth = fullCandidates(streams, format, budget, place, this.slots, fitContext(main, offered, budget.contextTokens));
      }
      const quick = Number.isFinite(budgetTokens)
        ? quickCandidates(streams, format, budget, place, this.slots, budgetTokens).filter((c) => c.index !== warming || streams.length < 2)
        : [];
      const fresh = chooseNew(fullForGrowth, quick, budgetTokens);
      if (!pick || fresh.cost < pick.cost) pick = fresh;
    }
    const relayout = !pick.held;
    const maxTokens = relayout && request.firstSuggestion ? Math.min(request.maxTokens, request.firstSuggestion.maxTokens) : request.maxTokens;
    this.slots[pick.index] = pick.layout;
    this.front = pick.index;
    this.planGrowth(streams, pick, fullForGrowth, place);

    const singleLine = request.maxLines <= 1;
    const modelStarted = performance.now();
    const result = await streams[pick.index]!.generateAfter(pick.prompt, {
      maxTokens,
      signal: request.signal,
      shouldStop: (text) => lineCount(text) > (singleLine ? 1 : request.maxLines),
    });
    const modelMs = performance.now() - modelStarted;
    const growing = this.growth;
    const growth = growing
      ? { layoutTokens: growing.layout.promptTokens.length, evaluatedTokens: streams[growing.index]!.commonPrefixLength(growing.layout.promptTokens) }
      : undefined;
    return {
      text: trimToLines(result.text, singleLine ? 1 : request.maxLines),
      source: "model",
      stopReason: result.stopReason,
      evaluatedPromptTokens: result.evaluatedPromptTokens,
      reusedTokens: result.reusedTokens,
      modelMs,
      relayout,
      format: format.family,
      truncated: pick.layout.truncated,
      layoutTokens: pick.layout.promptTokens.length,
      layoutKind: pick.layout.kind,
      ...(relayout && Number.isFinite(budgetTokens) ? { budgetTokens } : {}),
      ...(growth ? { growth } : {}),
    };
  }

  /**
   * After a request: if it was answered from a quick layout, the full one for its place is evaluated
   * in the other sequence (continuing a warmed layout of this place if there is one).
   */
  private planGrowth(streams: readonly TokenStream[], pick: Candidate, full: readonly Candidate[], place: Place): void {
    if (pick.layout.kind === "full" || streams.length < 2) {
      this.growth = undefined;
      return;
    }
    const other = 1 - pick.index;
    const warmed = this.slots[other];
    if (warmed?.kind === "full" && typedSince(warmed, place) !== undefined) {
      if (this.growth?.layout !== warmed) this.growth = { layout: warmed, index: other };
      return;
    }
    if (this.growth && this.growth.index === other && typedSince(this.growth.layout, place) !== undefined) return;
    const target = full.filter((c) => c.index === other).sort((a, b) => a.cost - b.cost)[0];
    this.growth = target ? { layout: target.layout, index: other } : undefined;
  }

  /** Whether the current place's full layout is still growing (no hinted place waits first). */
  get growing(): boolean {
    return this.hint === undefined && this.growth !== undefined;
  }

  /** Whether background work has something to do (cheap; the step itself checks exactly). */
  get hasBackgroundWork(): boolean {
    return this.hint !== undefined || this.growth !== undefined;
  }

  /**
   * Lays out the hinted place (choosing its context) before background work takes the sequences, so
   * a request that comes meanwhile does not wait for it. `streams` are used to tokenize and to read
   * what is cached, not to evaluate.
   */
  async prepareBackground(streams: readonly TokenStream[], maxTokens: number): Promise<void> {
    const hint = this.hint;
    if (!hint || hint.layout || streams.length < 2) return;
    const main = streams[0]!;
    const format = (this.format ??= detectFimFormat(main));
    const budget = completionBudget(main.contextSize, maxTokens, { prefixOnly: format.order === "prefix-only" });
    const place = hint.place;
    const offered = (await place.context?.(prefixWindow(main, place.prefix, budget.prefixTokens).text.length)) ?? [];
    if (this.hint !== hint) return;
    const candidates = fullCandidates(streams, format, budget, place, this.slots, fitContext(main, offered, budget.contextTokens)).filter((c) => c.index === hint.index);
    hint.layout = candidates.sort((a, b) => a.cost - b.cost)[0]?.layout;
    if (!hint.layout) this.hint = undefined;
  }

  /**
   * One batch of background work in the sequence that is not answering requests: the hinted place's
   * layout (laid out by prepareBackground), else the growth of the current place's (with the text
   * typed since). Returns whether more remains.
   */
  async backgroundStep(streams: readonly TokenStream[], batchTokens: number, maxTokens: number): Promise<boolean> {
    if (streams.length < 2) return false;
    const target = this.backgroundTarget(streams, maxTokens);
    if (!target) return false;
    const stream = streams[target.index]!;
    this.slots[target.index] = target.layout;
    const { evaluated, remaining } = await stream.prepare(target.prompt, batchTokens);
    this.backgroundTokens += evaluated;
    if (remaining > 0) return true;
    if (target.kind === "hint") {
      this.hint = undefined;
      this.onWarm?.({ kind: "prewarmed", uri: target.layout.uri, layoutTokens: target.layout.promptTokens.length });
    } else if (this.growth && !this.growth.announced) {
      this.growth.announced = true;
      this.onWarm?.({ kind: "grown", uri: target.layout.uri, layoutTokens: target.layout.promptTokens.length });
    }
    return this.backgroundTarget(streams, maxTokens) !== undefined;
  }

  private backgroundTarget(streams: readonly TokenStream[], maxTokens: number): BackgroundTarget | undefined {
    const main = streams[0]!;
    const hint = this.hint;
    if (hint) {
      // Not laid out yet: prepareBackground runs first (a hint that came while this step waited).
      if (!hint.layout) return undefined;
      const prompt = hint.layout.promptTokens;
      if (streams[hint.index]!.commonPrefixLength(prompt) < prompt.length) return { kind: "hint", index: hint.index, layout: hint.layout, prompt };
      this.hint = undefined;
      return undefined;
    }
    const growth = this.growth;
    if (!growth || !this.latest) return undefined;
    const format = (this.format ??= detectFimFormat(main));
    const budget: CompletionBudget = completionBudget(main.contextSize, maxTokens, { prefixOnly: format.order === "prefix-only" });
    const typed = typedSince(growth.layout, this.latest);
    const typedTokens = typed === undefined || typed === "" ? [] : main.tokenize(typed);
    if (typed === undefined || typedTokens.length > budget.typedTokens) {
      this.growth = undefined;
      return undefined;
    }
    const prompt = [...growth.layout.promptTokens, ...typedTokens];
    if (streams[growth.index]!.commonPrefixLength(prompt) >= prompt.length) return undefined;
    return { kind: "growth", index: growth.index, layout: growth.layout, prompt };
  }
}

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

function trimToLines(text: string, maxLines: number): string {
  const lines = text.split("\n");
  return lines.length > maxLines ? lines.slice(0, maxLines).join("\n") : text;
}
