import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseTaskFile } from "./task-file";
import { renderTaskPrompt, TaskInputError } from "./task-render";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "fixtures", "tasks", ".pincer", "tasks");
const fixture = (name: string) => readFileSync(path.join(fixtures, name), "utf8");
/** The text a problem points at. */
const at = (text: string, p: { start: number; end: number }) => text.slice(p.start, p.end);

describe("task files", () => {
  it("parses the README's example tasks without problems", () => {
    const explain = parseTaskFile(fixture("explain-for-newcomer.pincer.md"));
    assert.deepEqual(explain.problems, []);
    assert.deepEqual(explain.task?.inputs, [{ name: "audience", description: "Who will read the explanation", default: "a new team member" }]);
    assert.deepEqual(explain.task?.context, ["selection", "file"]);
    assert.equal(explain.task?.edit, false);
    const logging = parseTaskFile(fixture("add-logging.pincer.md"));
    assert.deepEqual(logging.problems, []);
    assert.equal(logging.task?.name, "Add logging");
    assert.equal(logging.task?.edit, true);
    assert.deepEqual(logging.task?.inputs, [{ name: "level" }]);
  });

  it("places each problem on the text that causes it", () => {
    const text = "---\nname: Broken\ncolour: blue\nedit: maybe\ncontext: [selection, clipboard]\n---\nUse {{selecton}} and {{input:who}}.\n";
    const parsed = parseTaskFile(text);
    assert.equal(parsed.task, undefined);
    const found = parsed.problems.map((p) => [p.severity, at(text, p)]);
    assert.deepEqual(found, [
      ["warning", "colour"],
      ["error", "maybe"],
      ["error", "clipboard"],
      ["error", "{{selecton}}"],
      ["error", "{{input:who}}"],
    ]);
  });

  it("reports YAML syntax errors, a missing name, missing front matter and an empty prompt", () => {
    const yaml = parseTaskFile("---\nname: [unclosed\n---\nBody\n");
    assert.ok(yaml.problems.some((p) => p.message.startsWith("YAML:")));
    const noName = parseTaskFile("---\ndescription: x\n---\nBody\n");
    assert.ok(noName.problems.some((p) => /needs a "name"/.test(p.message)));
    const none = parseTaskFile("Just a prompt {{selection}}\n");
    assert.match(none.problems[0]!.message, /front matter/);
    const empty = parseTaskFile("---\nname: x\n---\n\n");
    assert.ok(empty.problems.some((p) => /prompt .* is empty/.test(p.message)));
  });

  it("renders placeholders, defaults and given inputs; a missing input is named", () => {
    const task = parseTaskFile(fixture("explain-for-newcomer.pincer.md")).task!;
    const prompt = renderTaskPrompt(task, { selection: "let x = 1;", inputs: {} });
    assert.match(prompt, /^Explain the following code to a new team member\./);
    assert.ok(prompt.endsWith("let x = 1;"));
    const logging = parseTaskFile(fixture("add-logging.pincer.md")).task!;
    assert.match(renderTaskPrompt(logging, { selection: "f()", inputs: { level: "debug" } }), /at level debug/);
    assert.throws(() => renderTaskPrompt(logging, { selection: "f()" }), (e: unknown) => e instanceof TaskInputError && /level/.test(e.message));
  });

  it("does not parse a task file over 256 KiB: one problem on its first line says why", () => {
    const text = `---\nname: Big\n---\n${"Explain {{selection}} and {{nope}}.\n".repeat(10_000)}`;
    const started = performance.now();
    const parsed = parseTaskFile(text);
    assert.ok(performance.now() - started < 50, "no parse");
    assert.equal(parsed.task, undefined);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0]!.message, /larger than 256 KiB: it is not read as a task/);
    assert.equal(at(text, parsed.problems[0]!), "---");
  });
});
