// The agent's wire protocol (issue 6): run, events, approvals, questions, terminal output, undo and
// the transcript. Cancel is the standard $/cancelRequest on the run request. The domain's event and
// transcript types are re-exported type-only, so both sides read the same shapes.
import type { AgentEvent, RunStatus, Transcript } from "../agent/planner/index";
import type { ApprovalAnswer, ApprovalRequest, UndoReport } from "../agent/tool-types";
import type { AgentProfile } from "./settings";

export type { AgentEvent, RunStatus, Transcript, ApprovalAnswer, ApprovalRequest, UndoReport };

/** Client → server: run the agent on a request; answered when the run ends. */
export interface AgentRunParams {
  /** The client's id for this run, echoed in every event, approval and terminal message. */
  id: string;
  request: string;
  /** Narrower (or wider, within settings) profile for this run; default `pincer.agent.profile`. */
  profile?: AgentProfile;
  /** ripgrep from the VS Code installation, when the client found it. */
  ripgrepPath?: string;
}
export interface AgentRunResult {
  runId: string;
  status: RunStatus;
  changedPaths: string[];
  summary?: { summary: string; verified: string };
  error?: string;
}
export const AgentRunRequest = "pincer/agent/run" as const;

/** Server → client: one event of a run, in order. */
export interface AgentEventParams {
  id: string;
  event: AgentEvent;
}
export const AgentEventNotification = "pincer/agent/event" as const;

/** Server → client: a tool call needs the person's approval (the card in the chat view). */
export interface AgentApproveParams {
  id: string;
  runId: string;
  step: number;
  request: ApprovalRequest;
}
export interface AgentApproveResult {
  answer: ApprovalAnswer;
}
export const AgentApproveRequest = "pincer/agent/approve" as const;

/** Server → client: the agent's ask_user tool; no answer (undefined) means nobody answered. */
export interface AgentAskUserParams {
  id: string;
  question: string;
}
export interface AgentAskUserResult {
  answer?: string;
}
export const AgentAskUserRequest = "pincer/agent/askUser" as const;

/** Server → client: live output of a run_command, for the Pseudoterminal named `name`. */
export type AgentTerminalParams =
  | { id: string; terminalId: string; kind: "start"; step: number; name: string; command: string; cwd: string }
  | { id: string; terminalId: string; kind: "output"; text: string }
  | { id: string; terminalId: string; kind: "exit"; exitCode: number | null; timedOut: boolean; killedBy?: string };
export const AgentTerminalNotification = "pincer/agent/terminal" as const;

/**
 * Server → client: save these documents after a workspace/applyEdit, so the file on disk (which
 * the tools and checkpoints read) has the edited content.
 */
export interface AgentSaveParams {
  uris: string[];
}
export const AgentSaveRequest = "pincer/agent/save" as const;

/** Client → server: put back the files of a run (or one step); conflicts are reported, not overwritten. */
export interface AgentUndoParams {
  runId: string;
  step?: number;
}
export const AgentUndoRequest = "pincer/agent/undo" as const;

/** Client → server: the JSON transcript of a run this server process ran. */
export interface AgentTranscriptParams {
  runId: string;
}
export const AgentTranscriptRequest = "pincer/agent/transcript" as const;
