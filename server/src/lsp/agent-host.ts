// What the agent gets inside VS Code: the tools (plus OCR), the permission gate with the settings'
// profile and overrides under Workspace Trust (untrusted ⇒ read-only), edits through
// workspace/applyEdit, commands in the OS sandbox whose live output feeds a client Pseudoterminal, approvals and
// questions as requests to the client, and checkpoints in the extension's storage (never inside
// the workspace).
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { CancellationTokenSource, type Connection } from "vscode-languageserver";
import { ShadowCheckpoints } from "../agent/checkpoints";
import { ProcessCommandRunner } from "../agent/command-runner";
import type { CommandSandbox } from "../agent/sandbox/command-sandbox";
import { loadCommandRules } from "../agent/command-rules-file";
import { createPermissionGate, jsonApprovalStore, type PermissionProfile } from "../agent/permissions";
import { EngineAgentModel, ScriptedModel, type AgentModel } from "../agent/planner/index";
import type { Approver, CheckpointStore, CommandRun, CommandRunner, CommandRunOptions, PermissionGate, ToolContext, ToolDefinition } from "../agent/tool-types";
import { createTools } from "../agent/tools/index";
import { createOcrDocumentTool } from "../ocr/ocr-tool";
import { WorkspaceRoots } from "../platform/workspace-paths";
import {
  AgentApproveRequest,
  AgentAskUserRequest,
  AgentTerminalNotification,
  type AgentApproveParams,
  type AgentApproveResult,
  type AgentAskUserParams,
  type AgentAskUserResult,
  type AgentTerminalParams,
} from "../protocol";
import { ApplyEditWriter } from "./apply-edit-writer";
import type { ServerContext } from "./context";

/** Test seam: a JSON array of answers replayed by ScriptedModel instead of the engine (see docs-fragments/agent-ui.md). */
export const AGENT_SCRIPT_ENV = "PINCER_AGENT_SCRIPT";

export interface LspAgentHost {
  roots: WorkspaceRoots;
  tools: ToolDefinition[];
  gate: PermissionGate;
  checkpoints: CheckpointStore;
  context: Omit<ToolContext, "signal">;
  approver: Approver;
  /** Tells the command runner which step a run_command belongs to (for the UI's terminal link). */
  setStep(step: number): void;
}

export interface HostOptions {
  /** The client's id of the run. */
  id: string;
  runId: string;
  profile: PermissionProfile;
  storageDir: string;
  ripgrepPath?: string;
}

export async function workspaceRootsOf(context: ServerContext): Promise<WorkspaceRoots> {
  const roots = await WorkspaceRoots.create([...context.workspaceFolders()]);
  if (roots.roots.length === 0) throw new Error("The agent needs an open workspace folder.");
  return roots;
}

export function lspCheckpoints(connection: Connection, context: ServerContext, roots: WorkspaceRoots, storageDir: string): CheckpointStore {
  return new ShadowCheckpoints({ storageDir, roots, files: new ApplyEditWriter(connection, (message) => context.log("warn", message), (uri) => context.openDocumentText(uri)) });
}

export async function createLspAgentHost(connection: Connection, context: ServerContext, options: HostOptions): Promise<LspAgentHost> {
  const roots = await workspaceRootsOf(context);
  const trusted = context.trusted();
  const settings = context.settings().agent;
  const sandbox = await context.commandSandbox();
  const gate = createPermissionGate({
    // Restricted Mode: read-only whatever the settings say (the gate enforces it again with trusted: false).
    profile: trusted ? options.profile : "read-only",
    toolOverrides: settings.toolPermissions,
    rules: await loadCommandRules(roots.roots[0]!.path),
    trusted,
    headless: false,
    roots,
    rememberStore: jsonApprovalStore(options.storageDir),
    sandbox: sandbox.info,
  });
  let step = 0;
  const files = new ApplyEditWriter(connection, (message) => context.log("warn", message), (uri) => context.openDocumentText(uri));
  const ripgrepPath = options.ripgrepPath && (await fs.stat(options.ripgrepPath).then((s) => s.isFile(), () => false)) ? options.ripgrepPath : undefined;
  return {
    roots,
    tools: [...createTools({ codebase: context.codebase }), createOcrDocumentTool()],
    gate,
    checkpoints: lspCheckpoints(connection, context, roots, options.storageDir),
    approver: {
      request: async (request, signal) => {
        const params: AgentApproveParams = { id: options.id, runId: options.runId, step, request };
        const result = await clientRequest<AgentApproveResult>(connection, AgentApproveRequest, params, signal);
        const answer = result?.answer;
        return answer === "approve" || answer === "always" ? answer : "deny";
      },
    },
    context: {
      roots,
      files,
      commands: new TerminalCommandRunner(connection, options.id, () => step, sandbox, roots),
      askUser: async (question, signal) => {
        const result = await clientRequest<AgentAskUserResult>(connection, AgentAskUserRequest, { id: options.id, question } satisfies AgentAskUserParams, signal);
        return typeof result?.answer === "string" ? result.answer : undefined;
      },
      ...(ripgrepPath ? { ripgrepPath } : {}),
    },
    setStep: (next) => (step = next),
  };
}

/** The engine's "agent" sequence, or the scripted answers when the test seam is set. */
export async function agentModel(context: ServerContext): Promise<AgentModel> {
  const script = process.env[AGENT_SCRIPT_ENV];
  if (script) {
    context.log("warn", `Agent: ${AGENT_SCRIPT_ENV} is set; answers come from ${script}, not from the model (test seam).`);
    const answers: unknown = JSON.parse(await fs.readFile(path.resolve(script), "utf8"));
    if (!Array.isArray(answers)) throw new Error(`${AGENT_SCRIPT_ENV} must name a JSON array of answers.`);
    return new ScriptedModel(answers);
  }
  const engine = await context.host.requireEngine();
  return new EngineAgentModel(engine.sequence("agent"));
}

/** Runs commands with ProcessCommandRunner and mirrors their output to a client terminal. */
class TerminalCommandRunner implements CommandRunner {
  private readonly runner: ProcessCommandRunner;

  constructor(
    private readonly connection: Connection,
    private readonly id: string,
    private readonly step: () => number,
    sandbox: CommandSandbox,
    roots: WorkspaceRoots,
  ) {
    this.runner = new ProcessCommandRunner({ sandbox, roots: roots.roots.map((root) => root.path) });
  }

  async run(commandLine: string, options: CommandRunOptions): Promise<CommandRun> {
    const terminalId = randomUUID();
    const send = (params: AgentTerminalParams) => void this.connection.sendNotification(AgentTerminalNotification, params);
    const flat = commandLine.replace(/\s+/g, " ");
    send({ id: this.id, terminalId, kind: "start", step: this.step(), name: `Pincer: ${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}`, command: commandLine, cwd: options.cwd });
    try {
      const run = await this.runner.run(commandLine, {
        ...options,
        onOutput: (text) => {
          options.onOutput?.(text);
          send({ id: this.id, terminalId, kind: "output", text });
        },
      });
      send({ id: this.id, terminalId, kind: "exit", exitCode: run.exitCode, timedOut: run.timedOut, ...(run.killedBy ? { killedBy: run.killedBy } : {}) });
      return run;
    } catch (error) {
      send({ id: this.id, terminalId, kind: "exit", exitCode: null, timedOut: false });
      throw error;
    }
  }
}

/** A server → client request that is cancelled ($/cancelRequest) when the run's signal aborts. */
async function clientRequest<R>(connection: Connection, method: string, params: object, signal: AbortSignal): Promise<R | undefined> {
  signal.throwIfAborted();
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await connection.sendRequest<R>(method, params, source.token);
  } finally {
    signal.removeEventListener("abort", onAbort);
    source.dispose();
  }
}
