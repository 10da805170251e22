// What each tool does for the model (the security rows live in tools.security.test.ts).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { WorkspaceRoots } from "../../platform/workspace-paths";
import { CliFileWriter } from "../cli-file-writer";
import { ProcessCommandRunner } from "../command-runner";
import type { ToolContext, ToolOutcome } from "../tool-types";
import { createTools } from "./index";

const RG = ["/usr/bin/rg", "/usr/local/bin/rg"].find((candidate) => existsSync(candidate));

describe("agent tools", function () {
  this.timeout(20_000);
  let ws: string;
  let context: ToolContext;
  const tools = new Map(createTools().map((t) => [t.name, t]));
  const call = (name: string, args: Record<string, unknown>, extra: Partial<ToolContext> = {}): Promise<ToolOutcome> => tools.get(name)!.run(args, { ...context, ...extra });

  beforeEach(async () => {
    ws = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-tools-")));
    await fs.mkdir(path.join(ws, "src", "deep"), { recursive: true });
    await fs.mkdir(path.join(ws, "node_modules", "x"), { recursive: true });
    await fs.writeFile(path.join(ws, "src", "math.ts"), "export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport class Calc {\n  total(): number {\n    return 0;\n  }\n}\n");
    await fs.writeFile(path.join(ws, "src", "deep", "util.py"), "def helper():\n    return 'needle'\n");
    await fs.writeFile(path.join(ws, "node_modules", "x", "index.js"), "needle\n");
    await fs.writeFile(path.join(ws, "crlf.txt"), "one\r\ntwo\r\nthree\r\n");
    await fs.writeFile(path.join(ws, "lines.txt"), Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join("\n"));
    await fs.writeFile(path.join(ws, "bin.dat"), Buffer.from([0, 1, 2, 3]));
    context = { roots: await WorkspaceRoots.create([ws]), signal: new AbortController().signal, files: new CliFileWriter(), commands: new ProcessCommandRunner() };
  });

  afterEach(async () => {
    await fs.rm(ws, { recursive: true, force: true });
  });

  it("every tool has a one-line description and an object schema", () => {
    assert.equal(tools.size, 15);
    for (const tool of tools.values()) {
      assert.ok(!tool.description.includes("\n") && tool.description.length <= 90, tool.name);
      assert.equal(tool.parameters.type, "object");
    }
    // The whole tool list must fit the fixed prompt budget (2,000 tokens for everything; ~4 chars a token).
    const size = JSON.stringify([...tools.values()].map((t) => ({ name: t.name, description: t.description, parameters: t.parameters }))).length;
    assert.ok(size < 4_800, `tool schemas take ${size} characters`);
  });

  it("list_files lists folders with a slash and skips node_modules", async () => {
    const outcome = await call("list_files", {});
    assert.ok(outcome.ok);
    assert.match(outcome.observation, /^src\/$/m);
    assert.match(outcome.observation, /^src\/math\.ts$/m);
    assert.match(outcome.observation, /^node_modules\/ \(not listed\)$/m);
    assert.doesNotMatch(outcome.observation, /node_modules\/x/);
  });

  it("read_file reads ranges and says how to read on", async () => {
    const outcome = await call("read_file", { path: "lines.txt", start: 10, end: 12 });
    assert.equal(outcome.observation, "lines.txt lines 10-12 of 1000; read on with start=13\nline 10\nline 11\nline 12");
    const whole = await call("read_file", { path: "lines.txt" });
    assert.match(whole.observation, /lines 1-400 of 1000; read on with start=401/);
    assert.equal((await call("read_file", { path: "bin.dat" })).ok, false);
    assert.match((await call("read_file", { path: "missing.txt" })).observation, /no such file/);
  });

  for (const engine of ["js", "ripgrep"] as const) {
    it(`search_text finds text (${engine}) and skips dependencies`, async function () {
      if (engine === "ripgrep" && !RG) {
        console.log("      (skipped: no rg binary on this machine)");
        this.skip();
      }
      const extra = engine === "ripgrep" ? { ripgrepPath: RG! } : {};
      const outcome = await call("search_text", { query: "needle" }, extra);
      assert.ok(outcome.ok, outcome.observation);
      assert.equal(outcome.observation, "src/deep/util.py:2: return 'needle'");
      const regex = await call("search_text", { query: "a \\+ b", regex: true, path: "src" }, extra);
      assert.equal(regex.observation, "src/math.ts:2: return a + b;");
      assert.match((await call("search_text", { query: "zzz-nothing" }, extra)).observation, /no matches/);
    });
  }

  it("outline and find_symbol use the tree-sitter index", async () => {
    const outline = await call("outline", { path: "src/math.ts" });
    assert.ok(outline.ok, outline.observation);
    assert.match(outline.observation, /^1: function add/m);
    assert.match(outline.observation, /^5: class Calc/m);
    assert.match(outline.observation, /^6: +method total/m);
    const found = await call("find_symbol", { name: "helper" });
    assert.match(found.observation, /^src\/deep\/util\.py:1: function helper/);
    assert.match((await call("find_symbol", { name: "nope" })).observation, /no definition/);
  });

  it("edit_file edits, keeps CRLF line endings and returns a diff", async () => {
    const outcome = await call("edit_file", { path: "crlf.txt", search: "two\n", replace: "TWO\n" });
    assert.ok(outcome.ok, outcome.observation);
    assert.equal(await fs.readFile(path.join(ws, "crlf.txt"), "utf8"), "one\r\nTWO\r\nthree\r\n");
    assert.deepEqual(outcome.changedPaths, ["crlf.txt"]);
    assert.match(String(outcome.details?.diff), /-two\n\+TWO/);
    const miss = await call("edit_file", { path: "src/math.ts", search: "return a - b;", replace: "x" });
    assert.equal(miss.ok, false);
    assert.match(miss.observation, /Closest places:\nlines 2-2/);
  });

  it("create_file, rename_file and delete_file change files through the writer", async () => {
    assert.ok((await call("create_file", { path: "new/dir/file.txt", content: "hi\n" })).ok);
    assert.equal(await fs.readFile(path.join(ws, "new/dir/file.txt"), "utf8"), "hi\n");
    assert.equal((await call("create_file", { path: "new/dir/file.txt", content: "again" })).ok, false);
    const renamed = await call("rename_file", { from: "new/dir/file.txt", to: "moved.txt" });
    assert.deepEqual(renamed.changedPaths, ["new/dir/file.txt", "moved.txt"]);
    assert.equal((await call("rename_file", { from: "moved.txt", to: "lines.txt" })).ok, false, "never overwrites");
    assert.ok((await call("delete_file", { path: "moved.txt" })).ok);
    assert.equal(existsSync(path.join(ws, "moved.txt")), false);
    assert.equal((await call("delete_file", { path: "src" })).ok, false, "folders are not deleted");
  });

  it("delete_file on a symlink inside the workspace removes the link, not its target", async () => {
    await fs.symlink(path.join(ws, "lines.txt"), path.join(ws, "link.txt"));
    assert.ok((await call("delete_file", { path: "link.txt" })).ok);
    assert.equal(existsSync(path.join(ws, "lines.txt")), true);
    assert.equal(existsSync(path.join(ws, "link.txt")), false);
  });

  it("run_command reports exit status and output", async () => {
    const outcome = await call("run_command", { command: "echo hello; exit 2" });
    assert.equal(outcome.ok, false);
    assert.equal(outcome.observation, "exit code 2\nhello");
    assert.equal(outcome.details?.exitCode, 2);
    const slow = await call("run_command", { command: "sleep 20", timeout_s: 1 });
    assert.match(slow.observation, /^timed out after 1 s/);
  });

  it("git tools read the workspace repository and git_commit commits", async () => {
    assert.match((await call("git_status", {})).observation, /not a git repository/);
    const env = { ...process.env, GIT_AUTHOR_NAME: "u", GIT_AUTHOR_EMAIL: "u@x", GIT_COMMITTER_NAME: "u", GIT_COMMITTER_EMAIL: "u@x" };
    execFileSync("git", ["init", "-q", "-b", "main"], { cwd: ws, env });
    await fs.writeFile(path.join(ws, ".gitignore"), "node_modules/\n");
    assert.match((await call("git_log", {})).observation, /no commits yet/);
    execFileSync("git", ["config", "user.name", "u"], { cwd: ws });
    execFileSync("git", ["config", "user.email", "u@x"], { cwd: ws });
    assert.ok((await call("git_commit", { message: "first" })).ok);
    assert.match((await call("git_commit", { message: "again" })).observation, /nothing to commit/);
    assert.match((await call("git_log", {})).observation, /u: first/);
    await fs.appendFile(path.join(ws, "src", "math.ts"), "// more\n");
    assert.match((await call("git_status", {})).observation, /M src\/math\.ts/);
    assert.match((await call("git_diff", { path: "src" })).observation, /\+\/\/ more/);
  });

  it("ask_user asks the person, or says nobody can answer", async () => {
    assert.match((await call("ask_user", { question: "Which file?" })).observation, /nobody can answer/);
    const answered = await call("ask_user", { question: "Which file?" }, { askUser: async (q) => `${q} -> a.ts` });
    assert.equal(answered.observation, "answer: Which file? -> a.ts");
  });
});
