// The agent in VS Code's shape, over a real LSP connection: the model is the documented test seam
// (PINCER_AGENT_SCRIPT, a ScriptedModel), everything else is real — tools, permission gate,
// approvals as client requests, edits as workspace/applyEdit, checkpoints, terminal notifications,
// undo with conflicts, cancel and Restricted Mode.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CancellationTokenSource, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import {
  AgentTranscriptRequest,
  AgentUndoRequest,
  TrustNotification,
  type AgentEvent,
  type AgentRunParams,
  type AgentRunResult,
  type Transcript,
  type UndoReport,
} from "../../server/src/protocol";
import { agentFixture } from "../support/agent-fixture";
import { repoRoot } from "../support/test-model";

const plan = (...steps: string[]) => ({ plan: steps });
const call = (tool: string, args: Record<string, unknown>, thought = `use ${tool}`) => ({ thought, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });

describe("agent over LSP", function () {
  this.timeout(60_000);
  const agent = agentFixture({
    tempPrefix: "pincer-agent-lsp-",
    // Edits ask here, so the approval round trip is exercised on the files themselves.
    settings: { agent: { maxSteps: 10, maxTokens: 200_000, maxWallSeconds: 60, profile: "edit", toolPermissions: { edit_file: "ask", create_file: "ask" }, sandbox: "auto" } },
    wholeDocument: true,
  });
  const { approvals, appliedEdits, saved, terminal, events, file, read } = agent;
  const run = (script: unknown[], token?: CancellationTokenSource, extra: Partial<AgentRunParams> = {}): Promise<AgentRunResult> => agent.run(script, { token, extra });

  before(() => agent.start());
  after(() => agent.stop());

  it("edits two files after approval through workspace/applyEdit, runs a command in a terminal, then Undo run restores them", async () => {
    await fs.writeFile(file("a.txt"), "one\ntwo\n");
    approvals.length = 0;
    appliedEdits.length = 0;
    const result = await run([
      plan("edit a", "create b", "check"),
      call("edit_file", { path: "a.txt", search: "two", replace: "TWO" }),
      call("create_file", { path: "b.txt", content: "new file\n" }),
      call("run_command", { command: "echo checked" }),
      finish,
    ]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    assert.equal(await read("a.txt"), "one\nTWO\n");
    assert.equal(await read("b.txt"), "new file\n");
    assert.deepEqual(approvals.map((a) => a.request.tool), ["edit_file", "create_file", "run_command"]);
    assert.ok(approvals.every((a) => a.runId === result.runId));
    assert.ok(appliedEdits.length >= 2, "edits arrive as workspace/applyEdit");
    assert.ok(saved.some((uri) => uri.endsWith("/a.txt")) && saved.some((uri) => uri.endsWith("/b.txt")), "the touched documents are saved");
    const started = terminal.find((t) => t.kind === "start");
    assert.ok(started && started.kind === "start" && started.command === "echo checked" && started.cwd === agent.workspace);
    assert.match(terminal.filter((t) => t.kind === "output" && t.terminalId === started.terminalId).map((t) => (t.kind === "output" ? t.text : "")).join(""), /checked/);
    assert.ok(terminal.some((t) => t.kind === "exit" && t.terminalId === started.terminalId && t.exitCode === 0));
    assert.ok(events.some((e) => e.type === "observation" && typeof e.details?.diff === "string" && /\+TWO/.test(String(e.details.diff))), "the edit's diff reaches the client");
    assert.deepEqual([...result.changedPaths].sort(), ["a.txt", "b.txt"]);

    const transcript: Transcript = await agent.server.connection.sendRequest(AgentTranscriptRequest, { runId: result.runId });
    assert.equal(transcript.runId, result.runId);
    assert.equal(transcript.steps.filter((s) => s.approval?.answer === "approve").length, 3);

    const edits = appliedEdits.length;
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId });
    assert.deepEqual([...report.restored].sort(), ["a.txt", "b.txt"]);
    assert.deepEqual(report.conflicts, []);
    assert.equal(await read("a.txt"), "one\ntwo\n");
    await assert.rejects(fs.stat(file("b.txt")), /ENOENT/);
    assert.ok(appliedEdits.length > edits, "undo goes through workspace/applyEdit too");
  });

  it("a denied approval leaves the file alone; Undo run reports a file changed after the agent as a conflict", async () => {
    await fs.writeFile(file("c.txt"), "alpha\n");
    agent.answer = "deny";
    const denied = await run([plan("edit c"), call("edit_file", { path: "c.txt", search: "alpha", replace: "beta" }), finish]);
    assert.equal(denied.status, "finished");
    assert.equal(await read("c.txt"), "alpha\n");
    agent.answer = "approve";

    const result = await run([plan("edit c"), call("edit_file", { path: "c.txt", search: "alpha", replace: "beta" }), finish]);
    assert.equal(await read("c.txt"), "beta\n");
    await fs.writeFile(file("c.txt"), "gamma (the person's edit)\n");
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId });
    assert.deepEqual(report.restored, []);
    assert.deepEqual(report.conflicts.map((c) => c.path), ["c.txt"]);
    assert.equal(await read("c.txt"), "gamma (the person's edit)\n", "a conflict is shown, not overwritten");
  });

  it("does not overwrite a file that has unsaved changes in the editor: the model is told to ask the person", async () => {
    await fs.writeFile(file("g.txt"), "saved\n");
    const uri = pathToFileURL(file("g.txt")).href;
    await agent.server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "plaintext", version: 1, text: "saved\nunsaved typing\n" } });
    try {
      const result = await run([plan("edit g"), call("edit_file", { path: "g.txt", search: "saved", replace: "agent" }), finish]);
      assert.equal(result.status, "finished");
      const observation = events.find((e) => e.type === "observation");
      assert.ok(observation?.type === "observation" && !observation.ok && /unsaved changes in the editor/.test(observation.text), JSON.stringify(observation));
      assert.equal(await read("g.txt"), "saved\n", "the file is untouched");
    } finally {
      await agent.server.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    }
  });

  it("Undo step puts back only that step's file", async () => {
    await fs.writeFile(file("e.txt"), "e1\n");
    await fs.writeFile(file("f.txt"), "f1\n");
    const result = await run([plan("edit both"), call("edit_file", { path: "e.txt", search: "e1", replace: "e2" }), call("edit_file", { path: "f.txt", search: "f1", replace: "f2" }), finish]);
    assert.equal(result.status, "finished");
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId, step: 2 });
    assert.deepEqual(report, { restored: ["f.txt"], conflicts: [] });
    assert.equal(await read("e.txt"), "e2\n");
    assert.equal(await read("f.txt"), "f1\n");
  });

  it("\"Always allow\" for a command is remembered for this workspace: the next run does not ask", async () => {
    approvals.length = 0;
    agent.answer = "always";
    try {
      const first = await run([plan("check"), call("run_command", { command: "echo always" }), finish]);
      assert.equal(first.status, "finished");
      assert.equal(approvals.length, 1);
    } finally {
      agent.answer = "approve";
    }
    const second = await run([plan("check"), call("run_command", { command: "echo always" }), call("run_command", { command: "echo other" }), finish]);
    assert.equal(second.status, "finished");
    assert.deepEqual(approvals.map((a) => a.request.command), ["echo always", "echo other"], "only the other command asks");
  });

  it("search_text uses the ripgrep the client names, and the JS search when the path does not exist", async function () {
    const rg = process.env.PINCER_TEST_RIPGREP ?? path.join(repoRoot, ".e2e", "tools", "node_modules", "code-server", "lib", "vscode", "node_modules", "@vscode", "ripgrep", "bin", "rg");
    if (!(await fs.stat(rg).then(() => true, () => false))) {
      console.warn(`      skipped: no ripgrep at ${rg} (set PINCER_TEST_RIPGREP)`);
      this.skip();
    }
    await fs.writeFile(file("needle.txt"), "a needle here\n");
    const engines = async (ripgrepPath: string) => {
      await run([plan("find"), call("search_text", { query: "needle" }), finish], undefined, { ripgrepPath });
      return events.filter((e): e is Extract<AgentEvent, { type: "observation" }> => e.type === "observation").map((e) => e.details?.engine);
    };
    assert.deepEqual(await engines(rg), ["ripgrep"]);
    assert.deepEqual(await engines(path.join(agent.tempDir, "no-such-rg")), ["js"]);
  });

  it("cancel stops the run and kills the running command", async () => {
    const token = new CancellationTokenSource();
    agent.onTerminal = (params) => {
      if (params.kind === "output") token.cancel();
    };
    const startedAt = Date.now();
    const result = await run([plan("wait"), call("run_command", { command: "echo started; sleep 30" }), finish], token);
    agent.onTerminal = undefined;
    assert.equal(result.status, "cancelled");
    assert.ok(Date.now() - startedAt < 15_000, "the command did not run to its end");
    const exit = terminal[terminal.length - 1]!;
    assert.equal(exit.kind, "exit");
  });

  it("in an untrusted workspace edit tools are denied, never asked", async () => {
    await fs.writeFile(file("d.txt"), "keep\n");
    await agent.server.connection.sendNotification(TrustNotification, { trusted: false });
    approvals.length = 0;
    appliedEdits.length = 0;
    try {
      const result = await run([plan("edit d"), call("edit_file", { path: "d.txt", search: "keep", replace: "lose" }), call("read_file", { path: "d.txt" }), finish]);
      assert.equal(result.status, "finished");
      assert.equal(await read("d.txt"), "keep\n");
      assert.deepEqual(approvals, []);
      assert.deepEqual(appliedEdits, []);
      const permissions = events.filter((e): e is Extract<AgentEvent, { type: "permission" }> => e.type === "permission");
      assert.deepEqual(permissions.map((p) => p.decision), ["deny", "allow"]);
      await assert.rejects(agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId }), /Restricted Mode/);
    } finally {
      await agent.server.connection.sendNotification(TrustNotification, { trusted: true });
    }
  });
});
