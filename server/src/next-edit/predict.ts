// One next-edit prediction on the model's own sequence: lay out the prompt as tokens, let the KV
// cache keep the longest common prefix with the last request (so only the new tokens are evaluated,
// as inline completion does), generate greedily until the format's answer is complete, and turn the
// rewritten window into one edit.
import type { EngineSequence } from "../engine/sequence";
import type { TokenId, TokenStream } from "../engine/token-stream";
import { suggestionFrom, type EditableWindow, type NextEditSuggestion } from "./editable-window";
import type { NextEditFormat, NextEditInput, NextEditPrompt } from "./prompt-format";

export interface PredictStats {
  family: NextEditFormat["family"];
  /** Tokens of the whole prompt, the ones evaluated for this request, and the ones kept from the cache. */
  promptTokens: number;
  evaluatedPromptTokens: number;
  reusedTokens: number;
  generatedTokens: number;
  modelMs: number;
  stopReason: "eos" | "maxTokens" | "stopped" | "cancelled" | "too-long";
}

export interface Prediction {
  suggestion?: NextEditSuggestion;
  /** The window as the model rewrote it (for the benchmark and diagnostics), when it parsed. */
  rewritten?: string;
  stats: PredictStats;
}

export async function predictNextEdit(
  sequence: EngineSequence,
  format: NextEditFormat,
  input: NextEditInput,
  options: { maxTokens: number; signal: AbortSignal },
): Promise<Prediction> {
  const base: PredictStats = { family: format.family, promptTokens: 0, evaluatedPromptTokens: 0, reusedTokens: 0, generatedTokens: 0, modelMs: 0, stopReason: "cancelled" };
  return sequence.withTokens(options.signal, async (stream) => {
    const fitted = fit(sequence, stream, format, input, options.maxTokens);
    if (!fitted) return { stats: { ...base, stopReason: "too-long" } };
    const started = performance.now();
    // A separator that is one special token ends the answer as end-of-text does (it has no text to see).
    const stopTokens = (format.stopSpecials ?? []).map((text) => stream.specialToken(text)).filter((token): token is TokenId => token !== undefined);
    const result = await stream.generateAfter(fitted.tokens, { maxTokens: options.maxTokens, signal: options.signal, shouldStop: format.done, stopTokens });
    const stats: PredictStats = {
      ...base,
      promptTokens: fitted.tokens.length,
      evaluatedPromptTokens: result.evaluatedPromptTokens,
      reusedTokens: result.reusedTokens,
      generatedTokens: result.tokens.length,
      modelMs: performance.now() - started,
      stopReason: result.stopReason,
    };
    if (result.stopReason === "cancelled") return { stats };
    return { ...interpret(format, fitted.input.window, result.text, result.stopReason !== "maxTokens"), stats };
  });
}

/** The format's parse of the generated text, and the edit that turns the window into it. */
export function interpret(format: NextEditFormat, window: EditableWindow, generated: string, complete: boolean): Omit<Prediction, "stats"> {
  const rewritten = format.parse(generated, complete);
  if (rewritten === undefined) return {};
  const suggestion = suggestionFrom(window, rewritten);
  return { rewritten, ...(suggestion ? { suggestion } : {}) };
}

/**
 * The prompt's tokens, within the context window with room for the answer: related definitions go
 * first, then the oldest edits, until it fits (the last edit always stays). Undefined when even
 * that does not fit.
 */
function fit(sequence: EngineSequence, stream: TokenStream, format: NextEditFormat, input: NextEditInput, maxTokens: number): { tokens: TokenId[]; input: NextEditInput } | undefined {
  let current = input;
  for (;;) {
    const tokens = promptTokens(sequence, stream, format.prompt(current));
    if (tokens.length + maxTokens <= stream.contextSize) return { tokens, input: current };
    if (current.definitions.length > 0) current = { ...current, definitions: current.definitions.slice(0, -1) };
    else if (current.edits.length > 1) current = { ...current, edits: current.edits.slice(1) };
    else return undefined;
  }
}

export function promptTokens(sequence: EngineSequence, stream: TokenStream, prompt: NextEditPrompt): TokenId[] {
  const pieces = (parts: NextEditPrompt["parts"]) =>
    parts.flatMap((part) => (typeof part === "string" ? stream.tokenize(part) : [stream.specialToken(part.special) ?? stream.tokenize(part.special)].flat()));
  if (prompt.kind === "chat") {
    const turns = [...(prompt.system ? [{ role: "system" as const, text: prompt.system }] : []), { role: "user" as const, text: prompt.user ?? "" }];
    return [...sequence.chatPromptTokens(turns), ...pieces(prompt.parts)];
  }
  const bos = stream.bos();
  return [...(bos === undefined ? [] : [bos]), ...pieces(prompt.parts)];
}
