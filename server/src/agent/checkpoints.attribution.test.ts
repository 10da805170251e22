// Undo reverts only what the run itself did. Snapshots cover the whole workspace, so while a step runs the
// person (or another program) may change files too: those changes are theirs, and undo leaves them alone and
// reports them. Real files, the real shadow git, the real tools.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { ShadowCheckpoints } from "./checkpoints";
import { CliFileWriter } from "./cli-file-writer";
import { ProcessCommandRunner } from "./command-runner";
import { DEFAULT_COMMAND_RULES } from "./command-rules-file";
import { EditorWriteJournal } from "./editor-writes";
import { createPermissionGate } from "./permissions";
import { runAgent } from "./planner/planner";
import { ScriptedModel } from "./planner/scripted-model";
import { createTools } from "./tools/index";
import type { ToolContext } from "./tool-types";

const signal = (): AbortSignal => new AbortController().signal;
const tools = new Map(createTools().map((t) => [t.name, t]));

describe("ShadowCheckpoints: whose change is it", function () {
  this.timeout(30_000);
  let base: string;
  let ws: string;
  let state: string;
  let store: ShadowCheckpoints;
  let context: ToolContext;

  const file = (rel: string): string => path.join(ws, rel);
  const read = (rel: string): Promise<string> => fs.readFile(file(rel), "utf8");
  const exists = (rel: string): Promise<boolean> => fs.lstat(file(rel)).then(() => true, () => false);

  /**
   * One planner step as execute-call.ts runs it; `meanwhile` runs while the tool does (for a command: while
   * it is running, between its start and its exit), as the person would.
   */
  async function step(runId: string, n: number, tool: string, args: Record<string, unknown>, meanwhile?: () => Promise<void>): Promise<string[]> {
    const definition = tools.get(tool)!;
    await store.beforeStep(runId, n, signal(), definition.targets(args).paths, definition.effect === "command" ? "command" : "edit");
    const running = definition.run(args, context);
    await meanwhile?.();
    const outcome = await running;
    assert.ok(outcome.ok, outcome.observation);
    return (await store.afterStep(runId, n, signal(), outcome.changedPaths ?? [])).changedPaths;
  }

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ckpt-own-")));
    ws = path.join(base, "ws");
    state = path.join(base, "state");
    await fs.mkdir(path.join(ws, "src"), { recursive: true });
    await fs.writeFile(file("src/a.ts"), "export const a = 1;\n");
    await fs.writeFile(file("notes.md"), "user notes\n");
    const roots = await WorkspaceRoots.create([ws]);
    store = new ShadowCheckpoints({ storageDir: path.join(base, "storage"), stateDir: state, roots });
    context = { roots, signal: signal(), files: new CliFileWriter(), commands: new ProcessCommandRunner() };
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it("a file the person saves and one they create while an edit step runs stay theirs: undo keeps them and says so", async () => {
    const changed = await step("r1", 1, "edit_file", { path: "src/a.ts", search: "= 1", replace: "= 10" }, async () => {
      await fs.writeFile(file("notes.md"), "user notes, saved during the step\n");
      await fs.writeFile(file("mine.txt"), "the person's new file\n");
    });
    assert.deepEqual(changed, ["src/a.ts"], "only the edit tool's own file is the agent's change");
    const report = await store.undoRun("r1", signal());
    assert.deepEqual(report.restored, ["src/a.ts"]);
    assert.equal(await read("src/a.ts"), "export const a = 1;\n");
    assert.equal(await read("mine.txt"), "the person's new file\n", "a file the run did not create is never deleted");
    assert.equal(await read("notes.md"), "user notes, saved during the step\n");
    assert.deepEqual(report.conflicts.map((c) => c.path).sort(), ["mine.txt", "notes.md"]);
    for (const conflict of report.conflicts) assert.match(conflict.reason, /while step 1 ran.*not by the agent/);
  });

  it("a command's changes are its own, except files the editor saved or created while it ran", async () => {
    const journal = new EditorWriteJournal(state, ws);
    const changed = await step("r2", 1, "run_command", { command: "echo built > build.txt && echo more >> notes.md" }, async () => {
      // The person saves in the editor while the command runs; the editor host records it.
      await fs.writeFile(file("src/a.ts"), "export const a = 2; // saved by the person\n");
      await journal.record([{ path: "src/a.ts", by: "save" }]);
    });
    assert.deepEqual(changed.sort(), ["build.txt", "notes.md"]);
    const report = await store.undoRun("r2", signal());
    assert.deepEqual(report.restored.sort(), ["build.txt", "notes.md"]);
    assert.equal(await exists("build.txt"), false);
    assert.equal(await read("notes.md"), "user notes\n");
    assert.equal(await read("src/a.ts"), "export const a = 2; // saved by the person\n");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["src/a.ts"]);
    assert.match(report.conflicts[0]!.reason, /saved in the editor while step 1 ran/);
  });

  it("an editor save the journal learns of only after the step ended still counts (undo reads the journal again)", async () => {
    const journal = new EditorWriteJournal(state, ws);
    await step("r3", 1, "run_command", { command: "echo built > build.txt" }, async () => {
      await fs.writeFile(file("notes.md"), "saved by the person\n");
    });
    // The editor's notice of that save arrives late (within the grace period after the step).
    await journal.record([{ path: "notes.md", by: "save" }]);
    const report = await store.undoRun("r3", signal());
    assert.deepEqual(report.restored, ["build.txt"]);
    assert.equal(await read("notes.md"), "saved by the person\n");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["notes.md"]);
  });

  it("undoing a run keeps what someone else changed between its steps, and reports it", async () => {
    await step("r4", 1, "edit_file", { path: "src/a.ts", search: "= 1", replace: "= 10" });
    // Between the steps (while the model thinks) the person edits the same file.
    await fs.writeFile(file("src/a.ts"), "export const a = 10; // mine\n");
    await step("r4", 2, "edit_file", { path: "src/a.ts", search: "// mine", replace: "// mine, and the agent's" });
    const report = await store.undoRun("r4", signal());
    assert.equal(await read("src/a.ts"), "export const a = 10; // mine\n", "back to the person's version, not to before the run");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["src/a.ts"]);
    assert.match(report.conflicts[0]!.reason, /changed by someone else between steps 1 and 2/);
  });

  it("a second store on the same workspace (another process's run) waits for the running step instead of mixing its changes in", async () => {
    let waitingFor: (holder: string) => void = () => undefined;
    const waiting = new Promise<string>((resolve) => (waitingFor = resolve));
    const other = new ShadowCheckpoints({ storageDir: path.join(base, "storage-2"), stateDir: state, roots: context.roots, onWait: (holder) => waitingFor(holder) });
    await store.beforeStep("mine", 1, signal(), [], "command");
    const otherStep = other.beforeStep("theirs", 1, signal(), ["theirs.txt"], "edit");
    const first = await Promise.race([waiting.then((holder) => ({ holder })), otherStep.then(() => ({ holder: undefined }))]);
    assert.ok(first.holder !== undefined, "the other run's step waits while this step runs");
    assert.match(first.holder, /step 1 of run mine/);
    await fs.writeFile(file("mine.txt"), "from my command\n");
    assert.deepEqual((await store.afterStep("mine", 1, signal())).changedPaths, ["mine.txt"]);
    await otherStep;
    await context.files.write(file("theirs.txt"), "theirs\n", signal());
    assert.deepEqual((await other.afterStep("theirs", 1, signal(), ["theirs.txt"])).changedPaths, ["theirs.txt"]);
    const report = await store.undoRun("mine", signal());
    assert.deepEqual(report.restored, ["mine.txt"]);
    assert.equal(await read("theirs.txt"), "theirs\n", "the other run's file is not this run's to delete");
  });

  it("a step that waits longer than the bound is not run: the model is told who holds the workspace, and the run goes on", async () => {
    await store.beforeStep("holder", 1, signal(), [], "command");
    try {
      const waiting = new ShadowCheckpoints({ storageDir: path.join(base, "storage-2"), stateDir: state, roots: context.roots, holderName: "pincer run", lockWaitMs: 50 });
      const transcript = await runAgent({
        request: "task",
        model: new ScriptedModel([{ plan: ["p"] }, { thought: "", tool: "create_file", args: { path: "late.txt", content: "x" } }, { thought: "", tool: "finish", args: { summary: "s", verified: "v" } }]),
        tools: [...tools.values()],
        context,
        gate: createPermissionGate({ profile: "full", rules: DEFAULT_COMMAND_RULES, trusted: true, headless: true, roots: context.roots }),
        approver: { request: async () => "approve" },
        checkpoints: waiting,
        budgets: { maxSteps: 5, maxTokens: 100_000, maxWallMs: 30_000 },
        signal: signal(),
      });
      assert.equal(transcript.status, "finished");
      assert.equal(transcript.steps[0]!.result?.ok, false);
      assert.match(transcript.steps[0]!.result!.observation, /^Not run: another agent run is using this workspace \(pid \d+, Pincer: step 1 of run holder, since .+\) and has not finished its step within 50 ms\. Try this call again later, or finish\.$/);
      assert.equal(await exists("late.txt"), false);
    } finally {
      await store.afterStep("holder", 1, signal());
    }
  });
});
