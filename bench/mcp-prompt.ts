// Fixed agent prompt tokens with 0, 1 and 3 MCP servers configured (the published everything,
// memory and filesystem servers over stdio), counted with the Llama 2 tokenizer of the tiny test
// model. The bound: at most 2,000 tokens whatever servers are configured.
// Usage: node --import tsx bench/mcp-prompt.ts
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fixedPrompt } from "../server/src/agent/planner/agent-prompt";
import { DEFAULT_SCHEMA_LIMITS, fitActions, plannerActionDefinitions } from "../server/src/agent/planner/action-schema";
import { DEFAULT_PLANNER_LIMITS } from "../server/src/agent/planner/planner";
import { createTools } from "../server/src/agent/tools/index";
import { mcpToolDefinitions } from "../server/src/agent/tools/mcp-tools";
import { createOcrDocumentTool } from "../server/src/agent/tools/ocr-tool";
import { Engine } from "../server/src/engine/engine";
import { McpHub } from "../server/src/mcp/mcp-hub";
import { DEFAULT_SETTINGS } from "../server/src/protocol/settings";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const script = (name: string) => path.join(repo, "node_modules", "@modelcontextprotocol", name, "dist", "index.js");
const modelPath = process.env.PINCER_TEST_MODEL ?? path.resolve(repo, "..", "shared", "models", "llama-2-tiny-random.gguf");
const signal = new AbortController().signal;
const servers = {
  everything: { command: process.execPath, args: [script("server-everything")] },
  memory: { command: process.execPath, args: [script("server-memory")], env: { MEMORY_FILE_PATH: path.join(os.tmpdir(), "pincer-bench-memory.jsonl") } },
  files: { command: process.execPath, args: [script("server-filesystem"), os.tmpdir()] },
};

const engine = await Engine.load({ modelPath, settings: { gpu: "off", gpuLayers: 0, threads: 1, contextSize: 512 }, log: () => undefined, signal });
const hub = new McpHub({ log: () => undefined });
const rows: string[] = [];
for (const names of [[], ["everything"], ["everything", "memory", "files"]] as (keyof typeof servers)[][]) {
  const config = Object.fromEntries(names.map((name) => [name, servers[name]]));
  const mcpTools = await hub.tools({ settings: { ...DEFAULT_SETTINGS.mcp, servers: config }, folders: [], trusted: true, input: async () => undefined }, signal);
  const tools = [...createTools(), createOcrDocumentTool(), ...mcpToolDefinitions(mcpTools)];
  // The MCP tools' string caps are fitted with every other tool's (the planner's default answer budget).
  const fitted = fitActions(tools, DEFAULT_SCHEMA_LIMITS, DEFAULT_PLANNER_LIMITS.answerTokens);
  const prompt = fixedPrompt([...tools, ...plannerActionDefinitions(DEFAULT_SCHEMA_LIMITS)], fitted.contentChars);
  rows.push(`${names.length} servers (${mcpTools.length} MCP tools): ${engine.tokenCount(prompt)} tokens, ${prompt.length} chars; longest answer ${fitted.maxTokens} tokens`);
}
await hub.close();
await engine.dispose();
process.stdout.write(`Fixed agent prompt (Llama 2 tokenizer):\n${rows.join("\n")}\n`);
