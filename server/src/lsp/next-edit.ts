// pincer/nextEdit/suggest: the next related edit after the last one, from the next-edit domain
// module. The edit history follows the open documents; a newer request cancels the one in flight.
import type { Connection, TextDocuments } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { EditHistory } from "../next-edit/edit-history";
import { nextEditModel, NextEditService } from "../next-edit/next-edit-service";
import { NEXT_EDIT_SCRIPT_ENV, scriptedNextEditsFromEnv, type ScriptedNextEdits } from "../next-edit/scripted-next-edit";
import { NextEditRequest, type NextEditParams, type NextEditResponse } from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerNextEdit(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  const history = new EditHistory();
  documents.onDidOpen((e) => history.open(e.document.uri, e.document.getText()));
  documents.onDidChangeContent((e) => history.change(e.document.uri, e.document.getText()));
  documents.onDidClose((e) => history.forget(e.document.uri));
  let scripted: Promise<ScriptedNextEdits | undefined> | undefined;
  const service = new NextEditService({
    settings: () => context.settings(),
    engine: (signal) => (nextEditModel(context.settings()).separate ? context.nextEditHost : context.host).requireEngine(signal),
    workspaceFolders: () => context.workspaceFolders(),
    history,
    openDocuments: () => documents.all().map((d) => ({ uri: d.uri, languageId: d.languageId, text: d.getText() })),
    // The test seam, read once on first use; a malformed script fails each request with its message.
    scripted: () =>
      (scripted ??= scriptedNextEditsFromEnv().then((found) => {
        if (found) context.log("warn", `Next edit: ${NEXT_EDIT_SCRIPT_ENV} is set; suggestions come from ${process.env[NEXT_EDIT_SCRIPT_ENV]}, not from a model (test seam).`);
        return found;
      })),
  });
  let latest: AbortController | undefined;

  connection.onRequest(NextEditRequest, async (params: NextEditParams, token): Promise<NextEditResponse> => {
    const started = performance.now();
    const document = documents.get(params.textDocument.uri);
    if (!document) return { cancelled: false, reason: "not-open" };
    latest?.abort();
    const controller = new AbortController();
    latest = controller;
    const signal = AbortSignal.any([controller.signal, toAbortSignal(token)]);
    const version = document.version;
    const result = await service.suggest({ uri: document.uri, languageId: document.languageId, text: document.getText() }, document.offsetAt(params.position), signal);
    const stats = result.stats && { ...result.stats, totalMs: performance.now() - started };
    if (stats) {
      context.log("debug", `Next edit (${stats.family}) for ${document.uri}: ${stats.promptTokens} prompt tokens, ${stats.evaluatedPromptTokens} evaluated, ${stats.reusedTokens} reused, ${stats.generatedTokens} generated in ${Math.round(stats.totalMs)} ms${result.suggestion ? "" : ` (no edit: ${result.reason ?? "cancelled"})`}.`);
    }
    const response: NextEditResponse = { cancelled: result.cancelled, version, ...(result.reason ? { reason: result.reason } : {}), ...(stats ? { stats } : {}) };
    // The document changed meanwhile: the offsets are for an older text.
    if (!result.suggestion || documents.get(document.uri)?.version !== version) return response;
    return { ...response, edit: { range: { start: document.positionAt(result.suggestion.start), end: document.positionAt(result.suggestion.end) }, newText: result.suggestion.text } };
  });
}
