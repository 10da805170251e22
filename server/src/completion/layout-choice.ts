// Which layout a request gets, and on which of the completion's two sequences. Every candidate is
// priced in prompt tokens the sequence would evaluate now (its cached tokens decide), so the choice
// is exact, not guessed:
//   held   a layout that still holds at the cursor (the user typed at its anchor): its tokens plus
//          the typed ones;
//   full   the token budget's layout for this place, with context chosen here; also with the prefix
//          window starting where a cached one of the same file starts, when that still fits, so a
//          jump within the file keeps the cached window's tokens;
//   quick  a layout that fits the time budget: context already cached (or none) and windows sized to
//          what is left, or a cached window's start kept with a suffix cut to fit.
import type { TokenId, TokenStream } from "../engine/token-stream";
import { MAX_CHARS_PER_TOKEN, type CompletionBudget } from "./budget";
import type { ContextChunk, FimFormat } from "./fim-format";
import { buildLayout, headTokens, sameContext, typedSince, type Layout, type Place } from "./layout";
import { splitWindowTokens } from "./time-budget";

export interface Candidate {
  /** Index of the sequence (0: main, 1: spare). */
  index: number;
  layout: Layout;
  /** The layout's tokens plus any text typed at its anchor. */
  prompt: TokenId[];
  /** Prompt tokens that sequence would evaluate now. */
  cost: number;
  held: boolean;
}

/** A keystroke moves to the full layout when it costs at most this many tokens more than staying. */
export const SWITCH_TOKENS = 8;
/** Windows smaller than this are not worth laying out beside cached context. */
const MIN_WINDOW_TOKENS = 24;

/** Layouts that still hold at the cursor, priced on their own sequence. */
export function heldCandidates(streams: readonly TokenStream[], slots: readonly (Layout | undefined)[], place: Place, budget: CompletionBudget): Candidate[] {
  const out: Candidate[] = [];
  streams.forEach((stream, index) => {
    const layout = slots[index];
    if (!layout) return;
    const typed = typedSince(layout, place);
    if (typed === undefined) return;
    const typedTokens = typed === "" ? [] : stream.tokenize(typed);
    if (typedTokens.length > budget.typedTokens) return;
    const prompt = [...layout.promptTokens, ...typedTokens];
    out.push({ index, layout, prompt, cost: stream.uncachedTokens(prompt), held: true });
  });
  return out;
}

/** The cheapest held layout, or the full one when it costs at most SWITCH_TOKENS more. */
export function chooseHeld(held: readonly Candidate[]): Candidate | undefined {
  let pick: Candidate | undefined;
  for (const c of held) if (!pick || c.cost < pick.cost) pick = c;
  const full = held.filter((c) => c.layout.kind === "full").sort((a, b) => a.cost - b.cost)[0];
  if (pick && full && full.cost <= Math.max(pick.cost, SWITCH_TOKENS)) return full;
  return pick;
}

/** The full layout for this place on each sequence, with the cached window start where it fits. */
export function fullCandidates(
  streams: readonly TokenStream[],
  format: FimFormat,
  budget: CompletionBudget,
  place: Place,
  slots: readonly (Layout | undefined)[],
  fresh: { context: ContextChunk[]; dropped: number },
): Candidate[] {
  const parts = { context: fresh.context, droppedChunks: fresh.dropped, prefixTokens: budget.prefixTokens, suffixTokens: budget.suffixTokens, kind: "full" as const };
  const standard = buildLayout(streams[0]!, format, place, parts);
  const out: Candidate[] = [];
  streams.forEach((stream, index) => {
    out.push(priced(stream, index, standard));
    const cached = slots[index];
    if (!cached || !sameContext(cached.context, fresh.context) || cached.prefixStart === standard.prefixStart) return;
    const start = stickyStart(stream, budget.prefixTokens, cached, place);
    if (start !== undefined) out.push(priced(stream, index, buildLayout(stream, format, place, { ...parts, prefixStart: start })));
  });
  return out;
}

/** Layouts that fit `promptTokens` of evaluation on some sequence (or come closest). */
export function quickCandidates(
  streams: readonly TokenStream[],
  format: FimFormat,
  budget: CompletionBudget,
  place: Place,
  slots: readonly (Layout | undefined)[],
  promptTokens: number,
): Candidate[] {
  const prefixOnly = format.order === "prefix-only";
  const specials = format.tokens && !prefixOnly ? 3 : 0;
  const out: Candidate[] = [];
  streams.forEach((stream, index) => {
    const cached = slots[index];
    // Context already in this sequence costs nothing to show again; none at all is the fallback.
    const contexts: ContextChunk[][] = cached && cached.context.length > 0 ? [cached.context, []] : [[]];
    for (const context of contexts) {
      const head = headTokens(stream, format, context, place.path);
      const headCost = head.length - stream.commonPrefixLength(head);
      let windows = promptTokens - headCost - specials;
      if (windows < MIN_WINDOW_TOKENS) {
        if (context.length > 0) continue;
        windows = MIN_WINDOW_TOKENS;
      }
      const split = splitWindowTokens(windows, prefixOnly);
      const layout = buildLayout(stream, format, place, {
        context,
        droppedChunks: 0,
        prefixTokens: Math.min(split.prefixTokens, budget.prefixTokens),
        suffixTokens: Math.min(split.suffixTokens, budget.suffixTokens),
        kind: "quick",
      });
      out.push(priced(stream, index, layout));
    }
    // The cached window's start kept: for a jump within the window, only the suffix is new.
    if (cached && format.order !== "spm") {
      const start = stickyStart(stream, budget.prefixTokens, cached, place);
      if (start === undefined) return;
      const parts = { context: cached.context, droppedChunks: 0, prefixTokens: budget.prefixTokens, prefixStart: start, kind: "quick" as const };
      const bare = buildLayout(stream, format, place, { ...parts, suffixTokens: 0 });
      // The prefix part's cost (all but <SUF><MID> of the bare layout), then what is left for the suffix window.
      const prefixPart = bare.promptTokens.length - (prefixOnly ? 0 : 2);
      const prefixCost = prefixPart - Math.min(prefixPart, stream.commonPrefixLength(bare.promptTokens));
      const suffixTokens = prefixOnly ? 0 : Math.min(budget.suffixTokens, promptTokens - prefixCost - 2);
      if (suffixTokens < 0) return;
      out.push(priced(stream, index, buildLayout(stream, format, place, { ...parts, suffixTokens })));
    }
  });
  return out;
}

/**
 * A new layout for a request with `promptTokens` of time budget: the full layout when some sequence
 * can evaluate it within the budget; else the quick layout that shows the most within it; else the
 * cheapest there is.
 */
export function chooseNew(full: readonly Candidate[], quick: readonly Candidate[], promptTokens: number): Candidate {
  const cheapest = (list: readonly Candidate[]) => [...list].sort((a, b) => a.cost - b.cost)[0];
  const fullFit = cheapest(full.filter((c) => c.cost <= promptTokens));
  if (fullFit) return fullFit;
  const quickFit = quick.filter((c) => c.cost <= promptTokens).sort((a, b) => b.prompt.length - a.prompt.length || a.cost - b.cost)[0];
  if (quickFit) return quickFit;
  const all = [...full, ...quick];
  const pick = cheapest(all);
  if (!pick) throw new Error("no layout candidates");
  return pick;
}

function priced(stream: TokenStream, index: number, layout: Layout): Candidate {
  return { index, layout, prompt: layout.promptTokens, cost: stream.uncachedTokens(layout.promptTokens), held: false };
}

/**
 * The cached layout's prefix window start, when it is in the same document, before the cursor, and
 * the window from there to the cursor fits `prefixTokens`.
 */
function stickyStart(stream: TokenStream, prefixTokens: number, cached: Layout, place: Place): number | undefined {
  if (cached.uri !== place.uri || cached.prefixStart > place.prefix.length) return undefined;
  // The text before the window start must be what it was, or the window is another text.
  if (place.prefix.slice(0, cached.prefixStart) !== cached.prefix.slice(0, cached.prefixStart)) return undefined;
  const window = place.prefix.slice(cached.prefixStart);
  if (window.length > prefixTokens * MAX_CHARS_PER_TOKEN) return undefined;
  if (window.length > prefixTokens && stream.tokenize(window).length > prefixTokens) return undefined;
  return cached.prefixStart;
}
