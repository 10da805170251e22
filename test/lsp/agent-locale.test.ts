// The approval card in the client's language: with initialize's locale zh-cn, the approval request keeps the
// gate's English summary and reasons (what the model and the transcript read) and carries the card's text,
// made on the server, in Simplified Chinese (request.shown).
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AgentApproveRequest, AgentRunRequest, type AgentApproveParams, type AgentRunResult } from "../../server/src/protocol";
import { startTestServer, type TestServer } from "../support/lsp-client";
import { requireBuild } from "../support/build";

const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });

describe("agent approval card over LSP in Simplified Chinese (initialize locale zh-cn)", function () {
  this.timeout(60_000);
  let server: TestServer | undefined;
  let tempDir: string;

  before(function () {
    requireBuild(this);
  });

  after(async () => {
    await server?.stop();
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  });

  it("sends the card's summary and permission reasons in Chinese beside the gate's English", async () => {
    tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-agent-zh-")));
    const workspace = path.join(tempDir, "ws");
    const scriptFile = path.join(tempDir, "script.json");
    await fs.mkdir(workspace);
    await fs.writeFile(path.join(workspace, "greet.ts"), "export const hi = 1;\n");
    await fs.writeFile(
      scriptFile,
      JSON.stringify([
        { plan: ["edit", "check"] },
        call("edit_file", { path: "greet.ts", search: "1", replace: "2" }),
        call("run_command", { command: "touch made.txt" }),
        call("finish", { summary: "done", verified: "nothing" }),
      ]),
    );
    server = await startTestServer({
      settings: { agent: { maxSteps: 6, maxTokens: 200_000, maxWallSeconds: 60, profile: "edit", toolPermissions: { edit_file: "ask", run_command: "ask" }, sandbox: "auto" } },
      env: { PINCER_CACHE_DIR: path.join(tempDir, "storage"), PINCER_AGENT_SCRIPT: scriptFile },
      workspaceFolders: [workspace],
      locale: "zh-cn",
    });
    const approvals: AgentApproveParams[] = [];
    server.connection.onRequest(AgentApproveRequest, (params: AgentApproveParams) => {
      approvals.push(params);
      return { answer: "deny" };
    });
    const result: AgentRunResult = await server.connection.sendRequest(AgentRunRequest, { id: "zh-1", request: "改一下 greet.ts" });
    assert.ok(result.runId, JSON.stringify(result));
    const edit = approvals.find((a) => a.request.tool === "edit_file")!.request;
    assert.equal(edit.summary, "edit file: greet.ts");
    assert.deepEqual(edit.reasons, ['setting: edit_file is "ask"']);
    assert.deepEqual(edit.shown, { summary: "编辑文件：greet.ts", reasons: ['设置：edit_file 为 "ask"'] });
    const command = approvals.find((a) => a.request.tool === "run_command")!.request;
    assert.equal(command.shown?.summary, "运行 `touch made.txt`");
    assert.equal(command.shown?.reasons.length, command.reasons.length);
    assert.equal(command.shown?.reasons[0], '设置：run_command 为 "ask"');
    for (const reason of command.shown?.reasons ?? []) assert.match(reason, /\p{Script=Han}/u, reason);
  });
});
