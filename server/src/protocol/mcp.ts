// MCP servers on the wire: the list the quick pick and `pincer mcp list --json` show, the approval
// of a workspace server (pinned to what it runs), and `${input:…}` values the client keeps in
// SecretStorage.
import { PincerRequest0, ServerRequest } from "./rpc";

/** Where a server's entry comes from: user settings (or `pincer run --mcp-config`), or `.vscode/mcp.json`. */
export type McpSource = "user" | "workspace";

/**
 * A server's state: `needs-approval` (a workspace entry never approved, or changed since), `blocked`
 * (a workspace entry in Restricted Mode), `disabled` (`pincer.mcp.tools` says "off"), `invalid` (the
 * entry is malformed), `stopped` (not started yet: servers start on demand), `running`, `failed`.
 */
export type McpServerState = "needs-approval" | "blocked" | "disabled" | "invalid" | "stopped" | "starting" | "running" | "failed";

export interface McpToolInfo {
  /** The MCP tool's own name. */
  name: string;
  /** The name the agent calls it by (`mcp_<server>_<tool>`). */
  agentName: string;
  /** Its description, capped; untrusted text from the server. */
  description: string;
  readOnlyHint: boolean;
  /** "off" in `pincer.mcp.tools`: not offered to the agent. */
  enabled: boolean;
}

export interface McpServerInfo {
  name: string;
  source: McpSource;
  transport: "stdio" | "http";
  /** The command line or URL, as the approval pins it. */
  target: string;
  state: McpServerState;
  /** Why it is not running (invalid entry, the start failed, approval missing). */
  detail?: string;
  tools: McpToolInfo[];
}

export interface McpListResult {
  servers: McpServerInfo[];
}

/** Client → server: the configured servers with their state and tools (starts the ones allowed to start). */
export const McpListRequest = new PincerRequest0<McpListResult>("pincer/mcp/list");

/** A resource of a running, enabled server, for the chat's `@` picker (read when the message is sent). */
export interface McpResourceInfo {
  /** The server's name (as configured). */
  server: string;
  source: McpSource;
  uri: string;
  /** Its name or title, capped; untrusted text from the server. */
  name: string;
  /** Capped; untrusted text from the server. */
  description?: string;
  mimeType?: string;
}

export interface McpResourcesResult {
  resources: McpResourceInfo[];
}

/**
 * Client → server: the resources of the servers that may run. User servers and approved workspace
 * servers start if needed; a workspace server is never asked about (nor started) just to list.
 */
export const McpResourcesRequest = new PincerRequest0<McpResourcesResult>("pincer/mcp/resources");

/** Exactly what an approval of a workspace server is pinned to; any change asks again. */
export interface McpPinnedEntry {
  name: string;
  transport: "stdio" | "http";
  command?: string;
  args?: string[];
  /** Names only: values may be secrets and are not shown. */
  envNames?: string[];
  cwd?: string;
  url?: string;
  headerNames?: string[];
}

/** Server → client: may this workspace server start? The card shows the pinned entry. */
export interface McpApproveServerParams {
  /** The workspace folder whose `.vscode/mcp.json` names it. */
  folder: string;
  entry: McpPinnedEntry;
  /** The entry was approved before with different values: what changed. */
  changed?: string[];
}
/** The client's answer; anything but `approve` is a refusal. */
export interface McpApproveServerResult {
  answer: "approve" | "deny";
}
export const McpApproveServerRequest = new ServerRequest<McpApproveServerParams>("pincer/mcp/approveServer");

/** Server → client: the value of `${input:id}` (SecretStorage, else asked once with an input box). */
export interface McpInputParams {
  id: string;
  description: string;
  password: boolean;
}
export interface McpInputResult {
  value?: string;
}
export const McpInputRequest = new ServerRequest<McpInputParams>("pincer/mcp/input");
