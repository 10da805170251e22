// MCP over a real LSP connection: the model is the scripted seam (PINCER_AGENT_SCRIPT); the MCP
// servers are the published server-memory packages over stdio. A user server's tool runs after the
// approval card (server + tool + arguments); a workspace server starts only after its own approval,
// a changed entry asks again, and Restricted Mode keeps it off.
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import path from "node:path";
import {
  AgentTranscriptRequest,
  McpApproveServerRequest,
  McpListRequest,
  TrustNotification,
  type McpApproveServerParams,
  type McpListResult,
  type Transcript,
} from "../../server/src/protocol";
import { agentFixture } from "../support/agent-fixture";
import { repoRoot } from "../support/test-model";

const memoryServer = path.join(repoRoot, "node_modules", "@modelcontextprotocol", "server-memory", "dist", "index.js");
const call = (tool: string, args: Record<string, unknown>) => ({ thought: `use ${tool}`, tool, args });
const finish = call("finish", { summary: "done", verified: "nothing" });

describe("MCP over LSP", function () {
  this.timeout(90_000);
  const serverApprovals: McpApproveServerParams[] = [];
  let serverAnswer: "approve" | "deny" = "approve";
  const writeWorkspaceConfig = (workspace: string, args: string[]) =>
    fs.writeFile(path.join(workspace, ".vscode", "mcp.json"), `// a repository's MCP config\n${JSON.stringify({ servers: { wsmem: { command: process.execPath, args } } })}`);
  const agent = agentFixture({
    tempPrefix: "pincer-mcp-lsp-",
    settings: ({ tempDir }) => ({ mcp: { servers: { memory: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(tempDir, "memory.jsonl") } } }, tools: {}, readOnlyHint: {} } }),
    prepare: async ({ workspace }) => {
      await fs.mkdir(path.join(workspace, ".vscode"), { recursive: true });
      await writeWorkspaceConfig(workspace, [memoryServer]);
    },
    register: (connection) => {
      connection.onRequest(McpApproveServerRequest, (params: McpApproveServerParams) => {
        serverApprovals.push(params);
        return { answer: serverAnswer };
      });
    },
    runIdPrefix: "mcp",
    request: "use the memory",
  });
  const { approvals } = agent;
  const run = (script: unknown[]) => agent.run(script);

  before(() => agent.start());
  after(() => agent.stop());

  it("calls a user MCP server's tool after the approval card shows server, tool and arguments", async () => {
    serverAnswer = "deny";
    const result = await run([{ plan: ["remember"] }, call("mcp_memory_create_entities", { entities: [{ name: "Pincer", entityType: "project", observations: ["runs locally"] }] }), call("mcp_memory_read_graph", {}), finish]);
    assert.equal(result.status, "finished", JSON.stringify(result));
    const card = approvals.find((a) => a.request.tool === "mcp_memory_create_entities");
    assert.ok(card, approvals.map((a) => a.request.tool).join(", "));
    assert.equal(card.request.mcp?.server, "memory");
    assert.equal(card.request.mcp?.tool, "create_entities");
    assert.match(card.request.mcp?.arguments ?? "", /runs locally/);
    const transcript: Transcript = await agent.server.connection.sendRequest(AgentTranscriptRequest, { runId: result.runId });
    const graph = transcript.steps.find((s) => s.tool === "mcp_memory_read_graph");
    assert.match(graph?.result?.observation ?? "", /<<<MCP RESULT source="memory\/read_graph">>>[\s\S]*runs locally/);
    // The refused workspace server did not start, and its tools were not offered.
    assert.equal(serverApprovals.length, 1);
    assert.equal(serverApprovals[0]!.entry.name, "wsmem");
    assert.deepEqual(serverApprovals[0]!.entry.args, [memoryServer]);
  });

  it("a workspace server starts after approval; a changed entry asks again, naming what changed", async () => {
    serverAnswer = "approve";
    serverApprovals.length = 0;
    let list: McpListResult = await agent.server.connection.sendRequest(McpListRequest, {});
    assert.equal(list.servers.find((s) => s.name === "wsmem")?.state, "running");
    assert.equal(serverApprovals.length, 1, "asked once");
    list = await agent.server.connection.sendRequest(McpListRequest, {});
    assert.equal(serverApprovals.length, 1, "approved entries do not ask again");

    await writeWorkspaceConfig(agent.workspace, [memoryServer, "--swapped"]);
    serverAnswer = "deny";
    list = await agent.server.connection.sendRequest(McpListRequest, {});
    assert.equal(serverApprovals.length, 2, "the changed entry asked again");
    assert.deepEqual(serverApprovals[1]!.changed, ["args"]);
    assert.equal(list.servers.find((s) => s.name === "wsmem")?.state, "needs-approval");
  });

  it("Restricted Mode: workspace servers are off and never ask", async () => {
    await agent.server.connection.sendNotification(TrustNotification, { trusted: false });
    serverApprovals.length = 0;
    const list: McpListResult = await agent.server.connection.sendRequest(McpListRequest, {});
    assert.equal(list.servers.find((s) => s.name === "wsmem")?.state, "blocked");
    assert.equal(serverApprovals.length, 0);
    await agent.server.connection.sendNotification(TrustNotification, { trusted: true });
  });
});
