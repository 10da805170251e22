// A single chat turn on the chat sequence. The chat template is whatever the GGUF declares
// (node-llama-cpp resolves it); models without one get node-llama-cpp's general template.
import type { Engine } from "../engine/engine";
import type { GenerationResult } from "../engine/sequence";

export const SYSTEM_PROMPT =
  "You are Pincer, a coding assistant running locally on the user's machine. Answer concisely and precisely; use Markdown code blocks for code.";

export interface AskOptions {
  maxTokens?: number;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export async function ask(engine: Engine, message: string, options: AskOptions = {}): Promise<GenerationResult> {
  const sequence = engine.sequence("chat");
  const maxTokens = options.maxTokens ?? Math.max(64, Math.floor(sequence.contextSize / 4));
  return sequence.chat(message, { systemPrompt: SYSTEM_PROMPT, maxTokens, signal: options.signal, onText: options.onText });
}
