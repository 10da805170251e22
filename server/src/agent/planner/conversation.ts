// The conversation as append-only text segments (so the real model evaluates only new tokens),
// the full text of every observation for paging, and compaction when the context fills up:
// older observations are replaced by a one-line summary instead of being dropped silently.
export type SegmentKind = "fixed" | "request" | "answer" | "cue" | "observation";

interface Segment {
  text: string;
  kind: SegmentKind;
  step?: number;
  tokens: number;
  summarised?: boolean;
}

export class Conversation {
  private readonly segments: Segment[] = [];
  private readonly fullObservations = new Map<number, string>();

  constructor(private readonly countTokens: (text: string) => number) {}

  append(kind: SegmentKind, text: string, step?: number): void {
    this.segments.push({ text, kind, step, tokens: this.countTokens(text) });
  }

  /** Replaces the newest segment of `kind` (the only edit besides compaction; the KV cache is reused up to it). */
  replaceLast(kind: SegmentKind, text: string): void {
    const segment = [...this.segments].reverse().find((s) => s.kind === kind);
    if (!segment) return;
    segment.text = text;
    segment.tokens = this.countTokens(text);
  }

  texts(): string[] {
    return this.segments.map((segment) => segment.text);
  }

  get tokenCount(): number {
    return this.segments.reduce((sum, segment) => sum + segment.tokens, 0);
  }

  tokensOf(kind: SegmentKind): number {
    return this.segments.filter((segment) => segment.kind === kind).reduce((sum, segment) => sum + segment.tokens, 0);
  }

  /** Appends an observation cut to `maxChars`, with a visible note saying how to page on. */
  appendObservation(step: number, render: (text: string) => string, full: string, maxChars: number): { text: string; truncated: boolean } {
    this.fullObservations.set(step, full);
    const page = this.page(step, 0, maxChars);
    this.append("observation", render(page.text), step);
    return page;
  }

  /** `maxChars` of observation `step` from `offset`, with a note when more follows. */
  page(step: number, offset: number, maxChars: number): { text: string; truncated: boolean } {
    const full = this.fullObservations.get(step);
    if (full === undefined) return { text: `There is no observation ${step}.`, truncated: false };
    if (offset >= full.length) return { text: `Observation ${step} has only ${full.length} characters.`, truncated: false };
    const end = Math.min(full.length, offset + maxChars);
    const text = full.slice(offset, end);
    if (offset === 0 && end === full.length) return { text, truncated: false };
    const more = end < full.length ? ` Call more_output with {"step": ${step}, "offset": ${end}} for the rest.` : "";
    return { text: `${text}\n[characters ${offset}-${end} of ${full.length}.${more}]`, truncated: end < full.length };
  }

  /**
   * Summarises the oldest observations (keeping the newest `keepRecent`) until the conversation
   * needs at most `maxTokens`; returns the steps summarised, or undefined when it cannot fit.
   */
  compact(maxTokens: number, keepRecent: number): number[] | undefined {
    const summarised: number[] = [];
    const observations = this.segments.filter((segment) => segment.kind === "observation" && !segment.summarised);
    const candidates = observations.slice(0, Math.max(0, observations.length - keepRecent));
    for (const segment of candidates) {
      if (this.tokenCount <= maxTokens) break;
      const firstLine = segment.text.split("\n", 1)[0]!.slice(0, 120);
      segment.text = `${firstLine} [summarised: ${segment.text.length} characters; more_output with {"step": ${segment.step}, "offset": 0} shows it]\n`;
      segment.tokens = this.countTokens(segment.text);
      segment.summarised = true;
      summarised.push(segment.step!);
    }
    return this.tokenCount <= maxTokens ? summarised : undefined;
  }
}
