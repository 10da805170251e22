import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../platform/workspace-paths";
import { ShadowCheckpoints } from "./checkpoints";
import { CliFileWriter } from "./cli-file-writer";
import { ProcessCommandRunner } from "./command-runner";
import { createTools } from "./tools/index";
import type { ToolContext } from "./tool-types";

/** sha256 of every file under `dir` (path → hash), to prove the user's .git is untouched byte for byte. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const visit = async (current: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await visit(full);
      else hashes.set(path.relative(dir, full), createHash("sha256").update(entry.isSymbolicLink() ? await fs.readlink(full) : await fs.readFile(full)).digest("hex"));
    }
  };
  await visit(dir);
  return hashes;
}

const signal = (): AbortSignal => new AbortController().signal;

describe("ShadowCheckpoints", function () {
  this.timeout(30_000);
  let base: string;
  let ws: string;
  let storage: string;
  let roots: WorkspaceRoots;
  let store: ShadowCheckpoints;
  let context: ToolContext;
  const tools = new Map(createTools().map((t) => [t.name, t]));

  const read = (rel: string): Promise<string> => fs.readFile(path.join(ws, rel), "utf8");
  const exists = (rel: string): Promise<boolean> => fs.lstat(path.join(ws, rel)).then(() => true, () => false);

  /** One planner step: checkpoint, run the tool, checkpoint. */
  async function step(runId: string, n: number, tool: string, args: Record<string, unknown>): Promise<string[]> {
    const definition = tools.get(tool)!;
    await store.beforeStep(runId, n, signal(), definition.targets(args).paths);
    const outcome = await definition.run(args, context);
    assert.ok(outcome.ok, outcome.observation);
    return (await store.afterStep(runId, n, signal())).changedPaths;
  }

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-ckpt-")));
    ws = path.join(base, "ws");
    storage = path.join(base, "storage");
    await fs.mkdir(path.join(ws, "src"), { recursive: true });
    await fs.writeFile(path.join(ws, "src", "a.ts"), "export const a = 1;\n");
    await fs.writeFile(path.join(ws, "src", "b.ts"), "export const b = 2;\n");
    await fs.writeFile(path.join(ws, "notes.md"), "user notes\n");
    await fs.writeFile(path.join(ws, ".gitignore"), "*.log\n.env\n");
    await fs.writeFile(path.join(ws, ".env"), "API=1\n");
    await fs.writeFile(path.join(ws, "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    const git = (...args: string[]): void => void execFileSync("git", args, { cwd: ws, stdio: "ignore", env: { ...process.env, GIT_AUTHOR_NAME: "u", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "u", GIT_COMMITTER_EMAIL: "u@x" } });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    roots = await WorkspaceRoots.create([ws]);
    store = new ShadowCheckpoints({ storageDir: storage, roots });
    context = { roots, signal: signal(), files: new CliFileWriter(), commands: new ProcessCommandRunner() };
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  it("keeps the shadow repository outside the workspace", () => {
    assert.ok(store.repositoryPath.startsWith(storage + path.sep));
  });

  it("undoes a step's edit, creation and rename, and reports what it changed", async () => {
    const changed1 = await step("r1", 1, "edit_file", { path: "src/a.ts", search: "= 1", replace: "= 10" });
    assert.deepEqual(changed1, ["src/a.ts"]);
    const changed2 = await step("r1", 2, "create_file", { path: "src/c.ts", content: "new\n" });
    assert.deepEqual(changed2, ["src/c.ts"]);
    const changed3 = await step("r1", 3, "rename_file", { from: "src/b.ts", to: "src/bb.ts" });
    assert.deepEqual(changed3.sort(), ["src/b.ts", "src/bb.ts"]);

    const undo3 = await store.undoStep("r1", 3, signal());
    assert.deepEqual(undo3.conflicts, []);
    assert.equal(await read("src/b.ts"), "export const b = 2;\n");
    assert.equal(await exists("src/bb.ts"), false);

    const undoRun = await store.undoRun("r1", signal());
    assert.deepEqual(undoRun.conflicts, []);
    assert.equal(await read("src/a.ts"), "export const a = 1;\n");
    assert.equal(await exists("src/c.ts"), false);
  });

  it("undoes files a command deleted (rm), keeping modes", async () => {
    const changed = await step("r2", 1, "run_command", { command: "rm run.sh src/a.ts" });
    assert.deepEqual(changed.sort(), ["run.sh", "src/a.ts"]);
    const report = await store.undoStep("r2", 1, signal());
    assert.deepEqual(report.restored.sort(), ["run.sh", "src/a.ts"]);
    assert.equal(await read("src/a.ts"), "export const a = 1;\n");
    assert.equal(((await fs.stat(path.join(ws, "run.sh"))).mode & 0o111) !== 0, true, "run.sh is executable again");
  });

  it("shows a conflict instead of overwriting a file the person edited, and leaves their other edits alone", async () => {
    await step("r3", 1, "edit_file", { path: "src/a.ts", search: "= 1", replace: "= 10" });
    await step("r3", 2, "edit_file", { path: "src/b.ts", search: "= 2", replace: "= 20" });
    // The person edits a file the agent changed, and one it did not.
    await fs.writeFile(path.join(ws, "src", "a.ts"), "export const a = 99; // mine\n");
    await fs.writeFile(path.join(ws, "notes.md"), "user notes, edited\n");
    const report = await store.undoRun("r3", signal());
    assert.deepEqual(report.restored, ["src/b.ts"]);
    assert.equal(report.conflicts.length, 1);
    assert.equal(report.conflicts[0]!.path, "src/a.ts");
    assert.equal(await read("src/a.ts"), "export const a = 99; // mine\n", "the person's edit is kept");
    assert.equal(await read("notes.md"), "user notes, edited\n");
    assert.equal(await read("src/b.ts"), "export const b = 2;\n");
  });

  it("restores binary files and symlinks byte for byte", async () => {
    const bytes = Buffer.from([0, 255, 254, 10, 13, 0, 128]);
    await fs.writeFile(path.join(ws, "blob.bin"), bytes);
    await fs.symlink("src/a.ts", path.join(ws, "alias.ts"));
    await step("r6", 1, "run_command", { command: "printf 'x' > blob.bin && rm alias.ts && ln -s src/b.ts alias.ts" });
    const report = await store.undoStep("r6", 1, signal());
    assert.deepEqual(report.conflicts, []);
    assert.deepEqual(await fs.readFile(path.join(ws, "blob.bin")), bytes);
    assert.equal(await fs.readlink(path.join(ws, "alias.ts")), "src/a.ts");
  });

  it("covers ignored files a tool touches", async () => {
    const changed = await step("r4", 1, "edit_file", { path: ".env", search: "API=1", replace: "API=2" });
    assert.deepEqual(changed, [".env"]);
    await store.undoStep("r4", 1, signal());
    assert.equal(await read(".env"), "API=1\n");
  });

  it("never changes the user's .git, byte for byte", async () => {
    const before = await hashTree(path.join(ws, ".git"));
    await step("r5", 1, "edit_file", { path: "src/a.ts", search: "= 1", replace: "= 10" });
    await step("r5", 2, "run_command", { command: "rm notes.md && echo x > new.txt" });
    await store.undoRun("r5", signal());
    await store.listRuns(signal());
    const after = await hashTree(path.join(ws, ".git"));
    assert.deepEqual([...after.entries()].sort(), [...before.entries()].sort());
    assert.equal(await read("notes.md"), "user notes\n");
    assert.equal(await exists("new.txt"), false);
  });

  it("lists runs newest first with their step counts", async () => {
    await step("older", 1, "create_file", { path: "x.txt", content: "x" });
    await step("newer", 1, "create_file", { path: "y.txt", content: "y" });
    await step("newer", 2, "create_file", { path: "z.txt", content: "z" });
    const runs = await store.listRuns(signal());
    assert.deepEqual(runs.map((r) => [r.runId, r.steps]).sort(), [["newer", 2], ["older", 1]]);
    assert.ok(runs.every((r) => !Number.isNaN(Date.parse(r.startedAt))));
  });

  it("prunes older runs to the size budget but keeps the current one", async () => {
    const big = new ShadowCheckpoints({ storageDir: storage, roots, maxBytes: 1 });
    const random = (n: number): string => createHash("sha256").update(String(n)).digest("hex").repeat(2000);
    await big.beforeStep("first", 1, signal());
    await fs.writeFile(path.join(ws, "big1.txt"), random(1));
    await big.afterStep("first", 1, signal());
    await big.beforeStep("second", 1, signal());
    await fs.writeFile(path.join(ws, "big2.txt"), random(2));
    await big.afterStep("second", 1, signal());
    assert.deepEqual((await big.listRuns(signal())).map((r) => r.runId), ["second"]);
    const undo = await big.undoStep("second", 1, signal());
    assert.deepEqual(undo.restored, ["big2.txt"]);
  });

  it("leaves new large files out of snapshots unless a tool names them", async () => {
    const small = new ShadowCheckpoints({ storageDir: storage, roots, maxFileBytes: 100 });
    const big = "x".repeat(1000);
    await fs.writeFile(path.join(ws, "dump [1].bin"), big);
    await small.beforeStep("r8", 1, signal(), ["named.bin"]);
    await fs.writeFile(path.join(ws, "named.bin"), big);
    await fs.writeFile(path.join(ws, "other.bin"), big);
    await fs.writeFile(path.join(ws, "small.txt"), "s");
    await fs.appendFile(path.join(ws, "dump [1].bin"), "more");
    const { changedPaths } = await small.afterStep("r8", 1, signal());
    assert.deepEqual(changedPaths.sort(), ["named.bin", "small.txt"]);
    const exclude = await fs.readFile(path.join(small.repositoryPath, "info", "exclude"), "utf8");
    assert.match(exclude, /^\/dump\\ \\\[1\\\]\.bin$/m);
  });

  it("refuses a storage folder inside the workspace", async () => {
    const inside = new ShadowCheckpoints({ storageDir: path.join(ws, ".cache"), roots });
    await assert.rejects(inside.beforeStep("r9", 1, signal()), /inside the workspace/);
  });

  it("rejects run ids that would escape the ref namespace", async () => {
    await assert.rejects(store.beforeStep("../../heads/main", 1, signal()), /invalid run id/);
    await assert.rejects(store.undoRun("a/b", signal()), /invalid run id/);
  });
});
