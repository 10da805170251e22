// pincer/agent/run (events as pincer/agent/event, cancel with $/cancelRequest), pincer/agent/undo
// and pincer/agent/transcript: a thin layer over agent/agent-session.ts.
import type { Connection } from "vscode-languageserver";
import { agentModel, openAgentSession, requireAgentRoots, runAgentSession, undoAgentRun } from "../agent/agent-session";
import type { Transcript } from "../agent/planner/index";
import { newRunId } from "../agent/run-id";
import { PincerError } from "../platform/errors";
import {
  AgentEventNotification,
  AgentRunRequest,
  AgentTranscriptRequest,
  AgentUndoRequest,
  type AgentEventParams,
  type AgentRunParams,
  type AgentRunResult,
  type AgentTranscriptParams,
  type AgentUndoParams,
  type UndoReport,
} from "../protocol";
import { lspAgentPorts, lspCheckpoints } from "./agent-host";
import { toAbortSignal } from "./cancellation";
import { remoteAgentModelFor } from "../remote/role-models";
import type { ServerContext } from "./context";
import type { AgentWritesInFlight } from "./editor-writes";
import type { LspMcp } from "./mcp";

/** Transcripts of this process's runs, for "Open transcript as JSON"; the oldest go first. */
const KEPT_TRANSCRIPTS = 20;

export function registerAgent(connection: Connection, context: ServerContext, storageDir: () => string, inFlight: AgentWritesInFlight, mcp: LspMcp): void {
  const transcripts = new Map<string, Transcript>();
  let running = false;

  connection.onRequest(AgentRunRequest, async (params: AgentRunParams, token): Promise<AgentRunResult> => {
    // One run at a time: two runs would interleave edits and checkpoints of the same files.
    if (running) throw new PincerError("An agent run is already in progress; stop it first.", "not-available");
    running = true;
    try {
      const signal = toAbortSignal(token);
      const runId = newRunId();
      const settings = context.settings().agent;
      let step = 0;
      const ports = lspAgentPorts(connection, context, { id: params.id, runId, storageDir: storageDir(), ...(params.ripgrepPath ? { ripgrepPath: params.ripgrepPath } : {}), step: () => step, inFlight });
      // MCP servers start on demand here (a workspace one only after its approval card).
      const mcpTools = await mcp.hub().tools(await mcp.scope(), signal);
      const session = await openAgentSession({ roots: await context.roots(), profile: params.profile ?? settings.profile, settings, sandbox: await context.commandSandbox(), host: ports, mcpTools });
      if (!ports.trusted) context.log("info", "Agent: Restricted Mode; the run is read-only.");
      const transcript = await runAgentSession(session, {
        runId,
        request: params.request,
        model: await agentModel(() => context.host.requireEngine(signal), context.log, remoteAgentModelFor(context.settings(), context.remote, context.log, signal)),
        approver: ports.approver,
        settings,
        signal,
        onEvent: (event) => {
          if (event.type === "step-start") step = event.step;
          void connection.sendNotification(AgentEventNotification, { id: params.id, event } satisfies AgentEventParams);
        },
      });
      transcripts.set(transcript.runId, transcript);
      for (const old of [...transcripts.keys()].slice(0, Math.max(0, transcripts.size - KEPT_TRANSCRIPTS))) transcripts.delete(old);
      return {
        runId: transcript.runId,
        status: transcript.status,
        changedPaths: transcript.changedPaths,
        ...(transcript.summary ? { summary: transcript.summary } : {}),
        ...(transcript.error !== undefined ? { error: transcript.error } : {}),
      };
    } finally {
      running = false;
    }
  });

  connection.onRequest(AgentUndoRequest, async (params: AgentUndoParams, token): Promise<UndoReport> => {
    context.trust.require("undo");
    if (running) throw new PincerError("Stop the running agent before undoing.", "not-available");
    const checkpoints = lspCheckpoints(connection, context, requireAgentRoots(await context.roots()), storageDir(), inFlight);
    return (await undoAgentRun(checkpoints, params.runId, params.step, toAbortSignal(token))).report;
  });

  connection.onRequest(AgentTranscriptRequest, (params: AgentTranscriptParams): Transcript => {
    const transcript = transcripts.get(params.runId);
    if (!transcript) throw new PincerError(`No transcript for run ${params.runId} (transcripts are kept while the server runs).`, "invalid-params");
    return transcript;
  });
}
