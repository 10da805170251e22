// The one thing actions need from the model: a chat answer to a prompt. The engine's chat sequence
// implements it; keeping it this small lets tests check the plumbing around a random model.
import { SYSTEM_PROMPT } from "../chat/ask";
import type { Engine } from "../engine/engine";
import type { GenerationResult } from "../engine/sequence";

export interface ActionModel {
  answer(prompt: string, options: { signal?: AbortSignal; onText?: (text: string) => void; maxTokens?: number }): Promise<GenerationResult>;
}

export function engineActionModel(engine: Engine): ActionModel {
  return {
    answer(prompt, options) {
      const sequence = engine.sequence("chat");
      const maxTokens = options.maxTokens ?? Math.max(64, Math.floor(sequence.contextSize / 3));
      return sequence.chat(prompt, { systemPrompt: SYSTEM_PROMPT, maxTokens, signal: options.signal, onText: options.onText });
    },
  };
}
