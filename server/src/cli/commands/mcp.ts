// pincer mcp list: the MCP servers Pincer would use (user settings, --mcp-config, and the
// workspace's .vscode/mcp.json), their state and tools. User servers are started to list their
// tools; workspace servers never start from a terminal (they need the approval card in VS Code).
import { readMcpConfigFile, type McpServerConfig } from "../../mcp/mcp-config";
import { McpHub, type McpScope } from "../../mcp/mcp-hub";
import { fileInputSource } from "../../mcp/mcp-secrets";
import { cliLogger } from "../../platform/log";
import type { McpServerInfo, PincerSettings } from "../../protocol";
import { defaultCacheDir } from "../../store/json-store";
import { workspaceRoots } from "../agent-host";
import { EXIT_OK } from "../usage";

/** The scope of a terminal: user servers (and the named file), the workspace's listed but never started. */
export async function cliMcpScope(settings: PincerSettings, workspace: string | undefined, mcpConfig: string | undefined, signal: AbortSignal): Promise<McpScope> {
  const extra: McpServerConfig[] = mcpConfig !== undefined ? await readMcpConfigFile(mcpConfig, signal) : [];
  const roots = workspace !== undefined ? await workspaceRoots(workspace) : undefined;
  return { settings: settings.mcp, extra, folders: roots ? roots.roots.map((root) => root.path) : [], ...(roots ? { roots } : {}), trusted: true, input: fileInputSource(defaultCacheDir()) };
}

export async function mcpList(settings: PincerSettings, args: { workspace?: string; mcpConfig?: string; json: boolean }, signal: AbortSignal): Promise<number> {
  const hub = new McpHub({ log: cliLogger() });
  try {
    const servers = await hub.list(await cliMcpScope(settings, args.workspace, args.mcpConfig, signal), true, signal);
    process.stdout.write(args.json ? `${JSON.stringify({ servers }, null, 2)}\n` : text(servers));
    return EXIT_OK;
  } finally {
    await hub.close();
  }
}

function text(servers: readonly McpServerInfo[]): string {
  if (servers.length === 0) return "No MCP servers configured (pincer.mcp.servers, --mcp-config, .vscode/mcp.json).\n";
  return servers
    .map((server) => {
      const head = `${server.name} (${server.source}, ${server.transport}) ${server.state}${server.detail ? `: ${server.detail}` : ""}\n  ${server.target}`;
      const tools = server.tools.map((tool) => `  - ${tool.agentName}${tool.enabled ? "" : " (off)"}${tool.readOnlyHint ? " [read-only hint]" : ""}: ${tool.description.slice(0, 80)}`);
      return [head, ...tools].join("\n");
    })
    .join("\n")
    .concat("\n");
}
