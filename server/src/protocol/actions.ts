// Code actions and git-backed commands on the wire. Edits go standard LSP: the server's code action
// carries a client command; the client asks `pincer.codeAction.generate` (workspace/executeCommand,
// cancellable) for a proposal, shows it as a diff, and on accept runs `pincer.applyEdit`, which the
// server turns into workspace/applyEdit so VS Code's undo covers it.

// Structural copies of the LSP types used here, so the domain can use them without an LSP package
// (vscode-languageserver-types values fit these shapes exactly).
import { object, str } from "./checks";
import { PincerRequest } from "./rpc";
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  message: string;
  severity?: number;
  source?: string;
  code?: number | string;
}
export interface TextDocumentEdit {
  textDocument: { uri: string; version: number | null };
  edits: { range: Range; newText: string }[];
}
export interface WorkspaceEdit {
  documentChanges: TextDocumentEdit[];
}

export type PincerActionKind = "explain" | "fix" | "document" | "tests" | "refactor";

/** Argument of the client command a Pincer code action runs (`pincer.codeAction.run`). */
export interface CodeActionArgs {
  action: PincerActionKind;
  uri: string;
  range: Range;
  /** Set when the action is about a diagnostic. */
  diagnostic?: Diagnostic;
}
/** Client command the server's code actions point at. */
export const RunCodeActionCommand = "pincer.codeAction.run" as const;

/** workspace/executeCommand `pincer.codeAction.generate` argument. */
export interface GenerateEditParams {
  action: Exclude<PincerActionKind, "explain"> | "task";
  uri: string;
  range: Range;
  diagnostic?: Diagnostic;
  /** Refactor…: what the person asked for. */
  instruction?: string;
  /** For action "task": the task id and its input values. */
  taskId?: string;
  inputs?: Record<string, string>;
}
export interface GenerateEditResult {
  /** The change as LSP sends it: one versioned text edit. */
  edit: WorkspaceEdit;
  /** The range replaced and its new text (also inside `edit`). */
  range: Range;
  newText: string;
  /** The whole document after the change, for the diff view. */
  proposedText: string;
  /** The model's whole answer (the code was taken out of it). */
  answer: string;
  stopReason: "eos" | "maxTokens" | "stopText" | "cancelled";
}
export const GenerateEditCommand = "pincer.codeAction.generate" as const;
/** workspace/executeCommand `pincer.applyEdit` argument: the accepted `GenerateEditResult.edit`. Answers `{ applied }`. */
export const ApplyEditCommand = "pincer.applyEdit" as const;
export interface ApplyEditResult {
  applied: boolean;
  failureReason?: string;
}

/** Client → server: a commit message from `git diff --staged` in one workspace folder. */
export interface GitTextParams {
  /** A workspace folder path (the server refuses others). */
  folder: string;
}
export interface GitTextResult {
  text: string;
  /** The diff was longer than the prompt budget and was cut. */
  truncated: boolean;
}
const gitText = object({ folder: str({ min: 1, max: 4096 }) });
export const CommitMessageRequest = new PincerRequest<GitTextParams, GitTextResult>("pincer/git/commitMessage", gitText);
/** Client → server: a summary of staged + unstaged changes (and untracked file names). */
export const SummarizeChangesRequest = new PincerRequest<GitTextParams, GitTextResult>("pincer/git/summarizeChanges", gitText);
