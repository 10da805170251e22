// What the chat needs from a model: the window, token counts, and a streamed answer to a list of
// turns. The engine's "chat" sequence is the real one; ScriptedChatModel (scripted-chat-model.ts)
// answers from a script, so the chat service's budgeting, compaction and storage are tested without
// one (as the agent's ScriptedModel does for the planner).
import type { Engine } from "../engine/engine";
import type { ChatTurn, GenerateOptions, GenerationResult } from "../engine/sequence";

export interface ChatModel {
  /** Tokens of the window one conversation must fit in. */
  readonly contextSize: number;
  tokenCount(text: string): number;
  /** Counts only as far as `limit` (a huge text is not tokenized whole). */
  tokenCountUpTo(text: string, limit: number): number;
  /** The end of `text` that fits in `maxTokens`. */
  keepLastTokens(text: string, maxTokens: number): string;
  /** Tokens of the turns as the model's chat template renders them. */
  chatTokenCount(turns: readonly ChatTurn[]): number;
  chatTurns(turns: readonly ChatTurn[], options: GenerateOptions): Promise<GenerationResult>;
}

/** The engine's "chat" sequence as a ChatModel. */
export function engineChatModel(engine: Engine): ChatModel {
  const sequence = engine.sequence("chat");
  return {
    get contextSize() {
      return sequence.contextSize;
    },
    tokenCount: (text) => engine.tokenCount(text),
    tokenCountUpTo: (text, limit) => engine.tokenCountUpTo(text, limit),
    keepLastTokens: (text, maxTokens) => engine.keepLastTokens(text, maxTokens),
    chatTokenCount: (turns) => sequence.chatTokenCount(turns),
    chatTurns: (turns, options) => sequence.chatTurns(turns, options),
  };
}
