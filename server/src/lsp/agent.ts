// pincer/agent/run (events as pincer/agent/event, cancel with $/cancelRequest), pincer/agent/undo
// and pincer/agent/transcript: a thin layer over agent/planner's runAgent and the checkpoints.
import { randomUUID } from "node:crypto";
import type { Connection } from "vscode-languageserver";
import { PERMISSION_PROFILES, type PermissionProfile } from "../agent/permissions";
import { describeWorkspace, runAgent, type Transcript } from "../agent/planner/index";
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
import { agentModel, createLspAgentHost, lspCheckpoints, workspaceRootsOf } from "./agent-host";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";
import type { AgentWritesInFlight } from "./editor-writes";

/** Transcripts of this process's runs, for "Open transcript as JSON"; the oldest go first. */
const KEPT_TRANSCRIPTS = 20;

export function registerAgent(connection: Connection, context: ServerContext, storageDir: () => string, inFlight: AgentWritesInFlight): void {
  const transcripts = new Map<string, Transcript>();
  let running = false;

  connection.onRequest(AgentRunRequest, async (params: AgentRunParams, token): Promise<AgentRunResult> => {
    if (typeof params?.id !== "string" || typeof params.request !== "string" || params.request.trim() === "") throw new Error("pincer/agent/run needs an id and a request.");
    if (params.profile !== undefined && !PERMISSION_PROFILES.includes(params.profile)) throw new Error(`Unknown agent profile "${String(params.profile)}".`);
    // One run at a time: two runs would interleave edits and checkpoints of the same files.
    if (running) throw new Error("An agent run is already in progress; stop it first.");
    running = true;
    try {
      const signal = toAbortSignal(token);
      const runId = `${new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "")}-${randomUUID().slice(0, 8)}`;
      const settings = context.settings().agent;
      const profile: PermissionProfile = params.profile ?? settings.profile;
      const host = await createLspAgentHost(connection, context, { id: params.id, runId, profile, storageDir: storageDir(), ripgrepPath: params.ripgrepPath, inFlight });
      if (!context.trusted()) context.log("info", "Agent: Restricted Mode; the run is read-only.");
      const transcript = await runAgent({
        runId,
        request: params.request,
        workspaceContext: await describeWorkspace(host.roots),
        model: await agentModel(context),
        tools: host.tools,
        context: host.context,
        gate: host.gate,
        approver: host.approver,
        checkpoints: host.checkpoints,
        budgets: { maxSteps: settings.maxSteps, maxTokens: settings.maxTokens, maxWallMs: settings.maxWallSeconds * 1000 },
        signal,
        onEvent: (event) => {
          if (event.type === "step-start") host.setStep(event.step);
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
    if (typeof params?.runId !== "string" || params.runId === "") throw new Error("pincer/agent/undo needs a runId.");
    if (!context.trusted()) throw new Error("Undo writes files; it is not available in Restricted Mode.");
    if (running) throw new Error("Stop the running agent before undoing.");
    const signal = toAbortSignal(token);
    const checkpoints = lspCheckpoints(connection, context, await workspaceRootsOf(context), storageDir(), inFlight);
    const runs = await checkpoints.listRuns(signal);
    if (!runs.some((run) => run.runId === params.runId)) throw new Error(`No checkpoints for run ${params.runId} in this workspace.`);
    return typeof params.step === "number" ? checkpoints.undoStep(params.runId, params.step, signal) : checkpoints.undoRun(params.runId, signal);
  });

  connection.onRequest(AgentTranscriptRequest, (params: AgentTranscriptParams): Transcript => {
    const transcript = transcripts.get(String(params?.runId));
    if (!transcript) throw new Error(`No transcript for run ${String(params?.runId)} (transcripts are kept while the server runs).`);
    return transcript;
  });
}
