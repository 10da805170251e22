// Pincer's code actions: offered on a selection or at a diagnostic, each pointing at the client
// command `pincer.codeAction.run`. The client then asks `pincer.codeAction.generate` for a proposal,
// shows it as a diff, and sends the accepted edit back to `pincer.applyEdit`, which becomes
// workspace/applyEdit (so the change lands as one undoable edit in VS Code).
import { CodeActionKind, ErrorCodes, ResponseError, type CodeAction, type Connection, type Diagnostic as LspDiagnostic, type TextDocuments } from "vscode-languageserver";
import { TextDocument } from "vscode-languageserver-textdocument";
import { chatActionModel } from "../actions/action-model";
import { chatModelFor } from "../remote/role-models";
import { proposeEdit, type ProposedReplacement } from "../actions/propose-edit";
import { applyReplacement } from "../actions/replacement";
import { PincerError } from "../platform/errors";
import {
  ApplyEditCommand,
  GenerateEditCommand,
  RunCodeActionCommand,
  type ApplyEditResult,
  type CodeActionArgs,
  type GenerateEditParams,
  type GenerateEditResult,
  type Diagnostic,
  type PincerActionKind,
  type WorkspaceEdit,
} from "../protocol";
import { loadTask, proposeTaskEdit } from "../tasks/task-service";
import type { ServerContext } from "./context";
import { withGenerationProgress } from "./generation-progress";

export const EXECUTE_COMMANDS = [GenerateEditCommand, ApplyEditCommand];

const TITLES: Record<PincerActionKind, string> = {
  explain: "Pincer: Explain",
  fix: "Pincer: Fix this problem",
  document: "Pincer: Add documentation comment",
  tests: "Pincer: Generate tests",
  refactor: "Pincer: Refactor…",
};


export function registerCodeActions(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  connection.onCodeAction((params): CodeAction[] => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const only = params.context.only;
    const wanted = (kind: string) => !only || only.some((prefix) => kind === prefix || kind.startsWith(`${prefix}.`));
    const actions: CodeAction[] = [];
    const add = (action: PincerActionKind, kind: string, args: Omit<CodeActionArgs, "action">, lspDiagnostic?: LspDiagnostic) => {
      if (!wanted(kind) || (action !== "explain" && !context.trust.trusted)) return; // Restricted Mode: Explain only
      actions.push({ title: TITLES[action], kind, diagnostics: lspDiagnostic ? [lspDiagnostic] : undefined, command: { title: TITLES[action], command: RunCodeActionCommand, arguments: [{ action, ...args } satisfies CodeActionArgs] } });
    };
    const lspDiagnostic = params.context.diagnostics[0];
    const diagnostic = lspDiagnostic && plainDiagnostic(lspDiagnostic);
    if (diagnostic) {
      add("fix", CodeActionKind.QuickFix, { uri: document.uri, range: diagnostic.range, diagnostic }, lspDiagnostic);
      add("explain", CodeActionKind.QuickFix, { uri: document.uri, range: diagnostic.range, diagnostic }, lspDiagnostic);
    }
    const { start, end } = params.range;
    if (start.line !== end.line || start.character !== end.character) {
      const args = { uri: document.uri, range: params.range };
      if (!diagnostic) add("explain", `${CodeActionKind.Refactor}.pincer.explain`, args);
      add("document", CodeActionKind.RefactorRewrite, args);
      add("tests", CodeActionKind.RefactorRewrite, args);
      add("refactor", CodeActionKind.RefactorRewrite, args);
    }
    return actions;
  });

  connection.onExecuteCommand(async (params, token) => {
    if (params.command === GenerateEditCommand) {
      const request = params.arguments?.[0] as GenerateEditParams | undefined;
      context.trust.require("edit");
      const document = request && typeof request.uri === "string" ? documents.get(request.uri) : undefined;
      if (!request || !document || !isRange(request.range)) throw new PincerError("pincer.codeAction.generate needs { action, uri, range } for an open document.", "invalid-params");
      const title = request.action === "task" ? "Pincer: Run Task" : TITLES[request.action] ?? "Pincer";
      return withGenerationProgress(connection, title, token, (signal) => generate(document, request, context, signal));
    }
    if (params.command === ApplyEditCommand) {
      context.trust.require("edit");
      const edit = params.arguments?.[0] as WorkspaceEdit | undefined;
      const problem = editProblem(edit, documents);
      if (problem) throw new PincerError(problem, "invalid-params");
      const result = await connection.workspace.applyEdit({ label: "Pincer", edit: edit! });
      return { applied: result.applied, failureReason: result.failureReason } satisfies ApplyEditResult;
    }
    throw new ResponseError(ErrorCodes.MethodNotFound, `Unknown command ${params.command}.`);
  });
}

async function generate(live: TextDocument, request: GenerateEditParams, context: ServerContext, signal: AbortSignal): Promise<GenerateEditResult> {
  // The open document changes in place while the model works; the edit is built on (and versioned
  // against) the text as it was, so VS Code refuses it if the person typed meanwhile.
  const document = TextDocument.create(live.uri, live.languageId, live.version, live.getText());
  const text = document.getText();
  const start = document.offsetAt(request.range.start);
  const end = document.offsetAt(request.range.end);
  const model = chatActionModel(await chatModelFor(context.settings(), context.remote, (s) => context.host.requireEngine(s), signal));
  let proposal: ProposedReplacement;
  if (request.action === "task") {
    const task = await loadTask(await context.roots(), request.taskId ?? "", signal);
    proposal = await proposeTaskEdit(model, task, { text, start, end, languageId: document.languageId, inputs: request.inputs ?? {} }, { signal });
  } else if (request.action === "fix" || request.action === "document" || request.action === "tests" || request.action === "refactor") {
    if (request.action === "refactor" && !request.instruction?.trim()) throw new PincerError("Refactor needs an instruction (what to do with the code).", "invalid-params");
    proposal = await proposeEdit(model, { kind: request.action, text, languageId: document.languageId, start, end, diagnostic: request.diagnostic?.message, instruction: request.instruction }, { signal });
  } else {
    throw new PincerError(`Unknown action "${String(request.action)}".`, "invalid-params");
  }
  const { replacement } = proposal;
  const range = { start: document.positionAt(replacement.start), end: document.positionAt(replacement.end) };
  return {
    edit: { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: [{ range, newText: replacement.newText }] }] },
    range,
    newText: replacement.newText,
    proposedText: applyReplacement(text, replacement),
    answer: proposal.answer,
    stopReason: proposal.stopReason,
  };
}

/** The edit must be what `pincer.codeAction.generate` produced: text edits of open documents only. */
function editProblem(edit: WorkspaceEdit | undefined, documents: TextDocuments<TextDocument>): string | undefined {
  if (!edit || !Array.isArray(edit.documentChanges) || edit.documentChanges.length === 0) return "pincer.applyEdit needs a WorkspaceEdit with documentChanges.";
  for (const change of edit.documentChanges) {
    if (!change?.textDocument || typeof change.textDocument.uri !== "string" || !Array.isArray(change.edits)) return "pincer.applyEdit takes text document edits only.";
    if (!documents.get(change.textDocument.uri)) return `${change.textDocument.uri} is not open; Pincer edits only documents open in the editor.`;
    if (!change.edits.every((e) => isRange(e?.range) && typeof e.newText === "string")) return "pincer.applyEdit: every edit needs a range and newText.";
  }
  return undefined;
}

function isRange(value: unknown): value is GenerateEditParams["range"] {
  const r = value as GenerateEditParams["range"] | undefined;
  const isPos = (p: unknown) => typeof p === "object" && p !== null && Number.isInteger((p as { line: unknown }).line) && Number.isInteger((p as { character: unknown }).character);
  return typeof r === "object" && r !== null && isPos(r.start) && isPos(r.end);
}

/** The wire shape of a diagnostic the client command carries (message as plain text). */
function plainDiagnostic(d: LspDiagnostic): Diagnostic {
  const message = typeof d.message === "string" ? d.message : d.message.value;
  return { range: d.range, message, severity: d.severity, source: d.source, code: typeof d.code === "object" ? undefined : d.code };
}
