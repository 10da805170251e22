// A deterministic next-edit model for tests and demos (the PINCER_NEXT_EDIT_SCRIPT seam, like
// PINCER_AGENT_SCRIPT for the agent): it answers each request from a script instead of sampling.
// An answer is the rewritten editable region, either whole or as a search/replace on the region
// the request shows; the format writes it the way its trained model would (format.answer) and its
// own parser reads it back, so the prompt → parse → edit path is the real one.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { PincerError } from "../platform/errors";
import { promptText, type NextEditFormat, type NextEditPrompt } from "./prompt-format";

/** The rewritten region, or the region with the first `search` replaced (unchanged when it is not there). */
export type ScriptedNextEditAnswer = string | { search: string; replace: string };

export const NEXT_EDIT_SCRIPT_ENV = "PINCER_NEXT_EDIT_SCRIPT";

export class ScriptedNextEdits {
  private next = 0;
  /** Every prompt answered, as text, for assertions on what a model would have seen. */
  readonly prompts: string[] = [];

  constructor(private readonly answers: readonly ScriptedNextEditAnswer[]) {
    if (answers.length === 0) throw new PincerError("A next-edit script needs at least one answer.", "failed");
  }

  /**
   * The generated text for one request: the answers in order, the last one for every later request
   * (the editor asks again after each edit; a search/replace answer then finds nothing to change).
   */
  generate(format: NextEditFormat, prompt: NextEditPrompt, region: string): string {
    this.prompts.push(promptText(prompt));
    const answer = this.answers[Math.min(this.next++, this.answers.length - 1)]!; // never empty (constructor)
    const rewritten = typeof answer === "string" ? answer : region.replace(answer.search, () => answer.replace);
    return format.answer(rewritten);
  }
}

function isAnswer(value: unknown): value is ScriptedNextEditAnswer {
  if (typeof value === "string") return true;
  if (typeof value !== "object" || value === null) return false;
  const { search, replace } = value as Record<string, unknown>;
  return typeof search === "string" && search !== "" && typeof replace === "string";
}

/** The scripted next edits named by PINCER_NEXT_EDIT_SCRIPT, or undefined when the seam is not set. */
export async function scriptedNextEditsFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<ScriptedNextEdits | undefined> {
  const file = env[NEXT_EDIT_SCRIPT_ENV];
  if (!file) return undefined;
  const answers: unknown = JSON.parse(await readFile(resolve(file), "utf8"));
  if (!Array.isArray(answers) || answers.length === 0 || !answers.every(isAnswer)) {
    throw new PincerError(`${NEXT_EDIT_SCRIPT_ENV} must name a JSON array of answers: rewritten regions (strings) or {"search", "replace"} objects.`, "failed");
  }
  return new ScriptedNextEdits(answers);
}
