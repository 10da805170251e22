// The agent's transcript entries in the chat view (one renderer each in chat/webview/render-agent-*.ts)
// and the actions their buttons send back. Built from the server's AgentEvents by agent-run-view.ts.
import type { ApprovalAnswer, ApprovalRequest, RunStatus } from "../../../server/src/protocol";

/** A run: the request, its plan, where it is, and the run-wide buttons (Stop, Undo run, JSON). */
export interface AgentRunEntry {
  kind: "agent-run";
  id: string;
  runId: string;
  request: string;
  readOnly: boolean;
  plan: string[];
  /** Steps taken so far; the plan item being worked is not reported by the planner. */
  stepsTaken: number;
  state: "running" | RunStatus;
  summary?: { summary: string; verified: string };
  error?: string;
  undone?: boolean;
}

/** One tool call: what it did, its outcome, its diff and, for a command, its terminal. */
export interface AgentStepEntry {
  kind: "agent-step";
  id: string;
  runId: string;
  step: number;
  tool: string;
  thought: string;
  /** One line of the call's arguments (the path, the command). */
  target: string;
  state: "running" | "ok" | "failed" | "denied";
  observation?: string;
  diff?: string;
  /** Name of the Pseudoterminal that shows this command's output. */
  terminal?: string;
  /** render_chart: the chart as a PNG data: URL (the webview's CSP allows data: for images only). */
  image?: { dataUrl: string; path: string };
  /** render_document: the workspace path of the PDF, opened with "Open PDF". */
  document?: string;
  changedPaths: string[];
  checkpoint?: boolean;
}

export interface AgentApprovalEntry {
  kind: "agent-approval";
  id: string;
  runId: string;
  step: number;
  request: ApprovalRequest;
  answer?: ApprovalAnswer | "cancelled";
}

export interface AgentUndoEntry {
  kind: "agent-undo";
  id: string;
  runId: string;
  step?: number;
  restored: string[];
  conflicts: { path: string; reason: string }[];
}

export type AgentEntry = AgentRunEntry | AgentStepEntry | AgentApprovalEntry | AgentUndoEntry;

export type AgentAction = "approve" | "deny" | "always" | "stop" | "undo-run" | "undo-step" | "transcript" | "terminal" | "open-document";

/** Only a base64 PNG is shown as an image: what render_chart makes, nothing a message could point at. */
export function chartDataUrl(value: unknown): string | undefined {
  return typeof value === "string" && /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/.test(value) ? value : undefined;
}
