// A deterministic AgentModel for tests and demos: it answers from a script instead of sampling.
// Each entry is a fixed answer or a function of the conversation so far (the texts of its messages,
// to react to an observation). It does not enforce the grammar, so the planner's own validation is
// exercised too.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { PincerError } from "../../platform/errors";
import type { AgentGenerateRequest, AgentGeneration, AgentMessage, AgentModel } from "./agent-model";

export type ScriptedAnswer = unknown | ((texts: readonly string[]) => unknown);

export class ScriptedModel implements AgentModel {
  private next = 0;
  /** Every request the planner made, for assertions on the conversation. */
  readonly requests: AgentGenerateRequest[] = [];
  private seenMessages = 0;

  constructor(
    private readonly script: readonly ScriptedAnswer[],
    readonly contextSize = 32_768,
    /** Called before answering; a test can abort or wait here. */
    private readonly beforeAnswer?: (index: number, request: AgentGenerateRequest) => Promise<void> | void,
  ) {}

  countTokens(messages: readonly AgentMessage[]): number {
    return messages.reduce((sum, message) => sum + Math.ceil(message.text.length / 4), 0);
  }

  get answered(): number {
    return this.next;
  }

  async generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    this.requests.push(request);
    const index = this.next++;
    await this.beforeAnswer?.(index, request);
    // Like a warm KV cache: only messages after the ones seen last time count as evaluated.
    const fresh = request.messages.slice(Math.min(this.seenMessages, request.messages.length));
    this.seenMessages = request.messages.length + 1;
    const evaluatedPromptTokens = this.countTokens(fresh);
    const texts = request.messages.map((message) => message.text);
    const usage = { evaluatedPromptTokens, newPromptTokens: evaluatedPromptTokens };
    if (request.signal.aborted) return { text: "", value: undefined, stopReason: "cancelled", ...usage, generatedTokens: 0 };
    if (index >= this.script.length) throw new Error(`The script has only ${this.script.length} answers.`);
    const entry = this.script[index];
    const value: unknown = typeof entry === "function" ? (entry as (texts: readonly string[]) => unknown)(texts) : entry;
    const text = JSON.stringify(value);
    return { text, value, stopReason: "done", ...usage, generatedTokens: Math.ceil(text.length / 4) };
  }
}

/** Test seam: a JSON file of answers replayed by ScriptedModel instead of the engine (LSP server and `pincer run`). */
export const AGENT_SCRIPT_ENV = "PINCER_AGENT_SCRIPT";

/** The scripted model named by PINCER_AGENT_SCRIPT, or undefined when the seam is not set. */
export async function scriptedModelFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<{ model: ScriptedModel; file: string } | undefined> {
  const file = env[AGENT_SCRIPT_ENV];
  if (!file) return undefined;
  const answers: unknown = JSON.parse(await readFile(resolve(file), "utf8"));
  if (!Array.isArray(answers)) throw new PincerError(`${AGENT_SCRIPT_ENV} must name a JSON array of answers.`, "failed");
  return { model: new ScriptedModel(answers), file };
}
