// What the agent gets inside VS Code (agent/agent-session.ts does the rest): edits through
// workspace/applyEdit, commands whose live output feeds a client Pseudoterminal, approvals and
// questions as requests to the client, and checkpoints and "always allow" answers in the
// extension's storage (never inside the workspace).
import { randomUUID } from "node:crypto";
import { CancellationTokenSource, type Connection } from "vscode-languageserver";
import { agentCheckpoints, type AgentHostPorts, type CheckpointLockPorts } from "../agent/agent-session";
import { approvalShown } from "../agent/approval-shown";
import type { Approver, CheckpointStore, CommandRun, CommandRunner, CommandRunOptions } from "../agent/tool-types";
import { messagesFor } from "../platform/messages";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import {
  AgentApproveRequest,
  AgentAskUserRequest,
  AgentTerminalNotification,
  ReportSecretRequest,
  type AgentApproveResult,
  type AgentAskUserResult,
  type AgentTerminalParams,
  type ReportSecretResult,
  type ServerRequest,
} from "../protocol";
import { ApplyEditWriter } from "./apply-edit-writer";
import type { AgentWritesInFlight } from "./editor-writes";
import type { ServerContext } from "./context";

export interface LspRun {
  /** The client's id of the run. */
  id: string;
  runId: string;
  storageDir: string;
  ripgrepPath?: string;
  /** The step the run is on, for the approval card and the terminal's link. */
  step(): number;
  /** Paths the agent is writing through the editor (their save reports are not the person's). */
  inFlight: AgentWritesInFlight;
}

function editorWriter(connection: Connection, context: ServerContext, inFlight: AgentWritesInFlight): ApplyEditWriter {
  return new ApplyEditWriter(connection, (message) => context.log("warn", message), (uri) => context.openDocumentText(uri), inFlight);
}

/** This process in the workspace lock, which `pincer run` and `pincer undo` share. */
function lspLock(context: ServerContext): CheckpointLockPorts {
  return {
    holderName: "VS Code",
    onWait: (holder) => context.log("info", `Agent: another agent run is using this workspace (${holder}); waiting for it to finish its step.`),
  };
}

/** Checkpoints in the extension's storage; the workspace lock and the editor's write journal in Pincer's cache. */
export function lspCheckpoints(connection: Connection, context: ServerContext, roots: WorkspaceRoots, storageDir: string, inFlight: AgentWritesInFlight): CheckpointStore {
  return agentCheckpoints(roots, storageDir, editorWriter(connection, context, inFlight), lspLock(context));
}

export function lspAgentPorts(connection: Connection, context: ServerContext, run: LspRun): AgentHostPorts & { approver: Approver } {
  return {
    files: editorWriter(connection, context, run.inFlight),
    storageDir: run.storageDir,
    lock: lspLock(context),
    rememberApprovals: true,
    trusted: context.trust.trusted,
    codebase: context.codebase,
    showCommands: (runner) => new TerminalCommandRunner(connection, run.id, run.step, runner),
    askUser: async (question, signal) => {
      const result = (await clientRequest(connection, AgentAskUserRequest, { id: run.id, question }, signal)) as Partial<AgentAskUserResult> | null;
      return typeof result?.answer === "string" ? result.answer : undefined;
    },
    ...(run.ripgrepPath ? { ripgrepPath: run.ripgrepPath } : {}),
    // The client answers from SecretStorage (or asks the person once); the password is never written here.
    secret: async (key, signal) => {
      const result = (await clientRequest(connection, ReportSecretRequest, key, signal).catch(() => (signal.throwIfAborted(), null))) as Partial<ReportSecretResult> | null;
      return typeof result?.value === "string" ? result.value : undefined;
    },
    approver: {
      request: async (request, signal) => {
        // The card's text in the person's language; the request itself stays as the gate made it.
        const shown = approvalShown(request, messagesFor(context.locale()));
        const result = (await clientRequest(connection, AgentApproveRequest, { id: run.id, runId: run.runId, step: run.step(), request: { ...request, shown } }, signal)) as Partial<AgentApproveResult> | null;
        // The client's answer is input: anything but approve or always is a deny.
        const answer = result?.answer;
        return answer === "approve" || answer === "always" ? answer : "deny";
      },
    },
  };
}

/** Mirrors each command's output to a client terminal. */
class TerminalCommandRunner implements CommandRunner {
  constructor(
    private readonly connection: Connection,
    private readonly id: string,
    private readonly step: () => number,
    private readonly runner: CommandRunner,
  ) {}

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
async function clientRequest<P extends object>(connection: Connection, type: ServerRequest<P>, params: P, signal: AbortSignal): Promise<unknown> {
  signal.throwIfAborted();
  const source = new CancellationTokenSource();
  const onAbort = () => source.cancel();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await connection.sendRequest(type as ServerRequest<object>, params, source.token);
  } finally {
    signal.removeEventListener("abort", onAbort);
    source.dispose();
  }
}
