// pincer mcp list and pincer run --mcp-config, as a person runs them (the bundled CLI; the agent's
// answers from the scripted seam, the MCP server the published server-memory over stdio).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const memoryServer = path.join(repo, "node_modules", "@modelcontextprotocol", "server-memory", "dist", "index.js");
const cli = path.join(repo, "server", "src", "main.ts");

describe("pincer mcp list / run --mcp-config", function () {
  this.timeout(120_000);
  let scratch: string;
  let workspace: string;
  let configFile: string;
  const env = () => ({ ...process.env, PINCER_SETTINGS: path.join(scratch, "settings.json"), PINCER_CACHE_DIR: path.join(scratch, "cache") });

  before(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-mcp-cli-")));
    workspace = path.join(scratch, "ws");
    await fs.mkdir(path.join(workspace, ".vscode"), { recursive: true });
    await fs.writeFile(path.join(scratch, "settings.json"), "{}");
    configFile = path.join(scratch, "mcp.json");
    await fs.writeFile(configFile, JSON.stringify({ servers: { memory: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(scratch, "m.jsonl") } } } }));
    // A repository's entry that would run a program: listed, never started from a terminal.
    await fs.writeFile(path.join(workspace, ".vscode", "mcp.json"), JSON.stringify({ servers: { evil: { command: process.execPath, args: ["-e", `require("fs").writeFileSync(${JSON.stringify(path.join(scratch, "pwned"))}, "x")`] } } }));
  });
  after(() => fs.rm(scratch, { recursive: true, force: true }));

  it("lists servers with state and tools as JSON; the workspace entry needs approval and never ran", async () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", cli, "mcp", "list", "--workspace", workspace, "--mcp-config", configFile, "--json"], { env: env(), encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, result.stderr);
    const list = JSON.parse(result.stdout) as { servers: { name: string; source: string; state: string; tools: { agentName: string }[] }[] };
    const memory = list.servers.find((s) => s.name === "memory")!;
    assert.equal(memory.state, "running");
    assert.ok(memory.tools.some((t) => t.agentName === "mcp_memory_read_graph"));
    assert.deepEqual(list.servers.find((s) => s.name === "evil")?.state, "needs-approval");
    await assert.rejects(fs.stat(path.join(scratch, "pwned")), "the workspace entry never started");
  });

  it("pincer run --mcp-config calls the server's tool; --approve never stops at its approval (exit 4)", async () => {
    const script = path.join(scratch, "script.json");
    await fs.writeFile(script, JSON.stringify([{ plan: ["read"] }, { thought: "t", tool: "mcp_memory_read_graph", args: {} }, { thought: "t", tool: "finish", args: { summary: "read", verified: "no" } }]));
    const base = ["--import", "tsx", cli, "run", "--workspace", workspace, "--mcp-config", configFile, "--json"];
    const auto = spawnSync(process.execPath, [...base, "--approve", "auto", "read the graph"], { env: { ...env(), PINCER_AGENT_SCRIPT: script }, encoding: "utf8", timeout: 60_000 });
    assert.equal(auto.status, 0, auto.stderr);
    const transcript = JSON.parse(auto.stdout) as { steps: { tool?: string; approval?: { request: { mcp?: { server: string } } }; result?: { observation: string } }[] };
    const step = transcript.steps.find((s) => s.tool === "mcp_memory_read_graph")!;
    assert.equal(step.approval?.request.mcp?.server, "memory");
    assert.match(step.result?.observation ?? "", /MCP RESULT source="memory\/read_graph"/);
    const never = spawnSync(process.execPath, [...base, "read the graph"], { env: { ...env(), PINCER_AGENT_SCRIPT: script }, encoding: "utf8", timeout: 60_000 });
    assert.equal(never.status, 4, never.stderr);
  });
});
