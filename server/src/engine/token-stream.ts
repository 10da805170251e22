// Token-level access to one sequence's KV cache, for callers that lay out their own prompt and
// want to pay only for what changed (inline completion): read the cached tokens, cut them back to
// a common prefix, then evaluate just the new tokens and stream the generated ones.
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { EvalSpeed } from "./eval-speed";
import type { JsonGrammar } from "./json-grammar";
import type { ThreadSplit } from "./thread-split";

export type TokenId = number;

/** Prompt tokens evaluated between two cancel checks. */
const PROMPT_CHUNK = 256;
/**
 * A prompt tail at least this long is evaluated on the prompt thread count before the last token
 * goes in on the generation count; a shorter one (a keystroke's 1–3 tokens) is not worth the extra
 * decode call.
 */
const SPLIT_TAIL = 16;

/** What a stream reports to and asks of the engine: speed figures to update, the thread split. */
export interface StreamHooks {
  speed?: EvalSpeed;
  threads?: ThreadSplit;
}

export interface StreamOptions {
  maxTokens: number;
  signal: AbortSignal;
  temperature?: number;
  /** Seeds sampling when temperature > 0, so a run can be repeated. */
  seed?: number;
  /** Looked at after each token with all text generated so far; true stops generation. */
  shouldStop?: (text: string) => boolean;
  /** Tokens that end generation like end-of-text (special tokens a format uses as separators); not kept in the text. */
  stopTokens?: readonly TokenId[];
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
    private readonly hooks: StreamHooks = {},
  ) {}

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  /** The tokens in the KV cache, in order. */
  cachedTokens(): readonly TokenId[] {
    return this.sequence.contextTokens;
  }

  /** How many of `prompt`'s first tokens the cache already holds. */
  commonPrefixLength(prompt: readonly TokenId[]): number {
    const cached = this.sequence.contextTokens;
    let common = 0;
    const limit = Math.min(cached.length, prompt.length);
    while (common < limit && cached[common] === prompt[common]) common++;
    return common;
  }

  /** Prompt tokens generateAfter(prompt) would evaluate now. */
  uncachedTokens(prompt: readonly TokenId[]): number {
    let common = this.commonPrefixLength(prompt);
    if (common === prompt.length && common > 0) common--;
    return prompt.length - common;
  }

  /**
   * Move the cache towards holding `prompt`, without generating: cut it back to the common prefix and
   * evaluate at most `maxTokens` of the rest. Background work calls this one batch at a time, so a
   * request never waits for more than one batch. Returns how many tokens are still missing.
   */
  async prepare(prompt: readonly TokenId[], maxTokens: number): Promise<{ evaluated: number; remaining: number }> {
    const cached = this.sequence.contextTokens;
    const common = this.commonPrefixLength(prompt);
    if (common < cached.length) await this.sequence.eraseContextTokenRanges([{ start: common, end: cached.length }]);
    const batch = prompt.slice(common, common + Math.max(1, maxTokens)) as Token[];
    if (batch.length > 0) await this.evaluatePrompt(batch);
    return { evaluated: batch.length, remaining: prompt.length - common - batch.length };
  }

  /**
   * Make the cache hold exactly `prompt`, evaluating only the part after the longest common prefix
   * with what is cached, then generate. Generated tokens stay cached, so a caller that extends the
   * prompt with them next time evaluates nothing twice.
   */
  async generateAfter(prompt: readonly TokenId[], options: StreamOptions): Promise<StreamResult> {
    const cached = this.sequence.contextTokens;
    let common = this.commonPrefixLength(prompt);
    // At least one prompt token must be evaluated to get logits for the next token.
    if (common === prompt.length && common > 0) common--;
    if (common < cached.length) await this.sequence.eraseContextTokenRanges([{ start: common, end: cached.length }]);
    const input = prompt.slice(common) as Token[];

    const tokens: TokenId[] = [];
    let text = "";
    let stopReason: StreamResult["stopReason"] = "maxTokens";
    // A long prompt is evaluated in chunks with a cancel check between them: one decode call cannot
    // be interrupted, and a newer keystroke should not wait for thousands of tokens. With separate
    // thread counts, everything but the last prompt token is evaluated on the prompt count.
    const split = this.hooks.threads?.active === true && input.length >= SPLIT_TAIL;
    const last = split ? input.length - 1 : input.length;
    let evaluated = 0;
    while (last - evaluated > (split ? 0 : PROMPT_CHUNK)) {
      if (options.signal?.aborted) return { tokens, text, stopReason: "cancelled", evaluatedPromptTokens: evaluated, reusedTokens: common };
      const chunk = input.slice(evaluated, Math.min(last, evaluated + PROMPT_CHUNK));
      await this.evaluatePrompt(chunk);
      evaluated += chunk.length;
    }
    if (options.signal?.aborted) return { tokens, text, stopReason: "cancelled", evaluatedPromptTokens: evaluated, reusedTokens: common };
    const grammarEvaluationState = options.grammar?.evaluationState(this.model);
    const rest = input.slice(evaluated);
    const started = performance.now();
    let firstAt = started;
    const generate = async () => {
      const evaluation = this.sequence.evaluate(rest, {
        temperature: options.temperature ?? 0,
        seed: options.seed,
        grammarEvaluationState,
        tokenBias: options.grammar?.tokenBias,
      });
      for await (const token of evaluation) {
        if (tokens.length === 0) firstAt = performance.now();
        if (options.signal?.aborted) {
          stopReason = "cancelled";
          break;
        }
        if (this.model.isEogToken(token) || options.stopTokens?.includes(token)) {
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
    };
    await (this.hooks.threads ? this.hooks.threads.phase("generation", generate) : generate());
    const ended = performance.now();
    this.hooks.speed?.recordPrompt(rest.length, firstAt - started);
    // Tokens after the first one: each is one decode of a single token.
    if (tokens.length > 1) this.hooks.speed?.recordGeneration(tokens.length - 1, ended - firstAt);
    return { tokens, text, stopReason, evaluatedPromptTokens: input.length, reusedTokens: common };
  }

  /** One batch of prompt tokens on the prompt thread count, timed for the speed figures. */
  private async evaluatePrompt(batch: Token[]): Promise<void> {
    const started = performance.now();
    const evaluate = () => this.sequence.evaluateWithoutGeneratingNewTokens(batch);
    await (this.hooks.threads ? this.hooks.threads.phase("prompt", evaluate) : evaluate());
    this.hooks.speed?.recordPrompt(batch.length, performance.now() - started);
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
