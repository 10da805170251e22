// The task service both hosts call: the list with broken files, lookup errors, prompts, and an edit
// task's proposal (the prompt names the document's language; nothing selected ⇒ the whole text).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ActionModel } from "../actions/action-model";
import { languageIdForPath } from "../index/grammars";
import { PincerError } from "../platform/errors";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { TaskInputError } from "./task-render";
import { loadTask, proposeTaskEdit, renderTask, taskSummaries, TaskNotFoundError } from "./task-service";

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "fixtures", "tasks");
const signal = new AbortController().signal;

/** Records the prompt and answers with a fenced block. */
function recordingModel(answer: string): ActionModel & { prompts: string[] } {
  const prompts: string[] = [];
  return { prompts, answer: async (prompt) => (prompts.push(prompt), { text: answer, stopReason: "eos" as const, generatedTokens: 1, tokensAfterAbort: 0 }) } as ActionModel & { prompts: string[] };
}

describe("task service", () => {
  it("lists the tasks and names broken files with their first error", async () => {
    const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-tasks-"));
    try {
      await fs.cp(fixture, scratch, { recursive: true });
      await fs.writeFile(path.join(scratch, ".pincer", "tasks", "broken.pincer.md"), "---\nname: [\n---\nbody\n");
      const result = await taskSummaries(await WorkspaceRoots.create([scratch]), signal);
      assert.deepEqual(result.tasks.map((t) => [t.id, t.edit]), [["add-logging", true], ["explain-for-newcomer", false]]);
      assert.deepEqual(result.broken.map((b) => b.id), ["broken"]);
      assert.ok(result.broken[0]!.problem.length > 0);
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
  });

  it("an unknown task or a missing input is the request's fault (invalid-params)", async () => {
    const roots = await WorkspaceRoots.create([fixture]);
    await assert.rejects(loadTask(roots, "nope", signal), (error: unknown) => error instanceof TaskNotFoundError && error.kind === "invalid-params" && /No task "nope"/.test(error.message));
    const task = await loadTask(roots, "Add logging", signal);
    assert.throws(() => renderTask(task, undefined, {}), (error: unknown) => error instanceof TaskInputError && error instanceof PincerError && error.kind === "invalid-params");
  });

  it("an edit task's prompt names the document's language and replaces the selection, or the whole text", async () => {
    const roots = await WorkspaceRoots.create([fixture]);
    const task = await loadTask(roots, "add-logging", signal);
    const text = await fs.readFile(path.join(fixture, "hello.ts"), "utf8");
    const model = recordingModel("```ts\nchanged();\n```");
    const whole = await proposeTaskEdit(model, task, { text, start: 0, end: 0, languageId: languageIdForPath("hello.ts"), inputs: { level: "debug" } }, { signal });
    assert.match(model.prompts[0]!, /The code is typescript\./);
    assert.match(model.prompts[0]!, /at level debug/);
    assert.deepEqual([whole.replacement.start, whole.replacement.end], [0, text.length]);
    assert.equal(whole.replacement.newText, "changed();\n");
    const selected = await proposeTaskEdit(model, task, { text, start: 0, end: 10, languageId: "typescript", inputs: { level: "info" } }, { signal });
    assert.deepEqual([selected.replacement.start, selected.replacement.end], [0, 10]);
    assert.ok(model.prompts[1]!.includes(text.slice(0, 10)));
  });

  it("a task that does not edit is refused as an edit", async () => {
    const task = await loadTask(await WorkspaceRoots.create([fixture]), "explain-for-newcomer", signal);
    await assert.rejects(proposeTaskEdit(recordingModel("x"), task, { text: "a", start: 0, end: 0, languageId: "plaintext", inputs: {} }, { signal }), /does not edit/);
  });
});
