// The agent's contract between the planner, the tools and the host that runs them (LSP or CLI).
// Tools know nothing of VS Code: writes, commands and questions go through the host interfaces
// below, so the same tool writes atomically in the CLI and through workspace/applyEdit in VS Code.
import { PincerError } from "../platform/errors";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { ApprovalAnswer, ApprovalRequest, CommandSandboxInfo, PermissionDecision, UndoReport } from "../protocol/agent";

// The approval, sandbox and undo shapes travel to the client as they are: the protocol defines them.
export type { ApprovalAnswer, ApprovalRequest, CommandSandboxInfo, PermissionDecision, UndoReport };

/** The JSON-schema subset that node-llama-cpp turns into a grammar (kept local: only engine/ imports it). */
export type ToolJsonSchema =
  /** maxLength marks a short argument (a path, a name); strings without one are content and share the answer's budget. */
  | { type: "string"; description?: string; enum?: readonly string[]; maxLength?: number }
  | { type: "integer" | "number"; description?: string; minimum?: number; maximum?: number }
  | { type: "boolean"; description?: string }
  | { type: "array"; items: ToolJsonSchema; description?: string; maxItems?: number }
  | { type: "object"; properties: Readonly<Record<string, ToolJsonSchema>>; required?: readonly string[]; description?: string; additionalProperties?: false };

/** What a tool may do; permission profiles decide per effect (and per-tool overrides). `mcp`: a tool of an MCP server, which may do anything. */
export type ToolEffect = "read" | "edit" | "command" | "ask-user" | "mcp";

/** What the gate knows about an MCP tool (agent/tools/mcp-tools.ts). */
export interface McpToolMeta {
  server: string;
  tool: string;
  /** The server's readOnlyHint annotation (its word, not proof). */
  readOnlyHint: boolean;
  /** The person's rule from `pincer.mcp.tools`; undefined: the default, ask. */
  rule: PermissionDecision | undefined;
  /** The person lets this server's readOnlyHint lower ask to allow (`pincer.mcp.readOnlyHint`). */
  trustReadOnlyHint: boolean;
}

export interface ToolDefinition<Args extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  /** One line for the model; the fixed prompt budget is 2,000 tokens for all tools together. */
  description: string;
  parameters: ToolJsonSchema & { type: "object" };
  effect: ToolEffect;
  /** Set for MCP tools: the gate applies the MCP rules and the card shows server, tool and arguments. */
  mcp?: McpToolMeta;
  /** Runs git in the workspace, whose config can name programs (filters, fsmonitor): not in an untrusted workspace. */
  runsRepositoryConfig?: boolean;
  /**
   * Paths (as the model wrote them) and command lines this call would touch; used by permissions and checkpoints before run().
   * `network`: the command asks for network access, which a sandbox gives only after the person approved.
   */
  targets(args: Args): { paths: string[]; command?: string; network?: boolean };
  run(args: Args, context: ToolContext): Promise<ToolOutcome>;
}

export interface ToolOutcome {
  ok: boolean;
  /** Short, actionable text for the model (an error says what to do next). */
  observation: string;
  /** Workspace-relative paths the call changed (created, edited, deleted, renamed). */
  changedPaths?: string[];
  /** For the UI and the JSON transcript: a unified diff, command exit status, etc. */
  details?: Record<string, unknown>;
}

/** Writes in the host's way: atomic files in the CLI, workspace/applyEdit in VS Code. Paths are already confined (absolute, real). */
export interface FileWriter {
  write(absolutePath: string, content: string, signal: AbortSignal): Promise<void>;
  delete(absolutePath: string, signal: AbortSignal): Promise<void>;
  rename(fromAbsolutePath: string, toAbsolutePath: string, signal: AbortSignal): Promise<void>;
}

export interface CommandRun {
  exitCode: number | null;
  /** The signal that ended it (after a timeout or cancel the whole process tree is killed). */
  killedBy?: string;
  timedOut: boolean;
  /** Combined stdout/stderr, bounded; `truncated` says bytes were dropped from the middle. */
  output: string;
  truncated: boolean;
}

export interface CommandRunOptions {
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  onOutput?: (chunk: string) => void;
  /** Network access inside the sandbox; only for a call whose approval named it (see PermissionGate). */
  network?: boolean;
}

export interface CommandRunner {
  run(commandLine: string, options: CommandRunOptions): Promise<CommandRun>;
}

export interface ToolContext {
  roots: WorkspaceRoots;
  signal: AbortSignal;
  files: FileWriter;
  commands: CommandRunner;
  /** A question back to the person; undefined when nobody can answer (headless). */
  askUser?(question: string, signal: AbortSignal): Promise<string | undefined>;
  /** ripgrep from the VS Code installation when the client provides it; a JS search otherwise. */
  ripgrepPath?: string;
}

/** The person (VS Code card) or policy (`--approve never|auto`) answering an "ask". */
export interface Approver {
  request(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}

/** What the permission code says about one tool call, before it runs. */
export interface PermissionCheck {
  decision: PermissionDecision;
  reasons: string[];
  /** Filled in for "ask" (and shown for "deny"): what the approval card says. */
  request: ApprovalRequest;
}

/** What the run has done so far, for checks that depend on it; the planner keeps it. */
export interface RunRecord {
  /** Workspace-relative paths the agent changed in this run (its edits and what its commands changed). */
  changedPaths: readonly string[];
}

/** Role profile + per-tool overrides + command rules + protected paths; pure code, no model. */
export interface PermissionGate {
  /** `run`: the run so far (a script runner asks again after the agent changed the files it runs). */
  check(tool: ToolDefinition, args: Record<string, unknown>, signal: AbortSignal, run?: RunRecord): Promise<PermissionCheck>;
  /** "Always allow this command in this workspace": persisted by the gate, never widened by the model. */
  rememberApproval(request: ApprovalRequest, signal: AbortSignal): Promise<void>;
}

/** Another run's step (or an undo) held the workspace for longer than a step or undo may wait for it. */
export class WorkspaceBusyError extends PincerError {
  override name = "WorkspaceBusyError";
}

/** Snapshots in a shadow git repository outside the workspace (the user's .git is never touched). */
export interface CheckpointStore {
  /**
   * Snapshot before a mutating step; returns its checkpoint id (recorded in the transcript).
   * `paths`: the step's targets (ToolDefinition.targets), so files it touches are covered even when .gitignore'd.
   * `kind`: "edit" (its changes are only the paths its tool names) or "command" (whatever changes while it runs,
   * except what the editor reports writing). Until afterStep, no other run may write to the workspace: another
   * process's step waits, and one that waits too long gets a WorkspaceBusyError (checkpoints.ts).
   */
  beforeStep(runId: string, step: number, signal: AbortSignal, paths?: readonly string[], kind?: "edit" | "command"): Promise<string>;
  /**
   * After the step ran (`own`: the paths its tool reported changing): the files it changed (including files changed
   * by commands, not what others wrote meanwhile), and files no snapshot can hold (names git refuses, unreadable
   * files), each reported once: undo does not cover them.
   */
  afterStep(runId: string, step: number, signal: AbortSignal, own?: readonly string[]): Promise<{ changedPaths: string[]; notCovered?: string[] }>;
  undoStep(runId: string, step: number, signal: AbortSignal): Promise<UndoReport>;
  undoRun(runId: string, signal: AbortSignal): Promise<UndoReport>;
  /** Runs known for this workspace, newest first (for `pincer undo` without a RUN_ID). */
  listRuns(signal: AbortSignal): Promise<{ runId: string; startedAt: string; steps: number }[]>;
}
