// pincer run's host without a model: the scripted model drives the real tools, gate, command runner
// and checkpoints in a temporary workspace, so the --approve policies, the exit codes and undo are
// checked end to end. (The real model's side is covered by planner/engine-agent-model.test.ts.)
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runAgent } from "../agent/planner/planner";
import { ScriptedModel } from "../agent/planner/scripted-model";
import { DEFAULT_SETTINGS } from "../protocol";
import { createCliAgentSession } from "./agent-host";
import { describeEvent, exitCodeFor, policyApprover, type ApprovePolicy } from "./agent-output";
import { undo } from "./commands/undo";
import { runCli } from "./main";

/** The test model's path, or a skip with the reason (see engine.test.ts for why this is a dynamic import). */
async function requireTestModel(context: Mocha.Context): Promise<string> {
  const helper = "../../../test/support/test-model.ts";
  return ((await import(helper)) as { requireTestModel(context: Mocha.Context): string }).requireTestModel(context);
}

const call = (tool: string, args: Record<string, unknown>) => ({ thought: "", tool, args });

describe("pincer run host (scripted model, real tools)", function () {
  this.timeout(60_000);
  let scratch: string;
  let workspace: string;
  let savedCacheDir: string | undefined;

  beforeEach(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), "pincer-run-"));
    workspace = path.join(scratch, "ws");
    await fs.mkdir(path.join(workspace, "src"), { recursive: true });
    await fs.writeFile(path.join(workspace, "src", "a.ts"), "export const a = 1;\n");
    savedCacheDir = process.env.PINCER_CACHE_DIR;
    process.env.PINCER_CACHE_DIR = path.join(scratch, "cache");
  });

  afterEach(async () => {
    if (savedCacheDir === undefined) delete process.env.PINCER_CACHE_DIR;
    else process.env.PINCER_CACHE_DIR = savedCacheDir;
    await fs.rm(scratch, { recursive: true, force: true });
  });

  async function runScripted(script: unknown[], profile: "read-only" | "edit" | "full", approve: ApprovePolicy) {
    const host = await createCliAgentSession(workspace, profile, DEFAULT_SETTINGS.agent);
    const transcript = await runAgent({
      request: "task",
      model: new ScriptedModel(script),
      tools: host.tools,
      context: host.context,
      gate: host.gate,
      approver: policyApprover(approve),
      checkpoints: host.checkpoints,
      budgets: { maxSteps: 10, maxTokens: 100_000, maxWallMs: 30_000 },
      signal: new AbortController().signal,
      stopOnRefusedApproval: true,
    });
    return { transcript, exitCode: exitCodeFor(transcript.status) };
  }

  it("--approve never: a command that needs approval ends the run with exit 4 and does not run", async () => {
    const { transcript, exitCode } = await runScripted([{ plan: ["test"] }, call("run_command", { command: "touch RAN" }), call("finish", { summary: "s", verified: "v" })], "edit", "never");
    assert.equal(exitCode, 4);
    assert.equal(transcript.status, "approval-needed");
    assert.equal(transcript.steps[0]!.approval?.answer, "deny");
    assert.equal(existsSync(path.join(workspace, "RAN")), false);
  });

  it("--approve auto: asks are approved, denies stay denied; exit 0", async () => {
    const { transcript, exitCode } = await runScripted(
      [{ plan: ["p"] }, call("run_command", { command: "touch RAN" }), call("run_command", { command: "curl http://example.invalid/x" }), call("finish", { summary: "s", verified: "v" })],
      "edit",
      "auto",
    );
    assert.equal(exitCode, 0);
    assert.equal(existsSync(path.join(workspace, "RAN")), true);
    assert.equal(transcript.steps[0]!.approval?.answer, "approve");
    assert.equal(transcript.steps[1]!.permission?.decision, "deny");
    assert.equal(transcript.steps[1]!.approval, undefined, "a deny is never offered for approval");
  });

  it("the approval line says whether the command is sandboxed, and a networked one says so", async () => {
    const host = await createCliAgentSession(workspace, "edit", DEFAULT_SETTINGS.agent);
    const run = host.tools.find((tool) => tool.name === "run_command")!;
    const check = await host.gate.check(run, { command: "npm install", network: true }, new AbortController().signal);
    assert.deepEqual(check.request.sandbox, host.sandbox.info);
    const line = describeEvent({ type: "approval-needed", step: 1, request: check.request }) ?? "";
    if (host.sandbox.info.kind === "none") assert.match(line, /\[not sandboxed: /);
    else assert.match(line, new RegExp(`\\[sandboxed: ${host.sandbox.info.kind}, WITH network access\\]`));
    const off = await createCliAgentSession(workspace, "edit", { ...DEFAULT_SETTINGS.agent, sandbox: "off" });
    const offCheck = await off.gate.check(run, { command: "npm test" }, new AbortController().signal);
    assert.match(describeEvent({ type: "approval-needed", step: 1, request: offCheck.request }) ?? "", /\[not sandboxed: turned off/);
  });

  it("records the checkpoint of an edit, and pincer undo puts the file back", async () => {
    const { transcript, exitCode } = await runScripted(
      [{ plan: ["edit"] }, call("edit_file", { path: "src/a.ts", search: "a = 1", replace: "a = 2" }), call("finish", { summary: "a is 2", verified: "not verified" })],
      "edit",
      "never",
    );
    assert.equal(exitCode, 0);
    assert.equal(await fs.readFile(path.join(workspace, "src", "a.ts"), "utf8"), "export const a = 2;\n");
    assert.equal(transcript.checkpointIds.length, 1);
    assert.deepEqual(transcript.changedPaths, ["src/a.ts"]);
    const stdout = process.stdout.write;
    let printed = "";
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      assert.equal(await undo({ workspace, json: true }, new AbortController().signal), 0);
    } finally {
      process.stdout.write = stdout;
    }
    assert.deepEqual(JSON.parse(printed), { runId: transcript.runId, restored: ["src/a.ts"], conflicts: [] });
    assert.equal(await fs.readFile(path.join(workspace, "src", "a.ts"), "utf8"), "export const a = 1;\n");
  });

  it("a budget stop is exit 3; a read-only profile refuses edits", async () => {
    const reads = Array.from({ length: 5 }, () => call("edit_file", { path: "src/a.ts", search: "a = 1", replace: "a = 3" }));
    const host = await createCliAgentSession(workspace, "read-only", DEFAULT_SETTINGS.agent);
    const transcript = await runAgent({
      request: "task",
      model: new ScriptedModel([{ plan: ["p"] }, ...reads]),
      ...host,
      approver: policyApprover("auto"),
      budgets: { maxSteps: 2, maxTokens: 100_000, maxWallMs: 30_000 },
      signal: new AbortController().signal,
    });
    assert.equal(exitCodeFor(transcript.status), 3);
    assert.equal(transcript.steps[0]!.permission?.decision, "deny");
    assert.equal(await fs.readFile(path.join(workspace, "src", "a.ts"), "utf8"), "export const a = 1;\n");
  });

  it("pincer run --json on the tiny model: the transcript on stdout, exit 3 on the step budget", async function () {
    const modelPath = await requireTestModel(this);
    const settingsFile = path.join(scratch, "settings.json");
    await fs.writeFile(settingsFile, JSON.stringify({ "pincer.threads": 1, "pincer.contextSize": 2048 }));
    const main = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "main.ts");
    const result = spawnSync(process.execPath, ["--import", "tsx", main, "run", "--workspace", workspace, "--model", modelPath, "--max-steps", "2", "--json", "rename a"], {
      env: { ...process.env, PINCER_SETTINGS: settingsFile, PINCER_CACHE_DIR: path.join(scratch, "cache") },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(result.status, 3, result.stderr);
    const transcript = JSON.parse(result.stdout) as { status: string; budgetStop: string; steps: unknown[]; fixedPromptTokens: number; runId: string; usage: { steps: number } };
    assert.equal(transcript.status, "budget");
    assert.equal(transcript.budgetStop, "steps");
    assert.equal(transcript.usage.steps, 2);
    assert.equal(transcript.steps.length, 2);
    assert.ok(transcript.fixedPromptTokens > 0 && transcript.fixedPromptTokens < 2000);
    assert.match(transcript.runId, /^\d{8}T\d{6}-[0-9a-f]{8}$/);
  });

  it("usage errors are exit 2", async () => {
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      assert.equal(await runCli(["run", "task"]), 2, "--workspace is required");
      assert.equal(await runCli(["run", "--workspace", workspace, "--profile", "root", "task"]), 2);
      assert.equal(await runCli(["run", "--workspace", workspace, "--approve", "always", "task"]), 2);
      assert.equal(await runCli(["run", "--workspace", path.join(scratch, "missing"), "task"]), 1, "a missing workspace folder is a missing input (exit 1)");
      assert.equal(await runCli(["undo", "--workspace", workspace, "a", "b"]), 2);
    } finally {
      process.stderr.write = stderr;
    }
  });

  it("pincer undo without runs says so and exits 1", async () => {
    const stderr = process.stderr.write;
    let message = "";
    process.stderr.write = ((chunk: string) => ((message += chunk), true)) as typeof process.stderr.write;
    try {
      assert.equal(await undo({ workspace, json: false }, new AbortController().signal), 1);
    } finally {
      process.stderr.write = stderr;
    }
    assert.match(message, /no agent run to undo/);
  });
});
