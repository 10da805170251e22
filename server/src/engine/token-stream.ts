// Token-level access to one sequence's KV cache, for callers that lay out their own prompt and
// want to pay only for what changed (inline completion): read the cached tokens, cut them back to
// a common prefix, then evaluate just the new tokens and stream the generated ones.
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { JsonGrammar } from "./json-grammar";

export type TokenId = number;

/** Prompt tokens evaluated between two cancel checks. */
const PROMPT_CHUNK = 256;

export interface StreamOptions {
  maxTokens: number;
  signal: AbortSignal;
  temperature?: number;
  /** Seeds sampling when temperature > 0, so a run can be repeated. */
  seed?: number;
  /** Looked at after each token with all text generated so far; true stops generation. */
  shouldStop?: (text: string) => boolean;
  /**
   * Constrains sampling so the generated text can only be JSON matching the grammar's schema, with
   * whole-character tokens only (so the answer closes within grammar.maxTokens).
   */
  grammar?: JsonGrammar;
}

export interface StreamResult {
  tokens: TokenId[];
  text: string;
  stopReason: "eos" | "maxTokens" | "stopped" | "cancelled";
  /** Prompt tokens this call evaluated (cached tokens are not counted). */
  evaluatedPromptTokens: number;
  /** Cached tokens kept from earlier calls. */
  reusedTokens: number;
}

export class TokenStream {
  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly model: LlamaModel,
  ) {}

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  /** The tokens in the KV cache, in order. */
  cachedTokens(): readonly TokenId[] {
    return this.sequence.contextTokens;
  }

  /**
   * Make the cache hold exactly `prompt`, evaluating only the part after the longest common prefix
   * with what is cached, then generate. Generated tokens stay cached, so a caller that extends the
   * prompt with them next time evaluates nothing twice.
   */
  async generateAfter(prompt: readonly TokenId[], options: StreamOptions): Promise<StreamResult> {
    const cached = this.sequence.contextTokens;
    let common = 0;
    const limit = Math.min(cached.length, prompt.length);
    while (common < limit && cached[common] === prompt[common]) common++;
    // At least one prompt token must be evaluated to get logits for the next token.
    if (common === prompt.length && common > 0) common--;
    if (common < cached.length) await this.sequence.eraseContextTokenRanges([{ start: common, end: cached.length }]);
    const input = prompt.slice(common) as Token[];

    const tokens: TokenId[] = [];
    let text = "";
    let stopReason: StreamResult["stopReason"] = "maxTokens";
    // A long prompt is evaluated in chunks with a cancel check between them: one decode call cannot
    // be interrupted, and a newer keystroke should not wait for thousands of tokens.
    let evaluated = 0;
    while (input.length - evaluated > PROMPT_CHUNK) {
      if (options.signal?.aborted) return { tokens, text, stopReason: "cancelled", evaluatedPromptTokens: evaluated, reusedTokens: common };
      await this.sequence.evaluateWithoutGeneratingNewTokens(input.slice(evaluated, evaluated + PROMPT_CHUNK));
      evaluated += PROMPT_CHUNK;
    }
    if (options.signal?.aborted) return { tokens, text, stopReason: "cancelled", evaluatedPromptTokens: evaluated, reusedTokens: common };
    const grammarEvaluationState = options.grammar?.evaluationState(this.model);
    const evaluation = this.sequence.evaluate(input.slice(evaluated), {
      temperature: options.temperature ?? 0,
      seed: options.seed,
      grammarEvaluationState,
      tokenBias: options.grammar?.tokenBias,
    });
    for await (const token of evaluation) {
      if (options.signal?.aborted) {
        stopReason = "cancelled";
        break;
      }
      if (this.model.isEogToken(token)) {
        stopReason = "eos";
        break;
      }
      tokens.push(token);
      text = this.model.detokenize(tokens as Token[]);
      if (options.shouldStop?.(text)) {
        stopReason = "stopped";
        break;
      }
      if (tokens.length >= options.maxTokens) break;
    }
    return { tokens, text, stopReason, evaluatedPromptTokens: input.length, reusedTokens: common };
  }

  tokenize(text: string): TokenId[] {
    // No BOS and no dummy leading space: these pieces are joined to other tokens.
    return this.model.tokenize(text, false, "trimLeadingSpace");
  }

  detokenize(tokens: readonly TokenId[]): string {
    return this.model.detokenize(tokens as Token[]);
  }

  /** The model's fill-in-the-middle tokens and their text, when it has them. */
  infillTokens(): { prefix: TokenId; suffix: TokenId; middle: TokenId; prefixText: string } | undefined {
    const infill = this.model.tokens.infill;
    if (infill.prefix === null || infill.suffix === null || infill.middle === null) return undefined;
    return { prefix: infill.prefix, suffix: infill.suffix, middle: infill.middle, prefixText: infill.prefixString ?? "" };
  }

  /** A special token by its text ("<|file_sep|>"), or undefined when the vocabulary lacks it. */
  specialToken(text: string): TokenId | undefined {
    const tokens = this.model.tokenize(text, true, "trimLeadingSpace");
    return tokens.length === 1 && this.model.isSpecialToken(tokens[0]) ? tokens[0] : undefined;
  }

  /** The token a prompt starts with, when the model's GGUF asks for one (Qwen2.5's does not: add_bos_token false). */
  bos(): TokenId | undefined {
    return this.model.tokens.shouldPrependBosToken ? (this.model.tokens.bos ?? undefined) : undefined;
  }
}
