// A deterministic ChatModel for tests: it answers each request with the next scripted text (or what
// a scripted function makes of the turns), streamed a word at a time, and counts a token per four
// characters. It honours the signal between words and maxTokens, and records every conversation it
// was given, so tests can assert on the prompt.
import type { ChatTurn, GenerateOptions, GenerationResult } from "../engine/sequence";
import type { ChatModel } from "./chat-model";

export type ScriptedChatAnswer = string | ((turns: readonly ChatTurn[]) => string);

export class ScriptedChatModel implements ChatModel {
  private next = 0;
  /** Every conversation the chat sent, in order (compaction requests included). */
  readonly requests: { turns: readonly ChatTurn[]; maxTokens: number }[] = [];

  constructor(
    private readonly answers: readonly ScriptedChatAnswer[],
    readonly contextSize = 4096,
    /** Called before each answer; a test can abort or wait here. */
    private readonly beforeAnswer?: (index: number) => Promise<void> | void,
  ) {}

  tokenCount(text: string): number {
    return Math.ceil(text.length / 4);
  }

  tokenCountUpTo(text: string, limit: number): number {
    return Math.min(limit, this.tokenCount(text));
  }

  keepLastTokens(text: string, maxTokens: number): string {
    return text.slice(Math.max(0, text.length - maxTokens * 4));
  }

  /** Each turn costs its text plus a few tokens of template. */
  chatTokenCount(turns: readonly ChatTurn[]): number {
    return turns.reduce((sum, turn) => sum + this.tokenCount(turn.text) + 4, 2);
  }

  async chatTurns(turns: readonly ChatTurn[], options: GenerateOptions): Promise<GenerationResult> {
    const index = this.next++;
    this.requests.push({ turns: [...turns], maxTokens: options.maxTokens });
    await this.beforeAnswer?.(index);
    const scripted = this.answers[index];
    const answer = typeof scripted === "function" ? scripted(turns) : scripted;
    if (answer === undefined) throw new Error(`ScriptedChatModel: no answer ${index + 1} in the script (${this.answers.length} given).`);
    let text = "";
    let generatedTokens = 0;
    for (const word of answer.match(/\S+\s*/g) ?? []) {
      if (options.signal.aborted) return { text, stopReason: "cancelled", tokensAfterAbort: 0, generatedTokens };
      if (generatedTokens + this.tokenCount(word) > options.maxTokens) return { text, stopReason: "maxTokens", tokensAfterAbort: 0, generatedTokens };
      text += word;
      generatedTokens += this.tokenCount(word);
      options.onText?.(word);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { text, stopReason: "eos", tokensAfterAbort: 0, generatedTokens };
  }
}
