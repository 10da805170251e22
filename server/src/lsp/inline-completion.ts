// textDocument/inlineCompletion (LSP 3.18): ghost text from the completion domain module.
import type { Connection, TextDocuments } from "vscode-languageserver";
import { InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { completeAt } from "../completion/complete";
import type { ServerContext } from "./context";
import { toAbortSignal } from "./cancellation";

export function registerInlineCompletion(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  let latest: AbortController | undefined;
  connection.onRequest(InlineCompletionRequest.type, async (params, token): Promise<InlineCompletionList | null> => {
    const settings = context.settings();
    if (!settings.completion.enabled) return null;
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    // A newer keystroke supersedes the request in flight.
    latest?.abort();
    const controller = new AbortController();
    latest = controller;
    const signal = AbortSignal.any([controller.signal, toAbortSignal(token)]);
    const engine = await context.host.requireEngine().catch(() => undefined);
    if (!engine || signal.aborted) return null;
    const result = await completeAt(engine, {
      text: document.getText(),
      offset: document.offsetAt(params.position),
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      signal,
    });
    if (result.cancelled || result.insertText === "") return null;
    return { items: [{ insertText: result.insertText, range: { start: params.position, end: params.position } }] };
  });
}
