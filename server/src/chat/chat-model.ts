// What a chat turn needs from a model, whichever engine answers: the in-process one (the engine's
// "chat" sequence, exact token counts) or a remote OpenAI-compatible server (remote/remote-chat.ts,
// estimated counts). The chat service, compaction and code actions see only this. ScriptedChatModel
// (scripted-chat-model.ts) answers from a script, so the chat service's budgeting, compaction and
// storage are tested without an engine (as the agent's ScriptedModel does for the planner).
import type { Engine } from "../engine/engine";
import type { ChatTurn, GenerateOptions, GenerationResult } from "../engine/sequence";
import type { ToolChatResult, ToolChatTurn, ToolSpec } from "../engine/tool-chat";

export interface ChatModel {
  /** Tokens the window holds (the chat sequence's context, or what the remote server reports). */
  readonly contextSize: number;
  tokenCount(text: string): number;
  /** The count when at most `limit`; otherwise any number above it (see Engine.tokenCountUpTo). */
  tokenCountUpTo(text: string, limit: number): number;
  keepLastTokens(text: string, maxTokens: number): string;
  /** Tokens `turns` take in the chat template, with the opening of the next assistant message. */
  chatTokenCount(turns: readonly ChatTurn[]): number;
  /** The next assistant message, streamed through options.onText; a cancel resolves with stopReason "cancelled". */
  chatTurns(turns: readonly ChatTurn[], options: GenerateOptions): Promise<GenerationResult>;
  /**
   * Tools the caller runs (Pincer's OpenAI-compatible API): the model may answer with calls instead
   * of text. Absent where the engine cannot (a scripted model).
   */
  tools?: {
    tokenCount(turns: readonly ToolChatTurn[], tools: readonly ToolSpec[]): number;
    chat(turns: readonly ToolChatTurn[], tools: readonly ToolSpec[], options: GenerateOptions): Promise<ToolChatResult>;
  };
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
    tools: {
      tokenCount: (turns, tools) => sequence.toolChatTokenCount(turns, tools),
      chat: (turns, tools, options) => sequence.chatWithTools(turns, tools, options),
    },
  };
}
