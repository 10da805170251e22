// The agent on the wire: run, events, approvals, questions, terminal output, save, undo and the
// transcript. Cancel is the standard $/cancelRequest on the run request. The approval and sandbox
// shapes are defined here and used by the domain (agent/tool-types.ts re-exports them); the event
// and transcript shapes are the wire's copy of the planner's, and the compiler checks the planner's
// are assignable to them where lsp/agent.ts sends them.
import { int, MiB, object, oneOf, optional, str } from "./checks";
import { PincerRequest, ServerNotification, ServerRequest } from "./rpc";
import { AGENT_PROFILES, type AgentProfile, type ToolPermission } from "./settings";

/** What the permission gate decides for one tool call (the same values as a tool permission override). */
export type PermissionDecision = ToolPermission;
export type ApprovalAnswer = "approve" | "deny" | "always";

/** Whether agent commands run confined by the OS; shown in the status bar and on approval cards. */
export interface CommandSandboxInfo {
  /** bubblewrap (Linux), sandbox-exec (macOS), or none. */
  kind: "bubblewrap" | "sandbox-exec" | "none";
  /** For "none": why (not installed, user namespaces turned off, the setting is "off", the platform). */
  reason?: string;
  /** The setting is "required": without a sandbox, commands are refused. */
  required?: boolean;
}

export interface ApprovalRequest {
  tool: string;
  /** One line: what would happen ("Run `npm test`", "Write src/a.ts"). */
  summary: string;
  command?: string;
  /** The command as the card must show it, with invisible characters as `<U+XXXX>` escapes; set only when it has some. */
  commandShown?: string;
  paths?: string[];
  /** Why code says ask (rule findings, protected path, profile). */
  reasons: string[];
  /** For commands: the sandbox it would run in (kind "none": not confined). */
  sandbox?: CommandSandboxInfo;
  /** For commands: approving gives it network access inside the sandbox. */
  network?: boolean;
  /** For an MCP tool: the server, the tool and the arguments it would get (JSON, capped, invisible characters escaped). */
  mcp?: { server: string; tool: string; arguments: string };
  /** For send_email: the whole message as it would leave, shown in full on the card (never a summary). */
  message?: ApprovalMessage;
  /**
   * The summary and reasons as the card shows them, in the client's UI language (initialize's locale), made by
   * the server; `summary` and `reasons` stay English (what the model and the logs read). Absent: show those.
   */
  shown?: ApprovalShown;
}

export interface ApprovalShown {
  summary: string;
  /** One per entry of `reasons`, in the same order. */
  reasons: string[];
}

export interface ApprovalMessage {
  to: string[];
  cc: string[];
  subject: string;
  body: string;
  /** The attached files as the model named them (workspace paths), with their size when the card was made. */
  attachments: ApprovalAttachment[];
}

export interface ApprovalAttachment {
  path: string;
  /** Bytes; absent when the file does not exist (the send would then fail and nothing leaves). */
  bytes?: number;
}

export interface UndoReport {
  /** Workspace-relative paths put back to their state before the step/run. */
  restored: string[];
  /** Files the person changed after the agent did, or someone else changed while it ran: shown, not overwritten. */
  conflicts: { path: string; reason: string }[];
}

export type RunStatus = "finished" | "budget" | "approval-needed" | "cancelled" | "failed";
export type BudgetKind = "steps" | "tokens" | "time" | "context";

export interface Usage {
  steps: number;
  /** Prompt tokens evaluated plus tokens generated, over the whole run. */
  tokens: number;
  wallMs: number;
}

/** One event of a run, in order (the planner emits them; the JSON transcript, the CLI and the VS Code UI consume them). */
export type AgentEvent =
  | { type: "run-start"; runId: string; request: string; startedAt: string; fixedPromptTokens: number }
  | { type: "plan"; steps: string[] }
  | { type: "step-start"; step: number }
  | { type: "tool-call"; step: number; thought: string; tool: string; args: Record<string, unknown> }
  | { type: "invalid-call"; step: number; text: string; error: string }
  | { type: "permission"; step: number; decision: PermissionDecision; reasons: string[] }
  | { type: "approval-needed"; step: number; request: ApprovalRequest }
  | { type: "approval-answered"; step: number; answer: ApprovalAnswer }
  | { type: "checkpoint"; step: number; checkpointId: string }
  | { type: "observation"; step: number; ok: boolean; text: string; truncated: boolean; changedPaths: string[]; details?: Record<string, unknown> }
  /** evaluatedPromptTokens: what the model evaluated; newPromptTokens: what was new since the last answer (equal when the KV cache held the rest). */
  | { type: "step-end"; step: number; evaluatedPromptTokens: number; newPromptTokens: number; generatedTokens: number; ms: number }
  | { type: "replan"; step: number; reason: string; steps: string[] }
  | { type: "compacted"; summarisedSteps: number[] }
  | { type: "summary"; summary: string; verified: string; changedPaths: string[] }
  | { type: "budget-stop"; budget: BudgetKind; usage: Usage }
  | { type: "run-end"; status: RunStatus; usage: Usage; error?: string };

export interface TranscriptStep {
  step: number;
  thought?: string;
  tool?: string;
  args?: Record<string, unknown>;
  /** Set when the model's answer was not a valid call (only possible with a model that ignores the grammar). */
  invalidCall?: { text: string; error: string };
  permission?: { decision: PermissionDecision; reasons: string[] };
  approval?: { request: ApprovalRequest; answer?: ApprovalAnswer };
  checkpointId?: string;
  result?: { ok: boolean; observation: string; truncated: boolean; changedPaths: string[]; details?: Record<string, unknown> };
  replan?: { reason: string; steps: string[] };
  evaluatedPromptTokens?: number;
  newPromptTokens?: number;
  generatedTokens?: number;
  ms?: number;
}

/** A run's JSON transcript (`pincer run --json`, "Open transcript as JSON"). */
export interface Transcript {
  runId: string;
  request: string;
  startedAt: string;
  status: RunStatus;
  fixedPromptTokens: number;
  plan: string[];
  steps: TranscriptStep[];
  summary?: { summary: string; verified: string };
  changedPaths: string[];
  checkpointIds: string[];
  budgetStop?: BudgetKind;
  usage: Usage;
  error?: string;
}

const runId = str({ min: 1, max: 200 });

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
export const AgentRunRequest = new PincerRequest<AgentRunParams, AgentRunResult>(
  "pincer/agent/run",
  object({
    id: str({ min: 1, max: 200 }),
    request: str({ min: 1, max: MiB, pattern: /\S/, patternText: "more than white space" }),
    profile: optional(oneOf(AGENT_PROFILES)),
    ripgrepPath: optional(str({ max: 4096 })),
  }),
);

/** Server → client: one event of a run, in order. */
export interface AgentEventParams {
  id: string;
  event: AgentEvent;
}
export const AgentEventNotification = new ServerNotification<AgentEventParams>("pincer/agent/event");

/** Server → client: a tool call needs the person's approval (the card in the chat view). */
export interface AgentApproveParams {
  id: string;
  runId: string;
  step: number;
  request: ApprovalRequest;
}
/** The client's answer (the server reads anything else as "deny"). */
export interface AgentApproveResult {
  answer: ApprovalAnswer;
}
export const AgentApproveRequest = new ServerRequest<AgentApproveParams>("pincer/agent/approve");

/** Server → client: the agent's ask_user tool; no answer (undefined) means nobody answered. */
export interface AgentAskUserParams {
  id: string;
  question: string;
}
export interface AgentAskUserResult {
  answer?: string;
}
export const AgentAskUserRequest = new ServerRequest<AgentAskUserParams>("pincer/agent/askUser");

/** Server → client: live output of a run_command, for the Pseudoterminal named `name`. */
export type AgentTerminalParams =
  | { id: string; terminalId: string; kind: "start"; step: number; name: string; command: string; cwd: string }
  | { id: string; terminalId: string; kind: "output"; text: string }
  | { id: string; terminalId: string; kind: "exit"; exitCode: number | null; timedOut: boolean; killedBy?: string };
export const AgentTerminalNotification = new ServerNotification<AgentTerminalParams>("pincer/agent/terminal");

/**
 * Server → client: save these documents after a workspace/applyEdit, so the file on disk (which
 * the tools and checkpoints read) has the edited content.
 */
export interface AgentSaveParams {
  uris: string[];
}
export const AgentSaveRequest = new ServerRequest<AgentSaveParams>("pincer/agent/save");

/** Client → server: put back the files of a run (or one step); conflicts are reported, not overwritten. */
export interface AgentUndoParams {
  runId: string;
  step?: number;
}
export const AgentUndoRequest = new PincerRequest<AgentUndoParams, UndoReport>("pincer/agent/undo", object({ runId, step: optional(int(0, 1_000_000)) }));

/** Client → server: the JSON transcript of a run this server process ran. */
export interface AgentTranscriptParams {
  runId: string;
}
export const AgentTranscriptRequest = new PincerRequest<AgentTranscriptParams, Transcript>("pincer/agent/transcript", object({ runId }));
