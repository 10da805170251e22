// The real AgentModel: the engine's "agent" sequence, answering under the JSON grammar built from
// the tools' schemas. Each segment is tokenized on its own and remembered, and the model's own
// answer keeps the exact tokens it sampled, so the token list only grows between steps and
// TokenStream.generateAfter evaluates just the new segments against the warm KV cache.
import type { EngineSequence } from "../../engine/sequence";
import type { TokenId } from "../../engine/token-stream";
import type { AgentGenerateRequest, AgentGeneration, AgentModel } from "./agent-model";

interface CachedSegment {
  text: string;
  tokens: TokenId[];
}

export class EngineAgentModel implements AgentModel {
  private cache: CachedSegment[] = [];

  constructor(
    private readonly sequence: EngineSequence,
    private readonly options: { temperature?: number } = {},
  ) {}

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  countTokens(text: string): number {
    return this.sequence.tokenize(text).length;
  }

  generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    return this.sequence.withTokens(request.signal, async (stream) => {
      const grammar = await this.sequence.jsonGrammar(request.schema);
      const prompt: TokenId[] = [];
      const bos = stream.bos();
      if (bos !== undefined) prompt.push(bos);
      const cache: CachedSegment[] = [];
      for (const [index, text] of request.segments.entries()) {
        const cached = this.cache[index];
        const segment = cached?.text === text ? cached : { text, tokens: stream.tokenize(text) };
        cache.push(segment);
        prompt.push(...segment.tokens);
      }
      const result = await stream.generateAfter(prompt, {
        maxTokens: request.maxTokens,
        signal: request.signal,
        temperature: this.options.temperature,
        grammar,
        shouldStop: completeJson,
      });
      // The answer becomes the next segment with the tokens actually sampled (re-tokenizing its
      // text could split it differently and break the cached prefix).
      cache.push({ text: result.text, tokens: result.tokens });
      this.cache = cache;
      const finished = result.stopReason === "stopped" || result.stopReason === "eos";
      return {
        text: result.text,
        value: finished ? parse(result.text) : undefined,
        stopReason: result.stopReason === "cancelled" ? "cancelled" : finished ? "done" : "maxTokens",
        evaluatedPromptTokens: result.evaluatedPromptTokens,
        generatedTokens: result.tokens.length,
      };
    });
  }
}

/** The grammar puts a newline after the JSON value: stop there instead of sampling more newlines. */
function completeJson(text: string): boolean {
  if (!text.endsWith("\n") || !text.trimEnd().endsWith("}")) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Plain JSON.parse: the grammar already fixed the shape, and node-llama-cpp's own parse rejects
 * numbers like 1e400 that the grammar lets through; the planner clamps those into range.
 */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
