// A JSON-schema grammar that callers outside engine/ can hold without importing node-llama-cpp:
// sampling under it can only produce text that parses and matches the schema, and it always closes
// within `maxTokens` tokens.
//
// node-llama-cpp writes the GBNF (JSON structure, oneOf/const/enum, maxLength, maxItems, bounded
// numbers); three of its rules are adjusted so the longest answer is finite, small and counted in
// tokens:
// - the root's trailing `"\n\n\n\n" [\n]*` is dropped: the answer ends at its closing brace (the
//   caller stops there anyway) and the grammar has a longest text;
// - the `\uXXXX` escape is dropped from string characters: a string character is then at most two
//   code points (`\n`), and any character can still be written literally;
// - whitespace between tokens is at most one space, not a newline and indentation: compact JSON,
//   as chat templates show tool calls, is fewer tokens per call and per worst case.
// Every token sampled under this grammar is whole characters (`tokenBias` bans the tokens that are
// only part of a UTF-8 character; llama.cpp's grammar sampler already refuses empty tokens), so a
// token carries at least one code point and the answer needs at most `maxTokens` =
// the grammar's longest text in code points (grammar-bound.ts).
import { LlamaGrammarEvaluationState, TokenBias, type Llama, type LlamaGrammar, type LlamaModel } from "node-llama-cpp";
import { maxGrammarCodePoints } from "./grammar-bound";

const ROOT_TAIL = /^(root ::= .*?) "\\n\\n\\n\\n" \[\\n\]\*$/m;
const UNICODE_ESCAPE = ' | "\\\\u" [0-9a-fA-F]{4}';
/** node-llama-cpp's whitespace rules: a newline and indentation, or one optional space. */
const WHITESPACE_RULE = /^((?:comma-)?whitespace-[\w-]+ ::= )(","\s*)?\(?\[\\n\].*\| \[ \]\?\)?$/;

export class JsonGrammar {
  private constructor(
    private readonly grammar: LlamaGrammar,
    /** The grammar text sampled under (node-llama-cpp's, adjusted as above). */
    readonly text: string,
    /** Tokens the longest answer the grammar accepts can take. */
    readonly maxTokens: number,
    private readonly bias: TokenBias,
  ) {}

  /** `schema` is a JSON schema in the subset node-llama-cpp supports (objects, oneOf, const, enum, maxLength...). */
  static async create(llama: Llama, model: LlamaModel, schema: object): Promise<JsonGrammar> {
    const generated = await llama.createGrammarForJsonSchema(schema as never);
    const text = boundedJsonGrammarText(generated.grammar);
    const grammar = await llama.createGrammar({ grammar: text });
    return new JsonGrammar(grammar, text, maxGrammarCodePoints(text), wholeCharacterTokens(model));
  }

  /** A fresh sampling state: one per generation. */
  evaluationState(model: LlamaModel): LlamaGrammarEvaluationState {
    return new LlamaGrammarEvaluationState({ model, grammar: this.grammar });
  }

  /** Bans the tokens that hold only part of a character, so every sampled token is at least one code point. */
  get tokenBias(): TokenBias {
    return this.bias;
  }
}

/** node-llama-cpp's JSON-schema GBNF with the two adjustments above; throws when its rules no longer look as expected. */
export function boundedJsonGrammarText(generated: string): string {
  if (!ROOT_TAIL.test(generated)) throw new Error("node-llama-cpp's JSON grammar root changed: the answer bound cannot be computed.");
  const stringChar = generated.split("\n").find((line) => line.startsWith("string-char-rule ::= "));
  if (stringChar !== undefined && !stringChar.endsWith(UNICODE_ESCAPE)) throw new Error("node-llama-cpp's JSON string rule changed: the answer bound cannot be computed.");
  const bounded = generated
    .replace(ROOT_TAIL, "$1")
    .split("\n")
    .map((line) => (line === stringChar ? line.slice(0, -UNICODE_ESCAPE.length) : compactWhitespace(line)))
    .join("\n");
  if (bounded.includes("[\\n]")) throw new Error("node-llama-cpp's JSON grammar has newlines outside its whitespace rules: the answer bound cannot be computed.");
  return bounded;
}

function compactWhitespace(line: string): string {
  if (!/^(?:comma-)?whitespace-/.test(line)) return line;
  const match = WHITESPACE_RULE.exec(line);
  if (!match) throw new Error(`node-llama-cpp's JSON whitespace rule changed: ${line}`);
  return `${match[1]}${match[2] ? '"," ' : ""}[ ]?`;
}

const wholeCharacterBiases = new WeakMap<LlamaModel, TokenBias>();

/**
 * A bias that never samples a token whose text is not whole UTF-8 characters (byte-fallback tokens
 * like `<0xE2>`, byte-level BPE pieces of a character). Computed once per model: about 0.1 s per
 * 100,000 tokens of vocabulary. Such characters can still be written when the vocabulary has them
 * whole, which covers nearly all text; the rest cannot appear in an agent answer.
 */
export function wholeCharacterTokens(model: LlamaModel): TokenBias {
  let bias = wholeCharacterBiases.get(model);
  if (!bias) {
    bias = new TokenBias(model.tokenizer);
    const size = vocabularySize(model);
    for (let token = 0; token < size; token++) {
      const text = model.detokenize([token as never], true);
      if (text.includes("\uFFFD")) bias.set(token as never, "never");
    }
    wholeCharacterBiases.set(model, bias);
  }
  return bias;
}

function vocabularySize(model: LlamaModel): number {
  const tokens = (model.fileInfo.metadata.tokenizer as { ggml?: { tokens?: readonly unknown[] } } | undefined)?.ggml?.tokens;
  if (!Array.isArray(tokens)) throw new Error("The model file does not list its vocabulary (tokenizer.ggml.tokens).");
  return tokens.length;
}
