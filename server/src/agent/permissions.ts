// The permission gate: role profile × tool effect, per-tool overrides, command rules, workspace
// confinement and protected paths decide every tool call before it runs. Code decides; the model's
// arguments are only input. The gate never returns a decision looser than any of its checks:
//  - untrusted workspace (VS Code restricted mode): reads only;
//  - a path outside the workspace (after realpath): deny, whatever the profile or override says;
//  - a write to .git/, .vscode/, *.code-workspace or .pincer/: at least ask, even when "allowed" (also through a
//    symlink, and where such a folder's symlink points); a write to a name git refuses (.GIT, git~1): deny;
//  - a write that would make a folder a git directory (HEAD, or objects/refs/config next to one): ask;
//  - commands: the command rules' decision (deny rules, unparseable ⇒ ask) bounds the profile's;
//  - a script runner (npm test, make, pytest, …) asks again after the agent changed the files it runs
//    (script-runners.ts), even when allowed or remembered "always";
//  - a command that asks for network access: at least ask when a sandbox would otherwise cut it
//    off (never lifted by an override or "always"); with `sandbox: "required"` and no sandbox, deny;
//  - headless (nobody to ask): ask becomes deny.
// "Always allow" answers are kept in a store outside every workspace folder, so no tool can write them; a store
// that resolves inside any folder (multi-root workspaces) is neither read nor written.
import { createHash } from "node:crypto";
import path from "node:path";
import type { AgentProfile } from "../protocol/settings";
import { JsonMapFile } from "../store/json-store";
import { gitDirectoryWrite } from "../git/git-dir-names";
import { invisibleNote, revealInvisible } from "../platform/invisible-unicode";
import { protectedKind, type WorkspaceRoots } from "../platform/workspace-paths";
import { type CommandRules, decide, type RulesValidation } from "./command-policy";
import { scriptRunnerReasons } from "./script-runners";
import type { SimpleCommand } from "./shell-parse";
import { agentToolName } from "../mcp/mcp-text";
import type { ApprovalRequest, CommandSandboxInfo, McpToolMeta, PermissionCheck, PermissionDecision, PermissionGate, RunRecord, ToolDefinition, ToolEffect } from "./tool-types";

export type PermissionProfile = AgentProfile;

/** What each profile does with each effect before the other checks tighten it. */
export const PROFILE_TABLE: Readonly<Record<PermissionProfile, Readonly<Record<ToolEffect, PermissionDecision>>>> = {
  "read-only": { read: "allow", "ask-user": "allow", edit: "deny", command: "deny", mcp: "deny" },
  // An MCP tool can do anything its server can: it asks unless the person's MCP rules say otherwise.
  edit: { read: "allow", "ask-user": "allow", edit: "allow", command: "ask", mcp: "ask" },
  full: { read: "allow", "ask-user": "allow", edit: "allow", command: "allow", mcp: "ask" },
};

/** Commands the person answered "always" for, per workspace; must live outside every workspace folder. */
export interface ApprovalStore {
  /** Where it is kept (checked against every workspace folder, on read and on write, so the agent cannot edit it). */
  readonly location: string;
  commands(workspaceKey: string): Promise<string[]>;
  add(workspaceKey: string, command: string): Promise<void>;
}

export interface PermissionGateOptions {
  profile: PermissionProfile;
  /** Per-tool overrides from settings; they replace the profile's decision for that tool, never the hard checks. */
  toolOverrides?: Readonly<Record<string, PermissionDecision>>;
  rules: CommandRules | RulesValidation;
  /** Workspace Trust; false means read-only whatever the profile. */
  trusted: boolean;
  /** Nobody can be asked: ask becomes deny. */
  headless: boolean;
  roots: WorkspaceRoots;
  rememberStore?: ApprovalStore;
  /** Where commands would run (shown on their approval cards); absent: not said. */
  sandbox?: CommandSandboxInfo;
}

const ORDER: Record<PermissionDecision, number> = { allow: 0, ask: 1, deny: 2 };
const stricter = (a: PermissionDecision, b: PermissionDecision): PermissionDecision => (ORDER[a] >= ORDER[b] ? a : b);

export function createPermissionGate(options: PermissionGateOptions): PermissionGate {
  const workspaceKey = workspaceKeyFor(options.roots);

  async function check(tool: ToolDefinition, args: Record<string, unknown>, signal: AbortSignal, run?: RunRecord): Promise<PermissionCheck> {
    signal.throwIfAborted();
    const reasons: string[] = [];
    let targets: { paths: string[]; command?: string; network?: boolean };
    try {
      targets = tool.targets(args);
    } catch (error) {
      targets = { paths: [] };
      reasons.push(`invalid arguments: ${error instanceof Error ? error.message : String(error)}`);
    }
    const request: ApprovalRequest = {
      tool: tool.name,
      summary: summarize(tool, targets),
      ...(targets.command !== undefined ? { command: targets.command } : {}),
      // What the person reads on the card must be what runs (Trojan Source): escapes instead of invisible characters.
      ...(targets.command !== undefined && revealInvisible(targets.command) !== targets.command ? { commandShown: revealInvisible(targets.command) } : {}),
      ...(targets.paths.length > 0 ? { paths: targets.paths } : {}),
      reasons,
      ...(tool.effect === "command" && options.sandbox ? { sandbox: options.sandbox } : {}),
      ...(tool.effect === "command" && targets.network === true ? { network: true } : {}),
      ...(tool.mcp ? { mcp: { server: tool.mcp.server, tool: tool.mcp.tool, arguments: argumentsShown(args) } } : {}),
    };
    const done = (decision: PermissionDecision): PermissionCheck => {
      if (decision === "ask" && options.headless) {
        reasons.push("headless: nobody to ask");
        decision = "deny";
      }
      return { decision, reasons, request };
    };
    if (reasons.length > 0) return done("deny");

    if (tool.mcp) return done(mcpDecision(tool.mcp, options, reasons));

    const override = options.toolOverrides?.[tool.name];
    const profileDecision = PROFILE_TABLE[options.profile]?.[tool.effect] ?? "deny";
    let decision: PermissionDecision = override ?? profileDecision;
    if (override) reasons.push(`setting: ${tool.name} is "${override}"`);
    else if (decision !== "allow") reasons.push(`profile "${options.profile}": ${tool.effect} is "${decision}"`);

    const mutating = tool.effect === "edit" || tool.effect === "command";
    if (mutating && !options.trusted) {
      reasons.push("the workspace is not trusted (restricted mode): the agent may only read");
      return done("deny");
    }
    // git runs programs the repository's own config names (clean filters, fsmonitor), even to read.
    if (tool.runsRepositoryConfig && !options.trusted) {
      reasons.push("the workspace is not trusted (restricted mode): git would run programs named in the repository's config");
      return done("deny");
    }

    for (const requested of targets.paths) {
      // Confinement is checked for reads too, and for paths that do not exist yet.
      const resolved = await options.roots.resolveInside(requested, { forWrite: true });
      if (!resolved.ok) {
        reasons.push(`${JSON.stringify(requested)}: ${resolved.reason}`);
        return done("deny");
      }
      if (tool.effect === "edit" && resolved.refusedName) {
        reasons.push(`${JSON.stringify(requested)}: ${resolved.refusedName}; Pincer never writes there`);
        return done("deny");
      }
      if (tool.effect === "edit" && resolved.protectedKind) {
        const via = resolved.protectedVia && resolved.protectedVia !== displayed(resolved.relative) ? ` by way of ${resolved.protectedVia}` : "";
        reasons.push(`${JSON.stringify(requested)} is protected configuration (${resolved.protectedKind})${via}: writes always ask`);
        decision = stricter(decision, "ask");
      }
      // HEAD/objects/refs/config as plain files would make a git directory (git/git-dir-names.ts).
      const gitDir = tool.effect === "edit" ? await gitDirectoryWrite(resolved.root.path, resolved.relative, { caseInsensitive: resolved.root.caseInsensitive }) : undefined;
      if (gitDir) {
        reasons.push(`${JSON.stringify(requested)}: ${gitDir}: writes always ask`);
        decision = stricter(decision, "ask");
      }
    }

    if (tool.effect === "command") {
      const sandbox = options.sandbox;
      if (sandbox?.kind === "none" && sandbox.required) {
        reasons.push(`commands must run in a sandbox (pincer.agent.sandbox is "required"), and there is none: ${sandbox.reason ?? "unavailable"}`);
        return done("deny");
      }
      const commandLine = targets.command ?? "";
      const verdict = await decide(commandLine, options.rules, { headless: false });
      if (verdict.decision === "deny") {
        reasons.push(...verdict.reasons);
        return done("deny");
      }
      const remembered = decision !== "deny" && (await rememberedCommands(reasons)).includes(commandLine);
      if (remembered) {
        reasons.push("allowed before with \"always\" in this workspace");
        decision = "allow";
      } else {
        reasons.push(...verdict.reasons);
        decision = stricter(decision, verdict.decision);
      }
      // `cp x .pincer/commands.json` would let an allowed command widen the rules: naming protected
      // configuration anywhere in a command asks, like a write by the edit tools, even after "always".
      const named = protectedWords(verdict.commands);
      if (named.length > 0) {
        reasons.push(`names protected configuration: ${named.join(", ")}`);
        decision = stricter(decision, "ask");
      }
      // After "always" on purpose: npm test is not the command that was allowed once the agent rewrote package.json.
      const runners = scriptRunnerReasons(verdict.commands, run?.changedPaths ?? []);
      if (runners.length > 0) {
        reasons.push(...runners);
        decision = stricter(decision, "ask");
      }
      // Trojan Source on the approval card: what the person reads must be what runs.
      const hidden = invisibleNote(commandLine);
      if (hidden !== undefined) {
        reasons.push(`the command ${hidden}`);
        decision = stricter(decision, "ask");
      }
      // The sandbox cuts commands off the network; only the person can open it, for this call.
      if (targets.network === true && sandbox !== undefined && sandbox.kind !== "none") {
        reasons.push("asks for network access (the sandbox has none otherwise)");
        decision = stricter(decision, "ask");
      }
    }
    return done(decision);
  }

  /** Why the store must not be used: it resolves inside a workspace folder, where a tool could write it. */
  async function storeProblem(store: ApprovalStore): Promise<string | undefined> {
    const root = await options.roots.rootContaining(store.location);
    return root ? `the approval store ${store.location} is inside the workspace folder ${root.folder}` : undefined;
  }

  async function rememberedCommands(reasons: string[]): Promise<string[]> {
    if (!options.rememberStore) return [];
    const problem = await storeProblem(options.rememberStore);
    if (problem) {
      reasons.push(`${problem}: remembered approvals are ignored`);
      return [];
    }
    return options.rememberStore.commands(workspaceKey).catch(() => []);
  }

  async function rememberApproval(request: ApprovalRequest, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const store = options.rememberStore;
    if (!store) throw new Error("approvals cannot be remembered here (no approval store)");
    if (request.command === undefined || request.command.trim() === "") throw new Error("only commands can be allowed always");
    // A store inside any workspace folder would let the agent grant itself commands by editing a file.
    const problem = await storeProblem(store);
    if (problem) throw new Error(`${problem}; refusing to remember approvals there`);
    await store.add(workspaceKey, request.command);
  }

  return { check, rememberApproval };
}

/**
 * An MCP tool: the person's rule (user settings: "server/tool", else "server", else agent.toolPermissions)
 * decides; without one it asks, and readOnlyHint lowers that to allow only for a server the person
 * trusts with it. The read-only profile (and Restricted Mode) refuses MCP tools except trusted read-only ones.
 */
function mcpDecision(meta: McpToolMeta, options: PermissionGateOptions, reasons: string[]): PermissionDecision {
  const trustedReadOnly = meta.readOnlyHint && meta.trustReadOnlyHint;
  const rule = meta.rule ?? options.toolOverrides?.[agentName(meta)];
  if (options.profile === "read-only" && !trustedReadOnly) {
    reasons.push(`profile "read-only"${options.trusted ? "" : " (Restricted Mode)"}: MCP tools are refused unless read-only ones of a server you trust with readOnlyHint`);
    return "deny";
  }
  if (rule !== undefined) {
    reasons.push(`setting: MCP ${meta.server}/${meta.tool} is "${rule}"`);
    return rule;
  }
  if (trustedReadOnly) {
    reasons.push(`${meta.server} marks ${meta.tool} read-only, and pincer.mcp.readOnlyHint trusts ${meta.server}`);
    return "allow";
  }
  reasons.push(`MCP tool ${meta.server}/${meta.tool}: asks by default`);
  return "ask";
}

function agentName(meta: McpToolMeta): string {
  return agentToolName(meta.server, meta.tool);
}

/** The arguments as the card shows them: JSON, invisible characters escaped, capped. */
function argumentsShown(args: Record<string, unknown>): string {
  const text = revealInvisible(JSON.stringify(args, null, 2) ?? "{}");
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}

/** Arguments and redirect targets that name .git/, .vscode/, .pincer/ or a *.code-workspace file (also in `--opt=path`). */
function protectedWords(commands: readonly SimpleCommand[]): string[] {
  const found = new Set<string>();
  for (const command of commands) {
    const words = [...command.argv.slice(1), ...command.redirects.map((r) => r.target), ...command.assignments];
    for (const word of words) {
      for (const piece of word.split("=")) if (protectedKind(piece, { caseInsensitive: true })) found.add(word);
    }
  }
  return [...found];
}

/** One key per set of workspace folders (their real paths). */
export function workspaceKeyFor(roots: WorkspaceRoots): string {
  const joined = roots.roots.map((root) => root.path).sort().join("\n");
  return createHash("sha256").update(joined).digest("hex").slice(0, 24);
}

/** Approvals in `<storageDir>/agent-approvals.json`, keyed by workspace. */
export function jsonApprovalStore(storageDir: string): ApprovalStore {
  const location = path.join(storageDir, "agent-approvals.json");
  const file = new JsonMapFile<string[]>(location);
  return {
    location,
    async commands(workspaceKey) {
      const list = await file.get(workspaceKey);
      return Array.isArray(list) ? list.filter((item): item is string => typeof item === "string") : [];
    },
    async add(workspaceKey, command) {
      const list = (await file.get(workspaceKey)) ?? [];
      if (!list.includes(command)) await file.set(workspaceKey, [...list, command]);
    },
  };
}

function displayed(relative: string): string {
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

function summarize(tool: ToolDefinition, targets: { paths: string[]; command?: string }): string {
  if (tool.mcp) return `MCP ${oneLine(tool.mcp.server)} → ${oneLine(tool.mcp.tool)}`;
  if (targets.command !== undefined) return `Run \`${oneLine(targets.command)}\``;
  const verb = tool.effect === "edit" ? `${tool.name.replace(/_/g, " ")}` : tool.name;
  return targets.paths.length > 0 ? `${verb}: ${targets.paths.map(oneLine).join(", ")}` : verb;
}

function oneLine(text: string): string {
  const flat = revealInvisible(text).replace(/[\r\n\u2028\u2029]+/g, " ⏎ ");
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
