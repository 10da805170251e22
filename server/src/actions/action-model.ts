// The one thing actions need from the model: a chat answer to a prompt. Any ChatModel (the engine's
// chat sequence, a remote engine) implements it; keeping it this small lets tests check the plumbing around a random model.
import { PincerError } from "../platform/errors";
import { SYSTEM_PROMPT } from "../chat/system-prompt";
import { engineChatModel, type ChatModel } from "../chat/chat-model";
import type { Engine } from "../engine/engine";
import type { GenerationResult } from "../engine/sequence";

export interface ActionModel {
  answer(prompt: string, options: { signal: AbortSignal; onText?: (text: string) => void; maxTokens?: number }): Promise<GenerationResult>;
}

export class PromptTooLongError extends PincerError {
  override name = "PromptTooLongError";
  constructor(message: string) {
    super(message, "invalid-params");
  }
}

/** Room left for the chat template's own tokens around the prompt. */
const TEMPLATE_MARGIN = 64;
const MIN_ANSWER_TOKENS = 32;

export function engineActionModel(engine: Engine): ActionModel {
  return chatActionModel(engineChatModel(engine));
}

/** Actions on any chat model: the local chat sequence or a remote engine (pincer.remote.chat.url). */
export function chatActionModel(sequence: ChatModel): ActionModel {
  return {
    answer(prompt, options) {
      // A whole huge file as the prompt is counted only as far as the window reaches.
      const promptTokens = sequence.tokenCountUpTo(SYSTEM_PROMPT + prompt, sequence.contextSize) + TEMPLATE_MARGIN;
      // A prompt that leaves no room for an answer is the user's selection or file being too big: say so.
      const room = sequence.contextSize - promptTokens;
      if (room < MIN_ANSWER_TOKENS) {
        return Promise.reject(new PromptTooLongError(`The code is too long for the model's context (${promptTokens} of ${sequence.contextSize} tokens). Select less code.`));
      }
      const wanted = options.maxTokens ?? Math.max(64, Math.floor(sequence.contextSize / 3));
      const turns = [
        { role: "system", text: SYSTEM_PROMPT },
        { role: "user", text: prompt },
      ] as const;
      return sequence.chatTurns(turns, { maxTokens: Math.min(wanted, room), signal: options.signal, onText: options.onText });
    },
  };
}
