// The planner's view of a language model. The real one (engine-agent-model.ts) wraps the engine's
// "agent" sequence; the scripted one (scripted-model.ts) replays canned answers for tests. Both see
// the conversation as a list of text segments that only grows between calls, so the real model
// evaluates just the segments it has not seen (warm KV cache).

/** A JSON schema in the subset node-llama-cpp compiles to a grammar. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface AgentGenerateRequest {
  /** The whole conversation so far; every earlier call's segments are a prefix of these unless the planner compacted them. */
  segments: readonly string[];
  /** The answer must be JSON matching this schema (the real model samples under its grammar). */
  schema: JsonSchema;
  maxTokens: number;
  signal: AbortSignal;
}

export interface AgentGeneration {
  /** Exactly what the model produced; the planner appends it as the next segment. */
  text: string;
  /** The parsed answer, or undefined when generation did not complete (token limit, cancel). */
  value: unknown;
  stopReason: "done" | "maxTokens" | "cancelled";
  /** Prompt tokens this call had to evaluate (the rest came from the KV cache). */
  evaluatedPromptTokens: number;
  generatedTokens: number;
}

export interface AgentModel {
  /** Tokens the model's context holds: bounds the whole conversation. */
  readonly contextSize: number;
  countTokens(text: string): number;
  generate(request: AgentGenerateRequest): Promise<AgentGeneration>;
}
