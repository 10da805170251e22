// The agent for both hosts (VS Code through lsp/agent.ts, the terminal through `pincer run` and
// `pincer undo`): the tools, the permission gate (profile, the settings' overrides, the command rules,
// Workspace Trust), the command runner in the OS sandbox, checkpoints, the model (or the scripted test
// seam), the budgets and undo. A host gives only what differs between them: how files are written,
// how commands are shown, who answers approvals and questions, and where Pincer keeps its state.
import { promises as fs } from "node:fs";
import type { CodebaseService } from "../codebase/codebase-service";
import type { Engine } from "../engine/engine";
import { PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { AgentProfile, AgentSettings } from "../protocol/settings";
import { workspaceStateDir } from "../store/json-store";
import { ShadowCheckpoints } from "./checkpoints";
import { loadCommandRules } from "./command-rules-file";
import { ProcessCommandRunner } from "./command-runner";
import { createPermissionGate, jsonApprovalStore } from "./permissions";
import { AGENT_SCRIPT_ENV, describeWorkspace, EngineAgentModel, runAgent, scriptedModelFromEnv, type AgentEvent, type AgentModel, type Transcript } from "./planner/index";
import type { CommandSandbox } from "./sandbox/command-sandbox";
import type { Approver, CheckpointStore, CommandRunner, FileWriter, PermissionGate, ToolContext, ToolDefinition, UndoReport } from "./tool-types";
import { createTools } from "./tools/index";
import { mcpToolDefinitions } from "./tools/mcp-tools";
import { createOcrDocumentTool } from "./tools/ocr-tool";
import type { McpTool } from "../mcp/mcp-hub";

/** What a host gives the agent. */
export interface AgentHostPorts {
  /** How files change: atomic writes in a terminal, workspace/applyEdit in VS Code. */
  files: FileWriter;
  /** Pincer's storage for checkpoints (and remembered approvals); never inside a workspace folder. */
  storageDir: string;
  /** Who this process is in the workspace lock ("VS Code", "pincer run"), and what to tell while waiting for another. */
  lock: CheckpointLockPorts;
  /** Keep "always allow" answers (VS Code's approval cards offer it; `--approve` has no such answer). */
  rememberApprovals: boolean;
  /** Workspace Trust: an untrusted workspace runs read-only whatever the profile says. */
  trusted: boolean;
  /** The codebase index (its search_code tool); absent or undefined: no such tool. */
  codebase?: () => CodebaseService | undefined;
  /** Wraps the process runner, e.g. to mirror each command's output into a terminal. */
  showCommands?: (runner: CommandRunner) => CommandRunner;
  askUser?: ToolContext["askUser"];
  /** ripgrep from the VS Code installation; used when it is a file. */
  ripgrepPath?: string;
}

export interface AgentSession {
  roots: WorkspaceRoots;
  tools: ToolDefinition[];
  gate: PermissionGate;
  checkpoints: CheckpointStore;
  context: Omit<ToolContext, "signal">;
  sandbox: CommandSandbox;
}

/** The workspace folders the agent works in; at least one. */
export function requireAgentRoots(roots: WorkspaceRoots): WorkspaceRoots {
  if (roots.roots.length === 0) throw new PincerError("The agent needs an open workspace folder.", "not-available");
  return roots;
}

export interface CheckpointLockPorts {
  holderName: string;
  /** Told once per wait, with who holds the workspace. */
  onWait(holder: string): void;
}

/**
 * Checkpoints in Pincer's storage, restored through the host's writer. The workspace lock and the
 * editor's write journal live in Pincer's cache, shared by the VS Code server and every `pincer` run.
 */
export function agentCheckpoints(roots: WorkspaceRoots, storageDir: string, files: FileWriter, lock: CheckpointLockPorts): CheckpointStore {
  return new ShadowCheckpoints({ storageDir, stateDir: workspaceStateDir(), roots, files, holderName: lock.holderName, onWait: lock.onWait });
}

export async function openAgentSession(options: {
  roots: WorkspaceRoots;
  profile: AgentProfile;
  settings: AgentSettings;
  sandbox: CommandSandbox;
  host: AgentHostPorts;
  /** The enabled tools of the MCP servers that may run (mcp/mcp-hub.ts); they pass the same gate. */
  mcpTools?: readonly McpTool[];
}): Promise<AgentSession> {
  const { host, sandbox } = options;
  const roots = requireAgentRoots(options.roots);
  const gate = createPermissionGate({
    // Restricted Mode: read-only whatever the settings say (the gate enforces it again with trusted: false).
    profile: host.trusted ? options.profile : "read-only",
    toolOverrides: options.settings.toolPermissions,
    rules: await loadCommandRules(roots.roots[0]!.path),
    trusted: host.trusted,
    // Asks reach a person or the --approve policy, so a refused one can end the run (exit code 4).
    headless: false,
    roots,
    ...(host.rememberApprovals ? { rememberStore: jsonApprovalStore(host.storageDir) } : {}),
    sandbox: sandbox.info,
  });
  // The folders writable in the sandbox are read per command: live roots follow the editor's folders.
  const runner = new ProcessCommandRunner({
    sandbox,
    get roots() {
      return roots.roots.map((root) => root.path);
    },
  });
  const ripgrepPath = host.ripgrepPath && (await fs.stat(host.ripgrepPath).then((s) => s.isFile(), () => false)) ? host.ripgrepPath : undefined;
  return {
    roots,
    tools: [...createTools(host.codebase ? { codebase: host.codebase } : {}), createOcrDocumentTool(), ...mcpToolDefinitions(options.mcpTools ?? [])],
    gate,
    checkpoints: agentCheckpoints(roots, host.storageDir, host.files, host.lock),
    context: {
      roots,
      files: host.files,
      commands: host.showCommands ? host.showCommands(runner) : runner,
      ...(host.askUser ? { askUser: host.askUser } : {}),
      ...(ripgrepPath ? { ripgrepPath } : {}),
    },
    sandbox,
  };
}

export interface AgentRunOptions {
  request: string;
  model: AgentModel;
  approver: Approver;
  settings: AgentSettings;
  signal: AbortSignal;
  runId?: string;
  /** Overrides `agent.maxSteps` (`pincer run --max-steps`). */
  maxSteps?: number;
  /** A host nobody can answer (`--approve never`) ends the run at the first refused approval. */
  stopOnRefusedApproval?: boolean;
  onEvent?: (event: AgentEvent) => void;
}

/** One run in the session, with the budgets of the settings. */
export async function runAgentSession(session: AgentSession, options: AgentRunOptions): Promise<Transcript> {
  const { settings } = options;
  return runAgent({
    ...(options.runId !== undefined ? { runId: options.runId } : {}),
    request: options.request,
    workspaceContext: await describeWorkspace(session.roots),
    model: options.model,
    tools: session.tools,
    context: session.context,
    gate: session.gate,
    approver: options.approver,
    checkpoints: session.checkpoints,
    budgets: { maxSteps: options.maxSteps ?? settings.maxSteps, maxTokens: settings.maxTokens, maxWallMs: settings.maxWallSeconds * 1000 },
    signal: options.signal,
    ...(options.stopOnRefusedApproval ? { stopOnRefusedApproval: true } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}

/** The engine's "agent" sequence (or the remote engine's model when `remote` is given), or the scripted answers when the test seam is set (then no model loads). */
export async function agentModel(engine: () => Promise<Engine>, log: Logger, remote?: () => Promise<AgentModel>): Promise<AgentModel> {
  const scripted = await scriptedModelFromEnv();
  if (scripted) {
    log("warn", `Agent: ${AGENT_SCRIPT_ENV} is set; answers come from ${scripted.file}, not from the model (test seam).`);
    return scripted.model;
  }
  if (remote) return remote();
  return new EngineAgentModel((await engine()).sequence("agent"));
}

/** The run to undo is not among this workspace's checkpoints. */
export class UnknownRunError extends PincerError {
  override name = "UnknownRunError";
  constructor(
    readonly runId: string | undefined,
    /** Runs that can be undone, newest first. */
    readonly known: readonly string[],
  ) {
    const listed = known.length > 0 ? ` Known runs: ${known.slice(0, 5).join(", ")}.` : "";
    super(`${runId === undefined ? "No agent run to undo in this workspace." : `No checkpoints for run ${runId} in this workspace.`}${listed}`, "invalid-params");
  }
}

/**
 * Puts back what a run (or one of its steps) changed; the newest run when none is named. Files the
 * person changed after the agent are conflicts, reported and left alone.
 */
export async function undoAgentRun(checkpoints: CheckpointStore, runId: string | undefined, step: number | undefined, signal: AbortSignal): Promise<{ runId: string; report: UndoReport }> {
  const runs = await checkpoints.listRuns(signal);
  const chosen = runId ?? runs[0]?.runId;
  if (chosen === undefined || !runs.some((run) => run.runId === chosen)) throw new UnknownRunError(runId, runs.map((run) => run.runId));
  const report = step !== undefined ? await checkpoints.undoStep(chosen, step, signal) : await checkpoints.undoRun(chosen, signal);
  return { runId: chosen, report };
}
