// A deterministic AgentModel for tests and demos: it answers from a script instead of sampling.
// Each entry is a fixed answer or a function of the conversation so far (to react to an
// observation). It does not enforce the grammar, so the planner's own validation is exercised too.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { AgentGenerateRequest, AgentGeneration, AgentModel } from "./agent-model";

export type ScriptedAnswer = unknown | ((segments: readonly string[]) => unknown);

export class ScriptedModel implements AgentModel {
  private next = 0;
  /** Every request the planner made, for assertions on the conversation. */
  readonly requests: AgentGenerateRequest[] = [];
  private seenSegments = 0;

  constructor(
    private readonly script: readonly ScriptedAnswer[],
    readonly contextSize = 32_768,
    /** Called before answering; a test can abort or wait here. */
    private readonly beforeAnswer?: (index: number, request: AgentGenerateRequest) => Promise<void> | void,
  ) {}

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  get answered(): number {
    return this.next;
  }

  async generate(request: AgentGenerateRequest): Promise<AgentGeneration> {
    this.requests.push(request);
    const index = this.next++;
    await this.beforeAnswer?.(index, request);
    // Like a warm KV cache: only segments after the ones seen last time count as evaluated.
    const fresh = request.segments.slice(Math.min(this.seenSegments, request.segments.length));
    this.seenSegments = request.segments.length + 1;
    const evaluatedPromptTokens = fresh.reduce((sum, text) => sum + this.countTokens(text), 0);
    if (request.signal.aborted) return { text: "", value: undefined, stopReason: "cancelled", evaluatedPromptTokens, generatedTokens: 0 };
    if (index >= this.script.length) throw new Error(`The script has only ${this.script.length} answers.`);
    const entry = this.script[index];
    const value: unknown = typeof entry === "function" ? (entry as (segments: readonly string[]) => unknown)(request.segments) : entry;
    const text = `${JSON.stringify(value)}\n`;
    return { text, value, stopReason: "done", evaluatedPromptTokens, generatedTokens: this.countTokens(text) };
  }
}

/** Test seam: a JSON file of answers replayed by ScriptedModel instead of the engine (LSP server and `pincer run`). */
export const AGENT_SCRIPT_ENV = "PINCER_AGENT_SCRIPT";

/** The scripted model named by PINCER_AGENT_SCRIPT, or undefined when the seam is not set. */
export async function scriptedModelFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<{ model: ScriptedModel; file: string } | undefined> {
  const file = env[AGENT_SCRIPT_ENV];
  if (!file) return undefined;
  const answers: unknown = JSON.parse(await readFile(resolve(file), "utf8"));
  if (!Array.isArray(answers)) throw new Error(`${AGENT_SCRIPT_ENV} must name a JSON array of answers.`);
  return { model: new ScriptedModel(answers), file };
}
