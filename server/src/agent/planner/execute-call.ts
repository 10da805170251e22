// One tool call, with every rule applied in code before it runs: the permission gate decides,
// "ask" goes to the Approver (a person or the CLI policy), "deny" becomes an observation, and a
// mutating call is wrapped in a checkpoint so it can be undone.
import { WorkspaceBusyError, type Approver, type CheckpointStore, type PermissionGate, type RunRecord, type ToolContext, type ToolDefinition } from "../tool-types";
import type { AgentEvent } from "./agent-events";

export interface CallOutcome {
  ok: boolean;
  observation: string;
  changedPaths: string[];
  details?: Record<string, unknown>;
  /** Set when an "ask" was answered with deny. */
  refusedApproval?: boolean;
}

export interface CallEnvironment {
  runId: string;
  gate: PermissionGate;
  approver: Approver;
  checkpoints: CheckpointStore;
  context: Omit<ToolContext, "signal">;
  /** The run so far, for the gate (files changed by earlier steps). */
  run?: RunRecord;
  emit(event: AgentEvent): void;
}

export async function executeCall(
  env: CallEnvironment,
  tool: ToolDefinition,
  args: Record<string, unknown>,
  step: number,
  signal: AbortSignal,
): Promise<CallOutcome> {
  const check = await env.gate.check(tool, args, signal, env.run);
  env.emit({ type: "permission", step, decision: check.decision, reasons: check.reasons });
  if (check.decision === "deny") {
    return { ok: false, observation: `Not allowed: ${reasonText(check.reasons)}. Do not retry this call; find another way or finish.`, changedPaths: [] };
  }
  if (check.decision === "ask") {
    env.emit({ type: "approval-needed", step, request: check.request });
    const answer = await env.approver.request(check.request, signal);
    env.emit({ type: "approval-answered", step, answer });
    if (answer === "deny") {
      return { ok: false, observation: `The user did not approve: ${check.request.summary}. Do not retry it; find another way or finish.`, changedPaths: [], refusedApproval: true };
    }
    // The gate persists "always" itself and decides what it covers; the model cannot widen it.
    if (answer === "always") await env.gate.rememberApproval(check.request, signal);
  }

  // An MCP server may change workspace files too (a filesystem server): its calls get checkpoints.
  const mutating = tool.effect === "edit" || tool.effect === "command" || tool.effect === "mcp";
  if (mutating) {
    // The call's own paths are snapshotted too, even when .gitignore'd (a .env the model edits).
    let checkpointId: string;
    try {
      checkpointId = await env.checkpoints.beforeStep(env.runId, step, signal, check.request.paths ?? [], tool.effect === "edit" ? "edit" : "command");
    } catch (error) {
      // Another run's step (or an undo) holds the workspace for too long: this call does not run; the run goes on.
      if (error instanceof WorkspaceBusyError) return { ok: false, observation: `Not run: ${error.message}. Try this call again later, or finish.`, changedPaths: [] };
      throw error;
    }
    env.emit({ type: "checkpoint", step, checkpointId });
  }
  let outcome: CallOutcome;
  let cancelled: unknown;
  try {
    const result = await tool.run(args, { ...env.context, signal });
    outcome = { ok: result.ok, observation: result.observation, changedPaths: result.changedPaths ?? [], details: result.details };
  } catch (error) {
    if (signal.aborted) cancelled = error;
    outcome = { ok: false, observation: `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`, changedPaths: [] };
  }
  if (mutating) {
    // After a cancel the files may still have changed: record them with a signal that still works.
    const after = await env.checkpoints.afterStep(env.runId, step, signal.aborted ? new AbortController().signal : signal, outcome.changedPaths);
    outcome.changedPaths = [...new Set([...outcome.changedPaths, ...after.changedPaths])];
    if (after.notCovered && after.notCovered.length > 0) outcome.observation += `\n[not in the checkpoint, undo cannot restore: ${after.notCovered.join(", ")} (names git refuses or unreadable files)]`;
  }
  if (cancelled !== undefined) throw cancelled;
  return outcome;
}

function reasonText(reasons: readonly string[]): string {
  return reasons.length > 0 ? reasons.join("; ") : "the permission profile does not allow it";
}
