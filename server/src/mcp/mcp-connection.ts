// One MCP server, through the official SDK: stdio (a child process with only the SDK's safe
// environment plus the entry's env; stderr to the log, rate-limited; a stdout line over 10 MiB ends
// it) or Streamable HTTP (an egress permit for exactly its host:port while connected). Every request
// has a timeout and the caller's signal; a server that hangs, crashes or floods costs one failed call.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { grantEgressTo, type EgressPermit } from "../platform/egress-guard";
import type { Logger } from "../platform/log";
import type { McpEntry } from "./mcp-config";

/** A tool as the server lists it (untrusted: names, descriptions and schemas are the server's). */
export interface McpRemoteTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  readOnlyHint: boolean;
}

export interface McpCallResult {
  isError: boolean;
  /** The result's text content (other content kinds are named, not inlined). */
  text: string;
}

/** A resource as the server lists it (untrusted: names and descriptions are the server's). */
export interface McpRemoteResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

export interface McpTimeouts {
  /** Start + initialize + tools/list. */
  startMs: number;
  /** One tools/call. */
  callMs: number;
}

export const DEFAULT_MCP_TIMEOUTS: McpTimeouts = { startMs: 30_000, callMs: 60_000 };
/** Tools beyond this many are not listed (a server cannot grow the grammar without end). */
export const MAX_TOOLS_PER_SERVER = 128;
/** Resources beyond this many are not listed (a server cannot flood the picker). */
export const MAX_RESOURCES_PER_SERVER = 256;
/** stderr lines logged per server per minute; the rest are counted. */
const STDERR_LINES_PER_MINUTE = 100;

export class McpConnection {
  private client: Client | undefined;
  private permit: EgressPermit | undefined;
  private closedListeners: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly entry: McpEntry,
    private readonly log: Logger,
    private readonly timeouts: McpTimeouts = DEFAULT_MCP_TIMEOUTS,
  ) {}

  /** Starts the server and lists its tools. */
  async start(signal: AbortSignal): Promise<McpRemoteTool[]> {
    signal.throwIfAborted();
    const client = new Client({ name: "pincer", version: "1" }, { capabilities: {} });
    const transport = this.transport();
    client.onclose = () => {
      if (this.client === client) this.client = undefined;
      this.permit?.release();
      this.permit = undefined;
      for (const listener of this.closedListeners.splice(0)) listener();
    };
    client.onerror = (error) => this.log("debug", `MCP ${this.name}: ${error.message.slice(0, 300)}`);
    this.client = client;
    try {
      await client.connect(transport, { signal, timeout: this.timeouts.startMs });
      return await this.listTools(client, signal);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  get running(): boolean {
    return this.client !== undefined;
  }

  /** Called once when the connection ends (the server exited, the HTTP session closed, close()). */
  onClosed(listener: () => void): void {
    this.closedListeners.push(listener);
  }

  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    const client = this.client;
    if (!client) throw new Error(`the MCP server ${this.name} is not running`);
    const result = await client.callTool({ name, arguments: args }, undefined, { signal, timeout: this.timeouts.callMs });
    const content = Array.isArray(result.content) ? (result.content as { type?: unknown; text?: unknown; uri?: unknown; mimeType?: unknown }[]) : [];
    const parts = content.map((part) => {
      if (part.type === "text" && typeof part.text === "string") return part.text;
      if (part.type === "resource_link" && typeof part.uri === "string") return `[resource ${part.uri}]`;
      return `[${String(part.type)} content${typeof part.mimeType === "string" ? ` (${part.mimeType})` : ""} not shown]`;
    });
    if (parts.length === 0 && result.structuredContent !== undefined) parts.push(JSON.stringify(result.structuredContent));
    return { isError: result.isError === true, text: parts.join("\n") };
  }

  /** The server's resources (none when it does not offer resources), at most MAX_RESOURCES_PER_SERVER. */
  async listResources(signal: AbortSignal): Promise<McpRemoteResource[]> {
    const client = this.client;
    if (!client) throw new Error(`the MCP server ${this.name} is not running`);
    if (!client.getServerCapabilities()?.resources) return [];
    const resources: McpRemoteResource[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listResources(cursor !== undefined ? { cursor } : {}, { signal, timeout: this.timeouts.callMs });
      for (const resource of page.resources) {
        if (resources.length >= MAX_RESOURCES_PER_SERVER) break;
        resources.push({
          uri: resource.uri,
          name: resource.title ?? resource.name,
          ...(resource.description !== undefined ? { description: resource.description } : {}),
          ...(resource.mimeType !== undefined ? { mimeType: resource.mimeType } : {}),
        });
      }
      cursor = resources.length < MAX_RESOURCES_PER_SERVER ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    return resources;
  }

  /** One resource's text contents (binary contents are named, not inlined). */
  async readResource(uri: string, signal: AbortSignal): Promise<string> {
    const client = this.client;
    if (!client) throw new Error(`the MCP server ${this.name} is not running`);
    const result = await client.readResource({ uri }, { signal, timeout: this.timeouts.callMs });
    const contents = Array.isArray(result.contents) ? (result.contents as { uri?: unknown; text?: unknown; mimeType?: unknown }[]) : [];
    return contents
      .map((part) => (typeof part.text === "string" ? part.text : `[binary content${typeof part.mimeType === "string" ? ` (${part.mimeType})` : ""} not shown]`))
      .join("\n");
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
    this.permit?.release();
    this.permit = undefined;
  }

  private async listTools(client: Client, signal: AbortSignal): Promise<McpRemoteTool[]> {
    const tools: McpRemoteTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor !== undefined ? { cursor } : {}, { signal, timeout: this.timeouts.startMs });
      for (const tool of page.tools) {
        if (tools.length >= MAX_TOOLS_PER_SERVER) break;
        tools.push({
          name: tool.name,
          description: tool.description ?? tool.title ?? "",
          inputSchema: (tool.inputSchema ?? { type: "object" }) as Record<string, unknown>,
          readOnlyHint: tool.annotations?.readOnlyHint === true,
        });
      }
      cursor = tools.length < MAX_TOOLS_PER_SERVER ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    if (tools.length >= MAX_TOOLS_PER_SERVER) this.log("warn", `MCP ${this.name}: only its first ${MAX_TOOLS_PER_SERVER} tools are used.`);
    return tools;
  }

  private transport(): StdioClientTransport | StreamableHTTPClientTransport {
    const entry = this.entry;
    if (entry.transport === "http") {
      const url = new URL(entry.url);
      const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
      this.permit = grantEgressTo(url.hostname, port, `MCP server ${this.name}`);
      // Redirects are refused: the permit names this host and port only.
      return new StreamableHTTPClientTransport(url, { requestInit: { headers: entry.headers, redirect: "error" } });
    }
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: entry.env, stderr: "pipe", ...(entry.cwd !== undefined ? { cwd: entry.cwd } : {}) });
    this.pipeStderr(transport);
    return transport;
  }

  private pipeStderr(transport: StdioClientTransport): void {
    let windowStart = Date.now();
    let logged = 0;
    let dropped = 0;
    let partial = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString("utf8")).split("\n");
      partial = (lines.pop() ?? "").slice(-1000);
      for (const line of lines) {
        if (Date.now() - windowStart > 60_000) {
          if (dropped > 0) this.log("info", `MCP ${this.name} [stderr]: ${dropped} lines not logged`);
          windowStart = Date.now();
          logged = 0;
          dropped = 0;
        }
        if (logged < STDERR_LINES_PER_MINUTE) {
          logged++;
          this.log("info", `MCP ${this.name} [stderr]: ${line.slice(0, 500)}`);
        } else dropped++;
      }
    });
  }
}
