// The agent's model on a remote engine: the same conversation the in-process model sees, rendered in
// the model's own chat template by the server (observations as user turns, as the in-process model
// shows them without a tool role) and streamed, with the step's JSON schema (the planner's fitted
// one, string caps included) as a constraint. llama-server renders the template at /apply-template
// and answers /v1/completions under `json_schema` (its chat endpoint builds a grammar around the
// template's markers, which fails for models whose vocabulary lacks them); other servers get
// /v1/chat/completions. The constraint is taken where
// the server takes one: llama-server `json_schema` (it compiles its own grammar), Ollama its native
// /api/chat with the schema as `format` (0.5.0 on; its /v1 endpoint accepts response_format without
// error in versions that do not enforce it, so Ollama never gets response_format), others
// `response_format: {type: "json_schema"}` (vLLM). A server that rejects them is used without a
// constraint: the answer is parsed, and one that does not parse is asked again (up to RETRIES);
// the planner's own validateAction then checks the call against its tool's schema as for any model.
import type { AgentGenerateRequest, AgentGeneration, AgentMessage, AgentModel } from "../agent/planner/agent-model";
import { isAbortError, PincerError } from "../platform/errors";
import { rejectsField, type RemoteEngine } from "./remote-engine";

/** No tokenizer produces tokens this long: text beyond maxTokens × this is a server streaming past num_predict. */
const MAX_CHARS_PER_TOKEN = 64;

/** Extra requests when an unconstrained answer is not JSON. */
export const UNCONSTRAINED_RETRIES = 2;

/** Per-message overhead of chat templates (role markers), estimated as remote-chat.ts does. */
const TURN_OVERHEAD = 8;

/** One line of Ollama's /api/chat stream. */
interface OllamaLine {
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

interface ChatChunk {
  choices?: { delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

export class RemoteAgentModel implements AgentModel {
  private noted = false;
  /** The last call's messages and answer, to estimate the tokens the next prompt adds (a server's cache holds the rest). */
  private last: AgentMessage[] = [];

  constructor(
    private readonly engine: RemoteEngine,
    /** Told once when the server takes no schema and answers are validated and retried instead. */
    private readonly note: (text: string) => void,
    private readonly options: { temperature?: number } = {},
  ) {}

  get contextSize(): number {
    return this.engine.contextSize;
  }

  countTokens(messages: readonly AgentMessage[]): number {
    let total = 0;
    for (const message of messages) total += this.engine.estimateTokens(message.text) + TURN_OVERHEAD;
    return total;
  }

  async generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    const messages = request.messages.map((message) => ({ role: message.role === "observation" ? "user" : message.role, content: message.text }));
    let same = 0;
    while (same < this.last.length && same < request.messages.length && this.last[same]!.role === request.messages[same]!.role && this.last[same]!.text === request.messages[same]!.text) same++;
    const newPromptTokens = this.countTokens(request.messages.slice(same));
    const finished = (generation: Omit<AgentGeneration, "newPromptTokens">): AgentGeneration => {
      this.last = [...request.messages, { role: "assistant", text: generation.text }];
      return { ...generation, newPromptTokens };
    };
    const schema = strictSchema(request.schema);
    let prompt: string | undefined;
    let evaluated = 0;
    let generatedTokens = 0;
    for (let attempt = 0; ; attempt++) {
      const constraint = this.constraint(schema as object);
      let text = "";
      let finish: string | null | undefined;
      const templated = constraint.field === "json_schema";
      try {
        if (templated && prompt === undefined) {
          prompt = await this.applyTemplate(messages, request.signal).catch((error: unknown) => {
            if (request.signal.aborted || isAbortError(error)) throw error;
            return undefined; // a server without /apply-template: its chat endpoint, as any other server
          });
          if (prompt === undefined) {
            this.engine.unsupported.add("json_schema");
            continue;
          }
        }
        if (constraint.field === "format") {
          await this.engine.client.streamLines(
            "/api/chat",
            { model: this.engine.model, messages, ...constraint.body, options: { temperature: this.options.temperature ?? 0, num_predict: request.maxTokens, num_ctx: this.engine.contextSize } },
            request.signal,
            (data) => {
              const line = data as OllamaLine;
              if (line.message?.content) text += line.message.content;
              // num_predict bounds an honest server; one that streams on past it is not read further.
              if (text.length > request.maxTokens * MAX_CHARS_PER_TOKEN) throw new PincerError(`The remote engine sent more than ${request.maxTokens} tokens' worth of text for one step.`);
              if (line.done) {
                finish = line.done_reason ?? "stop";
                evaluated += line.prompt_eval_count ?? 0;
                generatedTokens += line.eval_count ?? 0;
                return true;
              }
              return false;
            },
          );
        } else {
          await this.engine.client.stream(
            templated ? "/v1/completions" : "/v1/chat/completions",
            {
              model: this.engine.model,
              ...(templated ? { prompt } : { messages }),
              max_tokens: request.maxTokens,
              temperature: this.options.temperature ?? 0,
              stream_options: { include_usage: true },
              ...(this.engine.kind === "llama-server" ? { cache_prompt: true } : {}),
              ...constraint.body,
            },
            request.signal,
            (data) => {
              const chunk = data as ChatChunk;
              if (chunk.usage) {
                evaluated += chunk.usage.prompt_tokens ?? 0;
                generatedTokens += chunk.usage.completion_tokens ?? 0;
              }
              const choice = chunk.choices?.[0];
              const piece = choice?.delta?.content ?? choice?.text;
              if (piece) text += piece;
              if (choice?.finish_reason) finish = choice.finish_reason;
            },
          );
        }
      } catch (error) {
        if (request.signal.aborted || isAbortError(error)) return finished({ text, value: undefined, stopReason: "cancelled", evaluatedPromptTokens: evaluated, generatedTokens });
        if (constraint.field && rejectsField(error, constraint.field)) {
          this.engine.unsupported.add(constraint.field);
          continue; // the same attempt without that field
        }
        throw error;
      }
      if (finish === "length") return finished({ text, value: undefined, stopReason: "maxTokens", evaluatedPromptTokens: evaluated, generatedTokens });
      const value = parseAnswer(text);
      if (value !== undefined || constraint.field || attempt >= UNCONSTRAINED_RETRIES) {
        return finished({ text: value === undefined ? text : text.trim(), value, stopReason: "done", evaluatedPromptTokens: evaluated, generatedTokens });
      }
    }
  }

  /** llama-server's rendering of the conversation in the model's chat template, with the assistant turn opened. */
  private async applyTemplate(messages: { role: string; content: string }[], signal: AbortSignal): Promise<string> {
    const { prompt } = await this.engine.client.postJson<{ prompt?: unknown }>("/apply-template", { messages }, signal);
    if (typeof prompt !== "string") throw new Error(`The remote engine at ${this.engine.endpoint.origin} answered /apply-template without a prompt.`);
    return prompt;
  }

  /** The schema field this server takes, most specific first; none once both were refused. */
  private constraint(schema: object): { field?: "json_schema" | "response_format" | "format"; body: Record<string, unknown> } {
    if (this.engine.kind === "llama-server" && !this.engine.unsupported.has("json_schema")) return { field: "json_schema", body: { json_schema: schema } };
    if (this.engine.kind === "ollama" && this.engine.ollamaTakesSchema && !this.engine.unsupported.has("format")) return { field: "format", body: { format: schema } };
    if (this.engine.kind !== "ollama" && !this.engine.unsupported.has("response_format")) {
      return { field: "response_format", body: { response_format: { type: "json_schema", json_schema: { name: "agent_step", schema, strict: true } } } };
    }
    if (!this.noted) {
      this.noted = true;
      this.note(
        `The remote engine at ${this.engine.endpoint.origin} takes no JSON schema (json_schema / response_format / Ollama's format): the agent's answers are not constrained; each is validated, and one that does not parse is asked for again (up to ${UNCONSTRAINED_RETRIES} times).`,
      );
    }
    return { body: {} };
  }
}

/**
 * The planner's schemas follow node-llama-cpp's reading, where an object writes every property it
 * lists (optional arguments may be null). Standard JSON Schema, which llama-server and vLLM compile,
 * reads unlisted `required` as "all optional": `{"thought": "…"}` would pass. So every object here
 * requires all its properties and allows no others (also what OpenAI's strict mode asks for).
 */
export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === "const" || key === "enum" ? value : strictSchema(value);
  const properties = (schema as { properties?: unknown }).properties;
  if (properties !== null && typeof properties === "object" && !Array.isArray(properties)) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, strictSchema(value)]));
    out.required = Object.keys(properties);
    out.additionalProperties = false;
  }
  return out;
}

/** The first JSON object in the answer (an unconstrained model may wrap it in prose or a code fence). */
function parseAnswer(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.indexOf("{");
    const end = trimmed.lastIndexOf("}");
    if (start < 0 || end <= start) return undefined;
    try {
      return JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}
