// A chat turn on a remote engine: /v1/chat/completions streamed over SSE; the server applies its
// own chat template. Token counts are estimates (remote-engine.ts), so the budget leaves room.
import type { ChatTurn, GenerateOptions, GenerationResult } from "../engine/sequence";
import { isAbortError } from "../platform/errors";
import type { RemoteEngine } from "./remote-engine";

/** Per-message overhead of chat templates (role markers), estimated. */
const TURN_OVERHEAD = 8;

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  usage?: { completion_tokens?: number };
}

export class RemoteChatModel {
  constructor(private readonly engine: RemoteEngine) {}

  get contextSize(): number {
    return this.engine.contextSize;
  }

  tokenCount(text: string): number {
    return this.engine.estimateTokens(text);
  }

  tokenCountUpTo(text: string, limit: number): number {
    void limit; // an estimate costs nothing, however long the text
    return this.engine.estimateTokens(text);
  }

  keepLastTokens(text: string, maxTokens: number): string {
    return text.length <= maxTokens * 3 ? text : text.slice(text.length - maxTokens * 3);
  }

  chatTokenCount(turns: readonly ChatTurn[]): number {
    return turns.reduce((sum, turn) => sum + this.tokenCount(turn.text) + TURN_OVERHEAD, TURN_OVERHEAD);
  }

  async chatTurns(turns: readonly ChatTurn[], options: GenerateOptions): Promise<GenerationResult> {
    let text = "";
    let finish: string | null | undefined;
    let generated = 0;
    let usageTokens: number | undefined;
    try {
      await this.engine.client.stream(
        "/v1/chat/completions",
        {
          model: this.engine.model,
          messages: turns.map((turn) => ({ role: turn.role, content: turn.text })),
          max_tokens: options.maxTokens,
          temperature: options.temperature ?? 0,
          ...(options.stopTexts?.length ? { stop: [...options.stopTexts].slice(0, 4) } : {}),
          stream_options: { include_usage: true },
          ...(this.engine.kind === "llama-server" ? { cache_prompt: true } : {}),
        },
        options.signal,
        (data) => {
          const chunk = data as ChatChunk;
          if (chunk.usage?.completion_tokens !== undefined) usageTokens = chunk.usage.completion_tokens;
          const choice = chunk.choices?.[0];
          if (!choice) return;
          const piece = choice.delta?.content ?? "";
          if (piece) {
            text += piece;
            generated++;
            options.onText?.(piece);
          }
          if (choice.finish_reason) finish = choice.finish_reason;
        },
      );
    } catch (error) {
      if (options.signal.aborted || isAbortError(error)) return { text, stopReason: "cancelled", tokensAfterAbort: 0, generatedTokens: usageTokens ?? generated };
      throw error;
    }
    const stopReason: GenerationResult["stopReason"] = finish === "length" ? "maxTokens" : "eos";
    return { text, stopReason, tokensAfterAbort: 0, generatedTokens: usageTokens ?? generated };
  }
}
