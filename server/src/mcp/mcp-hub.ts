// The MCP servers of one Pincer process, for the agent, the quick pick and `pincer mcp list`. Servers
// start on demand (the first run or list that needs them), restart with backoff after a crash or a
// failed start, and stop with close(). A workspace entry (.vscode/mcp.json) starts only in a trusted
// workspace and only after the person approved exactly this entry; the user's own entries need no
// approval. Rules (allow/ask/deny/off) come from user settings only.
import { createHash } from "node:crypto";
import { isAbortError } from "../platform/errors";
import type { Logger } from "../platform/log";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { McpApproveServerParams, McpResourceInfo, McpServerInfo, McpServerState, McpToolInfo } from "../protocol/mcp";
import type { McpSettings } from "../protocol/settings";
import type { McpApprovalStore } from "./mcp-approvals";
import { entryTarget, parseMcpDocument, pinnedEntry, readWorkspaceMcpJson, type McpEntry, type McpServerConfig } from "./mcp-config";
import { DEFAULT_MCP_TIMEOUTS, McpConnection, type McpRemoteTool, type McpTimeouts } from "./mcp-connection";
import { resolveInputs, type McpInputSource } from "./mcp-secrets";
import { agentToolName, capUntrusted, MCP_DESCRIPTION_CHARS, wrapResource } from "./mcp-text";

/** Where the hub is asked from: the settings, the folders, trust, and who answers approvals and inputs. */
export interface McpScope {
  settings: McpSettings;
  /** Entries from a file the person named (`pincer run --mcp-config`): user entries. */
  extra?: readonly McpServerConfig[];
  folders: readonly string[];
  roots?: WorkspaceRoots;
  /** Workspace Trust: in Restricted Mode workspace servers are off. */
  trusted: boolean;
  /** Asks the person whether a workspace server may start; absent (a terminal): it never does. */
  approve?: (params: McpApproveServerParams, signal: AbortSignal) => Promise<boolean>;
  input: McpInputSource;
}

/** One usable MCP tool of a running server. */
export interface McpTool {
  server: string;
  remote: McpRemoteTool;
  agentName: string;
  /** The rule for it from `pincer.mcp.tools` ("server/tool", else "server"); undefined: the default (ask). */
  rule: "allow" | "ask" | "deny" | undefined;
  /** The person lets this server's readOnlyHint lower ask to allow. */
  trustReadOnlyHint: boolean;
  call(args: Record<string, unknown>, signal: AbortSignal): ReturnType<McpConnection["callTool"]>;
}

interface Running {
  fingerprint: string;
  connection: McpConnection;
  tools: McpRemoteTool[];
}

interface Failure {
  count: number;
  retryAt: number;
  detail: string;
}

export class McpHub {
  private readonly running = new Map<string, Running>();
  private readonly starting = new Map<string, Promise<Running>>();
  private readonly failures = new Map<string, Failure>();

  constructor(
    private readonly options: { log: Logger; approvals?: McpApprovalStore; timeouts?: McpTimeouts; now?: () => number },
  ) {}

  /** Every configured server: user settings, the named file, then each folder's .vscode/mcp.json. */
  async configs(scope: McpScope, signal: AbortSignal): Promise<McpServerConfig[]> {
    const user = [...parseMcpDocument({ servers: scope.settings.servers }, "user"), ...(scope.extra ?? [])];
    const workspace = (await Promise.all(scope.folders.map((folder) => readWorkspaceMcpJson(folder, signal)))).flat();
    return [...user, ...workspace];
  }

  /** The servers with their state; `start` starts those allowed to (asking approvals when it can). */
  async list(scope: McpScope, start: boolean, signal: AbortSignal): Promise<McpServerInfo[]> {
    const infos: McpServerInfo[] = [];
    for (const config of await this.configs(scope, signal)) {
      const transport = "problem" in config.entry ? "stdio" : config.entry.transport;
      const base = { name: config.name, source: config.source, transport, target: "problem" in config.entry ? "" : entryTarget(config.entry) } as const;
      const outcome = await this.ensure(config, scope, start, signal);
      const tools: McpToolInfo[] = (outcome.tools ?? []).map((tool) => ({
        name: tool.name,
        agentName: agentToolName(config.name, tool.name),
        description: capUntrusted(tool.description, MCP_DESCRIPTION_CHARS),
        readOnlyHint: tool.readOnlyHint,
        enabled: ruleFor(scope.settings, config.name, tool.name) !== "off",
      }));
      infos.push({ ...base, state: outcome.state, ...(outcome.detail ? { detail: outcome.detail } : {}), tools });
    }
    return infos;
  }

  /** The enabled tools of every server that may run, starting them (and asking approvals) as needed. */
  async tools(scope: McpScope, signal: AbortSignal): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    const taken = new Set<string>();
    for (const config of await this.configs(scope, signal)) {
      const outcome = await this.ensure(config, scope, true, signal);
      if (outcome.state !== "running" || !outcome.connection) {
        if (outcome.detail && outcome.state !== "disabled") this.options.log("info", `MCP ${config.name}: ${outcome.state}: ${outcome.detail}`);
        continue;
      }
      const connection = outcome.connection;
      for (const remote of outcome.tools ?? []) {
        const rule = ruleFor(scope.settings, config.name, remote.name);
        if (rule === "off") continue;
        let agentName = agentToolName(config.name, remote.name);
        // Two servers (or two tools) that flatten to one name: later ones get a number, never a shared name.
        for (let n = 2; taken.has(agentName); n++) agentName = `${agentToolName(config.name, remote.name).slice(0, 60)}_${n}`;
        taken.add(agentName);
        tools.push({
          server: config.name,
          remote,
          agentName,
          rule,
          trustReadOnlyHint: scope.settings.readOnlyHint[config.name] === "trust",
          call: (args, callSignal) => connection.callTool(remote.name, args, callSignal),
        });
      }
    }
    return tools;
  }

  /**
   * The resources of every enabled server that may run. User servers and approved workspace servers
   * start if needed; nobody is asked: an unapproved workspace server is skipped, never started.
   */
  async resources(scope: McpScope, signal: AbortSignal): Promise<McpResourceInfo[]> {
    const infos: McpResourceInfo[] = [];
    for (const config of await this.configs(scope, signal)) {
      const outcome = await this.ensure(config, scope, true, signal, false);
      if (outcome.state !== "running" || !outcome.connection) continue;
      try {
        for (const resource of await outcome.connection.listResources(signal)) {
          infos.push({
            server: config.name,
            source: config.source,
            uri: resource.uri,
            name: capUntrusted(resource.name, MCP_DESCRIPTION_CHARS),
            ...(resource.description ? { description: capUntrusted(resource.description, MCP_DESCRIPTION_CHARS) } : {}),
            ...(resource.mimeType ? { mimeType: capUntrusted(resource.mimeType, 100) } : {}),
          });
        }
      } catch (error) {
        if (isAbortError(error) || signal.aborted) throw error;
        this.options.log("warn", `MCP ${config.name}: resources/list failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
      }
    }
    return infos;
  }

  /**
   * One resource as the model reads it: marked as the server's untrusted data and capped like a tool
   * result. The server must be one that may run now (same rules as resources(); nobody is asked).
   */
  async readResource(scope: McpScope, server: string, uri: string, signal: AbortSignal): Promise<{ text: string; truncated: boolean }> {
    const configs = (await this.configs(scope, signal)).filter((config) => config.name === server);
    if (configs.length === 0) throw new Error(`no MCP server named "${server}" is configured`);
    let why = "";
    for (const config of configs) {
      const outcome = await this.ensure(config, scope, true, signal, false);
      if (outcome.state === "running" && outcome.connection) return wrapResource(server, uri, await outcome.connection.readResource(uri, signal));
      why = `${outcome.state}${outcome.detail ? `: ${outcome.detail}` : ""}`;
    }
    throw new Error(`the MCP server "${server}" cannot be read (${why})`);
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((item) => item.connection.close()));
  }

  private async ensure(
    config: McpServerConfig,
    scope: McpScope,
    start: boolean,
    signal: AbortSignal,
    /** May a workspace server's approval be asked for now (false: only an approved one starts). */
    ask = start,
  ): Promise<{ state: McpServerState; detail?: string; tools?: McpRemoteTool[]; connection?: McpConnection }> {
    if ("problem" in config.entry) return { state: "invalid", detail: config.entry.problem };
    const entry = config.entry;
    if (ruleFor(scope.settings, config.name, undefined) === "off") return { state: "disabled", detail: `"${config.name}": "off" in pincer.mcp.tools` };
    if (config.source === "workspace") {
      if (!scope.trusted) return { state: "blocked", detail: "Restricted Mode: workspace MCP servers are off" };
      const verdict = await this.workspaceApproval(config, entry, scope, ask, signal);
      if (verdict) return verdict;
    }
    const key = `${config.source}:${config.folder ?? ""}:${config.name}`;
    const fingerprint = createHash("sha256").update(JSON.stringify(entry)).digest("hex");
    const current = this.running.get(key);
    if (current && current.fingerprint === fingerprint && current.connection.running) return { state: "running", tools: current.tools, connection: current.connection };
    if (current) {
      this.running.delete(key);
      await current.connection.close();
    }
    if (!start) return { state: "stopped" };
    const failure = this.failures.get(key);
    const now = this.options.now?.() ?? Date.now();
    if (failure && now < failure.retryAt) return { state: "failed", detail: `${failure.detail} (next try in ${Math.ceil((failure.retryAt - now) / 1000)} s)` };
    try {
      const started = await this.startOnce(key, config, entry, fingerprint, scope, signal);
      this.failures.delete(key);
      return { state: "running", tools: started.tools, connection: started.connection };
    } catch (error) {
      if (isAbortError(error) || signal.aborted) throw error;
      const count = (failure?.count ?? 0) + 1;
      const detail = error instanceof Error ? error.message.slice(0, 300) : String(error);
      // 1 s, 2 s, 4 s … up to a minute between tries: a broken server cannot slow every run down.
      this.failures.set(key, { count, retryAt: (this.options.now?.() ?? Date.now()) + Math.min(60_000, 1000 * 2 ** (count - 1)), detail });
      this.options.log("warn", `MCP ${config.name} did not start: ${detail}`);
      return { state: "failed", detail };
    }
  }

  private startOnce(key: string, config: McpServerConfig, entry: McpEntry, fingerprint: string, scope: McpScope, signal: AbortSignal): Promise<Running> {
    const pending = this.starting.get(key);
    if (pending) return pending;
    const promise = (async () => {
      const resolved = await resolveInputs(entry, config.inputs, scope.input, signal);
      const connection = new McpConnection(config.name, resolved, this.options.log, this.options.timeouts ?? DEFAULT_MCP_TIMEOUTS);
      const tools = await connection.start(signal);
      const running: Running = { fingerprint, connection, tools };
      this.running.set(key, running);
      connection.onClosed(() => {
        if (this.running.get(key) !== running) return;
        this.running.delete(key);
        // An exit we did not ask for counts as a failure: the next start waits its backoff.
        const failure = this.failures.get(key);
        const count = (failure?.count ?? 0) + 1;
        this.failures.set(key, { count, retryAt: (this.options.now?.() ?? Date.now()) + Math.min(60_000, 1000 * 2 ** (count - 1)), detail: "the server exited" });
        this.options.log("warn", `MCP ${config.name}: the server exited; it restarts when next needed.`);
      });
      return running;
    })();
    this.starting.set(key, promise);
    return promise.finally(() => this.starting.delete(key));
  }

  /** undefined: approved (may start); otherwise the state to report. */
  private async workspaceApproval(
    config: McpServerConfig,
    entry: McpEntry,
    scope: McpScope,
    ask: boolean,
    signal: AbortSignal,
  ): Promise<{ state: McpServerState; detail?: string } | undefined> {
    const folder = config.folder ?? "";
    const store = this.options.approvals;
    const pinned = pinnedEntry(config.name, entry);
    if (!store) return { state: "needs-approval", detail: "workspace servers start only after approval in VS Code" };
    const state = await store.state(folder, pinned, scope.roots);
    if (state.approved) return undefined;
    const changed = state.changed;
    const detail = changed ? `changed since it was approved (${changed.join(", ")}): asks again` : "not approved yet";
    if (!ask || !scope.approve) return { state: "needs-approval", detail };
    const approved = await scope.approve({ folder, entry: pinned, ...(changed ? { changed } : {}) }, signal);
    if (!approved) return { state: "needs-approval", detail: "refused" };
    await store.approve(folder, pinned, scope.roots);
    return undefined;
  }
}

/** The rule for a tool ("server/tool" wins over "server"), or for the server when `tool` is undefined. */
export function ruleFor(settings: McpSettings, server: string, tool: string | undefined): McpSettings["tools"][string] | undefined {
  return (tool !== undefined ? settings.tools[`${server}/${tool}`] : undefined) ?? settings.tools[server];
}
