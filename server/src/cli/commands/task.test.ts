// pincer task list / chat --task from the built CLI, in the fixture workspace (no model needed for
// these paths: each stops before loading one).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { requireBuild } from "../../../../test/support/build";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const bin = path.join(root, "bin", "pincer.js");
const workspace = path.join(root, "test", "fixtures", "tasks");
const pincer = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: workspace, encoding: "utf8", env: { ...process.env, PINCER_SETTINGS: path.join(workspace, "no-settings.json") } });

describe("pincer task (CLI)", function () {
  this.timeout(30_000);
  before(function () {
    requireBuild(this);
  });

  it("task list --json prints the documented shape; plain text lists id and name", () => {
    const json = pincer("task", "list", "--json");
    assert.equal(json.status, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { tasks: { id: string; name: string; edit: boolean; inputs: unknown[]; context: string[]; path: string }[]; broken: unknown[] };
    assert.deepEqual(parsed.tasks.map((t) => [t.id, t.name, t.edit]), [
      ["add-logging", "Add logging", true],
      ["explain-for-newcomer", "Explain for a newcomer", false],
    ]);
    assert.deepEqual(parsed.broken, []);
    const text = pincer("task", "list");
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^add-logging\tAdd logging \(edits\) — /m);
  });

  it("exit codes: unknown task 1, missing input 2, bad subcommand 2, --input without --task 2", () => {
    const unknown = pincer("chat", "--task", "nope");
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no task "nope"/);
    const missing = pincer("chat", "--task", "add-logging", "--file", "hello.ts");
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /needs a value for: level\. Give it with --input name=value/);
    assert.equal(pincer("task").status, 2);
    assert.equal(pincer("task", "run").status, 2);
    assert.equal(pincer("chat", "--input", "a=b", "hello").status, 2);
    const outside = pincer("chat", "--task", "add-logging", "--input", "level=debug", "--file", "../../../package.json");
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /outside the workspace/);
  });
});
