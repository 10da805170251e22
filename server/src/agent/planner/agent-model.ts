// The planner's view of a language model. The real one (engine-agent-model.ts) wraps the engine's
// "agent" sequence and renders the conversation in the model's own chat template; the scripted one
// (scripted-model.ts) replays canned answers for tests. The conversation is a list of messages that
// only grows between calls (except compaction), so the real model evaluates just the new turns.

/** A JSON schema in the subset node-llama-cpp compiles to a grammar. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * One turn. `observation` is what a tool call (or the planner) reported back; a chat template
 * without a tool role shows it as a user turn.
 */
export interface AgentMessage {
  role: "system" | "user" | "assistant" | "observation";
  text: string;
}

export interface AgentGenerateRequest {
  /** The whole conversation so far; every earlier call's messages are a prefix of these unless the planner compacted them. */
  messages: readonly AgentMessage[];
  /** The answer must be JSON matching this schema (the real model samples under its grammar). */
  schema: JsonSchema;
  /** At least the schema's longest answer in tokens (answerTokenBound), so the answer always closes. */
  maxTokens: number;
  signal: AbortSignal;
}

export interface AgentGeneration {
  /** Exactly what the model produced; the planner appends it as the next assistant message. */
  text: string;
  /** The parsed answer, or undefined when generation did not complete (token limit, cancel). */
  value: unknown;
  stopReason: "done" | "maxTokens" | "cancelled";
  /** Prompt tokens this call had to evaluate (the rest came from the KV cache). */
  evaluatedPromptTokens: number;
  /**
   * Prompt tokens that the last call's prompt and answer do not hold: the turns added since, and the
   * answer's last token (sampled, never evaluated). An append-only layout evaluates exactly these.
   */
  newPromptTokens: number;
  generatedTokens: number;
}

export interface AgentModel {
  /** Tokens the model's context holds: bounds the whole conversation. */
  readonly contextSize: number;
  /** Tokens `messages` take as the model's prompt (chat template included). */
  countTokens(messages: readonly AgentMessage[]): number;
  generate(request: AgentGenerateRequest): Promise<AgentGeneration>;
}
