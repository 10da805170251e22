// The conversation as append-only messages (so the real model evaluates only new tokens), the full
// text of every observation for paging, and compaction when the context fills up: older
// observations are replaced by a one-line summary instead of being dropped silently.
import type { AgentMessage } from "./agent-model";

export type MessageKind = "fixed" | "request" | "answer" | "cue" | "observation";

const ROLES: Record<MessageKind, AgentMessage["role"]> = { fixed: "system", request: "user", answer: "assistant", cue: "user", observation: "observation" };

interface Entry {
  text: string;
  kind: MessageKind;
  step?: number;
  summarised?: boolean;
}

export class Conversation {
  private readonly entries: Entry[] = [];
  private readonly fullObservations = new Map<number, string>();

  /** `countTokens` measures messages as the model's prompt (the chat template included). */
  constructor(private readonly countTokens: (messages: readonly AgentMessage[]) => number) {}

  append(kind: MessageKind, text: string, step?: number): void {
    this.entries.push({ text, kind, step });
  }

  /** Replaces the newest message of `kind` (the only edit besides compaction; the KV cache is reused up to it). */
  replaceLast(kind: MessageKind, text: string): void {
    const entry = [...this.entries].reverse().find((e) => e.kind === kind);
    if (entry) entry.text = text;
  }

  messages(): AgentMessage[] {
    return this.entries.map((entry) => ({ role: ROLES[entry.kind], text: entry.text }));
  }

  get tokenCount(): number {
    return this.countTokens(this.messages());
  }

  /** Tokens of the messages of `kind` on their own, as a prompt. */
  tokensOf(kind: MessageKind): number {
    return this.countTokens(this.messages().filter((_, index) => this.entries[index]!.kind === kind));
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
    const observations = this.entries.filter((entry) => entry.kind === "observation" && !entry.summarised);
    const candidates = observations.slice(0, Math.max(0, observations.length - keepRecent));
    let tokens = this.tokenCount;
    for (const entry of candidates) {
      if (tokens <= maxTokens) break;
      const firstLine = entry.text.split("\n", 1)[0]!.slice(0, 120);
      entry.text = `${firstLine} [summarised: ${entry.text.length} characters; more_output with {"step": ${entry.step}, "offset": 0} shows it]`;
      entry.summarised = true;
      summarised.push(entry.step!);
      tokens = this.tokenCount;
    }
    return tokens <= maxTokens ? summarised : undefined;
  }
}
