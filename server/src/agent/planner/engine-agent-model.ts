// The real AgentModel: the engine's "agent" sequence, answering under the JSON grammar built from
// the tools' schemas. The conversation is rendered in the model's own chat template (system, user
// and assistant turns; observations as user turns), and each of the model's answers keeps the exact
// tokens it sampled, so the token layout only grows between steps and TokenStream.generateAfter
// evaluates just the new turns against the warm KV cache.
import type { LayoutTurn } from "../../engine/chat-layout";
import type { EngineSequence } from "../../engine/sequence";
import type { TokenId } from "../../engine/token-stream";
import type { AgentGenerateRequest, AgentGeneration, AgentMessage, AgentModel } from "./agent-model";

export interface EngineAgentModelOptions {
  temperature?: number;
  /** Seeds sampling (temperature > 0) so a run can be repeated. */
  seed?: number;
}

export class EngineAgentModel implements AgentModel {
  /** The tokens sampled for each answer of the conversation, in order, reused when the answer is shown again. */
  private answers: { text: string; tokens: TokenId[] | undefined }[] = [];
  /**
   * The last prompt and the answer tokens sampling evaluated (all but the last one, which is sampled
   * and never evaluated), to count how many of the next prompt's tokens no cache can hold.
   */
  private lastLayout: TokenId[] = [];

  constructor(
    private readonly sequence: EngineSequence,
    private readonly options: EngineAgentModelOptions = {},
  ) {}

  get contextSize(): number {
    return this.sequence.contextSize;
  }

  countTokens(messages: readonly AgentMessage[]): number {
    return this.sequence.chatLayout(this.turns(messages)).length;
  }

  generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    return this.sequence.withTokens(request.signal, async (stream) => {
      const grammar = await this.sequence.jsonGrammar(request.schema);
      // The budget is fitted to the schema (action-schema.ts); this holds it to the grammar actually sampled.
      if (grammar.maxTokens > request.maxTokens) throw new Error(`The answer grammar allows ${grammar.maxTokens} tokens, more than the ${request.maxTokens} the step may use.`);
      const turns = this.turns(request.messages);
      const prompt = this.sequence.chatLayout(turns);
      const newPromptTokens = prompt.length - commonPrefix(prompt, this.lastLayout);
      const result = await stream.generateAfter(prompt, {
        maxTokens: request.maxTokens,
        signal: request.signal,
        temperature: this.options.temperature,
        seed: this.options.seed,
        grammar,
        shouldStop: completeJson,
      });
      // The answers of the conversation in hand, then this one (the planner shows it next step).
      this.answers = [...turns.filter((turn) => turn.role === "assistant").map((turn) => ({ text: turn.text, tokens: turn.tokens && [...turn.tokens] })), { text: result.text, tokens: result.tokens }];
      this.lastLayout = [...prompt, ...(result.stopReason === "eos" ? result.tokens : result.tokens.slice(0, -1))];
      const finished = result.stopReason === "stopped" || result.stopReason === "eos";
      return {
        text: result.text,
        value: finished ? parse(result.text) : undefined,
        stopReason: result.stopReason === "cancelled" ? "cancelled" : finished ? "done" : "maxTokens",
        evaluatedPromptTokens: result.evaluatedPromptTokens,
        newPromptTokens,
        generatedTokens: result.tokens.length,
      };
    });
  }

  /** Observations become user turns (node-llama-cpp renders tool turns only for its own function calls). */
  private turns(messages: readonly AgentMessage[]): LayoutTurn[] {
    let answer = 0;
    return messages.map((message): LayoutTurn => {
      if (message.role !== "assistant") return { role: message.role === "system" ? "system" : "user", text: message.text };
      const sampled = this.answers[answer++];
      return { role: "assistant", text: message.text, tokens: sampled?.text === message.text ? sampled.tokens : undefined };
    });
  }
}

function commonPrefix(a: readonly TokenId[], b: readonly TokenId[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The grammar ends at the JSON value's closing brace: stop as soon as the text parses. */
function completeJson(text: string): boolean {
  if (!text.endsWith("}")) return false;
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
