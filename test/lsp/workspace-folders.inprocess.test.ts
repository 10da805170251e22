// Workspace folders change while the server runs (VS Code's "Add Folder to Workspace…", "Remove
// Folder"): every place that decides confinement asks the live folders at call time. A removed
// folder is no longer writable by the agent nor read for tasks or OCR; an added one is used at once.
// The server's handlers run in this process (test/support/in-process-server.ts).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApplyWorkspaceEditRequest } from "vscode-languageserver-protocol/node";
import { AgentRunRequest, AgentSaveRequest, ListTasksRequest, OcrDocumentRequest, type AgentRunResult } from "../../server/src/protocol";
import { applyEditToDisk } from "../support/apply-edit";
import { startInProcessServer } from "../support/in-process-server";
import type { TestClient } from "../support/lsp-client";

const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });
const task = (name: string) => `---\nname: ${name}\ndescription: d\n---\nDo ${name}.\n`;

describe("live workspace folders over LSP", function () {
  this.timeout(60_000);
  let server: TestClient;
  const savedEnv = { PINCER_CACHE_DIR: process.env.PINCER_CACHE_DIR, PINCER_AGENT_SCRIPT: process.env.PINCER_AGENT_SCRIPT };
  let tempDir: string;
  let scriptFile: string;
  let runs = 0;
  const folder = (name: string) => path.join(tempDir, name);

  async function agentCreates(file: string): Promise<AgentRunResult> {
    await fs.writeFile(scriptFile, JSON.stringify([{ plan: ["create"] }, call("create_file", { path: file, content: "written\n" }), finish]));
    return server.connection.sendRequest(AgentRunRequest, { id: `run-${++runs}`, request: "create the file" });
  }
  const taskNames = async () => (await server.connection.sendRequest(ListTasksRequest, {})).tasks.map((t) => t.name).sort();
  const exists = (file: string) => fs.stat(file).then(() => true, () => false);

  before(async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-folders-")));
    scriptFile = path.join(tempDir, "script.json");
    for (const name of ["a", "b", "c"]) {
      await fs.mkdir(path.join(folder(name), ".pincer", "tasks"), { recursive: true });
      await fs.writeFile(path.join(folder(name), ".pincer", "tasks", `${name}.pincer.md`), task(`task ${name}`));
    }
    process.env.PINCER_CACHE_DIR = path.join(tempDir, "storage");
    process.env.PINCER_AGENT_SCRIPT = scriptFile;
    server = await startInProcessServer({
      settings: { agent: { maxSteps: 5, maxTokens: 100_000, maxWallSeconds: 60, profile: "edit", toolPermissions: {}, sandbox: "auto" } },
      workspaceFolders: [folder("a"), folder("b")],
    });
    server.connection.onRequest(AgentSaveRequest, () => undefined);
    server.connection.onRequest(ApplyWorkspaceEditRequest.type, async (params) => {
      await applyEditToDisk(params);
      return { applied: true };
    });
    await server.waitForLog(/Pincer server/);
  });

  after(async () => {
    await server?.stop();
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("a folder removed mid-session is refused: no agent write, no tasks, no OCR", async () => {
    assert.deepEqual(await taskNames(), ["task a", "task b"]);
    const before = await agentCreates(path.join(folder("b"), "first.txt"));
    assert.equal(before.status, "finished", JSON.stringify(before));
    assert.ok(await exists(path.join(folder("b"), "first.txt")), "b is writable while it is a workspace folder");

    await server.changeWorkspaceFolders({ removed: [folder("b")] });

    assert.deepEqual(await taskNames(), ["task a"]);
    const after = await agentCreates(path.join(folder("b"), "second.txt"));
    assert.deepEqual(after.changedPaths, []);
    assert.equal(await exists(path.join(folder("b"), "second.txt")), false, "the removed folder is not written");
    await fs.writeFile(path.join(folder("b"), "scan.png"), "not really a png");
    await assert.rejects(server.connection.sendRequest(OcrDocumentRequest, { uri: `file://${path.join(folder("b"), "scan.png")}` }), /Cannot OCR this file/);
  });

  it("a folder added mid-session is used: its tasks are listed and the agent writes in it", async () => {
    await server.changeWorkspaceFolders({ added: [folder("c")] });
    assert.deepEqual(await taskNames(), ["task a", "task c"]);
    const result = await agentCreates(path.join(folder("c"), "made.txt"));
    assert.equal(result.status, "finished", JSON.stringify(result));
    assert.equal(await fs.readFile(path.join(folder("c"), "made.txt"), "utf8"), "written\n");
  });
});
