// Undo in VS Code's shape reverts only the agent's own work: a file the person saves or creates in the editor
// while an agent command runs is theirs. The test client plays VS Code: it applies the agent's edits to the
// files, saves them (and sends textDocument/didSave, as VS Code does for every save), and sends the person's
// saves and explorer creations as textDocument/didSave and workspace/didCreateFiles. The model is the
// PINCER_AGENT_SCRIPT seam; everything else is the real server.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, promises as fs, watch } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DidCreateFilesNotification, DidOpenTextDocumentNotification, DidSaveTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { AgentUndoRequest, type AgentRunResult, type UndoReport } from "../../server/src/protocol";
import { agentFixture } from "../support/agent-fixture";
import { repoRoot } from "../support/test-model";

const CLI = path.join(repoRoot, "bin", "pincer.js");

const call = (tool: string, args: Record<string, unknown>) => ({ thought: "", tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });
/** A command that holds its step until the test creates `go` (which it removes), then leaves build.txt. */
const HELD_COMMAND = "while [ ! -f go ]; do sleep 0.02; done; rm go; echo built > build.txt";

describe("agent over LSP: undo reverts only the agent's work", function () {
  this.timeout(60_000);
  const agent = agentFixture({
    tempPrefix: "pincer-agent-own-",
    settings: { agent: { maxSteps: 10, maxTokens: 200_000, maxWallSeconds: 60, profile: "full", toolPermissions: {}, sandbox: "auto" } },
    request: "task",
    // VS Code saves the agent's documents and, as for every save, tells the server.
    onSave: async (uris, connection) => {
      for (const saved of uris) await connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: saved } });
    },
    // VS Code reports files a workspace edit created, like the ones the person creates.
    onApplied: async (params, connection) => {
      const created = (params.edit.documentChanges ?? []).flatMap((change) => ("kind" in change && change.kind === "create" ? [{ uri: change.uri }] : []));
      if (created.length > 0) await connection.sendNotification(DidCreateFilesNotification.type, { files: created });
    },
  });
  const { file } = agent;
  let version = 1;

  const uri = (name: string) => pathToFileURL(file(name)).href;

  async function run(script: unknown[], whileRunning?: () => Promise<void>): Promise<AgentRunResult> {
    const started = new Promise<void>((resolve) => {
      agent.onTerminal = (params) => {
        if (params.kind === "start") resolve();
      };
    });
    const result = agent.run([{ plan: ["p"] }, ...script, finish]);
    if (whileRunning) {
      await started;
      await whileRunning();
      await fs.writeFile(file("go"), "");
    }
    return result;
  }

  /** The person saves a document in the editor: the disk write, then VS Code's didSave. */
  async function personSaves(name: string, text: string): Promise<void> {
    await agent.server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(name), languageId: "plaintext", version: version++, text } });
    await fs.writeFile(file(name), text);
    await agent.server.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uri(name) } });
  }

  before(() => agent.start());
  after(() => agent.stop());

  it("a file the person saves while a command runs keeps their save; the command's file is undone", async () => {
    await fs.writeFile(file("notes.md"), "notes\n");
    const result = await run([call("run_command", { command: HELD_COMMAND })], () => personSaves("notes.md", "notes, saved by the person\n"));
    assert.equal(result.status, "finished", JSON.stringify(result));
    assert.equal(await fs.readFile(file("build.txt"), "utf8"), "built\n");
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId });
    assert.deepEqual(report.restored, ["build.txt"]);
    assert.equal(await fs.readFile(file("notes.md"), "utf8"), "notes, saved by the person\n", "the person's save is kept");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["notes.md"]);
    assert.match(report.conflicts[0]!.reason, /saved in the editor while step 1 ran/);
  });

  it("a file the person creates in the explorer while a command runs is never deleted by undo", async () => {
    const result = await run([call("run_command", { command: HELD_COMMAND })], async () => {
      await fs.writeFile(file("idea.md"), "");
      await agent.server.connection.sendNotification(DidCreateFilesNotification.type, { files: [{ uri: uri("idea.md") }] });
    });
    assert.equal(result.status, "finished", JSON.stringify(result));
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId });
    assert.deepEqual(report.restored, ["build.txt"]);
    assert.equal(await fs.stat(file("idea.md")).then(() => true, () => false), true, "the person's new file is still there");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["idea.md"]);
    assert.match(report.conflicts[0]!.reason, /created in the editor while step 1 ran/);
  });

  it("a `pincer run` beside VS Code: a file the person saves in VS Code while the CLI's command runs is kept by `pincer undo`", async () => {
    await fs.writeFile(file("notes.md"), "notes\n");
    const cliScript = path.join(agent.tempDir, "cli-script.json");
    await fs.writeFile(cliScript, JSON.stringify([{ plan: ["p"] }, call("run_command", { command: `echo started > started.txt; ${HELD_COMMAND}` }), finish]));
    const env = { ...process.env, PINCER_CACHE_DIR: path.join(agent.tempDir, "storage"), PINCER_AGENT_SCRIPT: cliScript };
    const cli = spawn(process.execPath, [CLI, "run", "--workspace", agent.workspace, "--approve", "auto", "--json", "task"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    cli.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    cli.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("close", resolve));
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (!existsSync(file("started.txt"))) return;
        watcher.close();
        resolve();
      };
      const watcher = watch(agent.workspace, check);
      check();
    });
    // The person saves in VS Code; the server records it for every Pincer process.
    await personSaves("notes.md", "notes, saved in VS Code\n");
    await fs.writeFile(file("go"), "");
    assert.equal(await exited, 0, err);
    const runId = (JSON.parse(out) as { runId: string }).runId;
    const undo = spawnSync(process.execPath, [CLI, "undo", "--workspace", agent.workspace, "--json", runId], { env, encoding: "utf8" });
    const report = JSON.parse(undo.stdout) as UndoReport;
    assert.deepEqual([...report.restored].sort(), ["build.txt", "started.txt"]);
    assert.equal(await fs.readFile(file("notes.md"), "utf8"), "notes, saved in VS Code\n");
    assert.deepEqual(report.conflicts.map((c) => c.path), ["notes.md"]);
  });

  it("the agent's own edits, saved by the editor, are the agent's: undo puts them back without conflicts", async () => {
    await fs.writeFile(file("a.txt"), "one\n");
    const result = await run([
      call("edit_file", { path: "a.txt", search: "one", replace: "ONE" }),
      call("create_file", { path: "new.txt", content: "new\n" }),
      call("run_command", { command: "echo x >> a.txt" }),
    ]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    assert.deepEqual([...result.changedPaths].sort(), ["a.txt", "new.txt"]);
    const report: UndoReport = await agent.server.connection.sendRequest(AgentUndoRequest, { runId: result.runId });
    assert.deepEqual(report.conflicts, []);
    assert.deepEqual([...report.restored].sort(), ["a.txt", "new.txt"]);
    assert.equal(await fs.readFile(file("a.txt"), "utf8"), "one\n");
    assert.equal(await fs.stat(file("new.txt")).then(() => true, () => false), false);
  });
});
