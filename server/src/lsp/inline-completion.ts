// textDocument/inlineCompletion (LSP 3.18): ghost text from the completion domain module. A newer
// request cancels the one in flight; every request's cost is recorded for pincer/completion/stats.
// An edit away from the current completion anchor, and pincer/completion/cursor (the client saw the
// cursor move), warm the prompt for that place in the background before any request comes.
import type { Connection, TextDocuments } from "vscode-languageserver";
import { InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { relatedChunksProvider } from "../codebase/codebase-service";
import type { CompletionResult } from "../completion/complete";
import { completionModel, CompletionService, type CompletionDocument } from "../completion/completion-service";
import type { WarmEvent } from "../completion/completion-session";
import { RecentEdits } from "../completion/recent-edits";
import { parserPool, textEdit } from "../index/parser-pool";
import { prepareSymbols } from "../index/symbols";
import { CompletionCursorNotification, CompletionStatsRequest, type CompletionCursorParams, type CompletionStat, type CompletionStatsResult } from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";
import { remoteCompleterFor } from "../remote/role-models";

const MAX_STATS = 5_000;

export function registerInlineCompletion(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  let latest: AbortController | undefined;
  let stats: CompletionStat[] = [];
  const onWarm = (event: WarmEvent) =>
    context.log("debug", `Completion prompt ${event.kind === "grown" ? "grown to its full size" : "warmed before a request"} at ${event.uri}: ${event.layoutTokens} tokens.`);
  const completionDocument = (document: TextDocument): CompletionDocument => ({ uri: document.uri, languageId: document.languageId, text: document.getText(), version: document.version });
  // The cursor is at one of `offsets` (the likeliest last) with no request yet: warm that place. A
  // newer hint supersedes one still waiting for a model being loaded.
  let hinting: AbortController | undefined;
  const hint = (document: TextDocument, offsets: readonly number[]) => {
    hinting?.abort();
    const controller = new AbortController();
    hinting = controller;
    const isCurrent = () => documents.get(document.uri)?.version === document.version;
    void service.hint(completionDocument(document), offsets, isCurrent, controller.signal).catch((error: unknown) => context.log("debug", `Completion hint failed: ${String(error)}`));
  };
  const service = new CompletionService({
    settings: () => context.settings(),
    engine: (signal) => (completionModel(context.settings()).separate ? context.completionHost : context.host).requireEngine(signal),
    workspaceFolders: () => context.workspaceFolders(),
    roots: () => context.roots(),
    openDocuments: () => documents.all().map((d) => ({ uri: d.uri, languageId: d.languageId, text: d.getText() })),
    recentEdits: trackRecentEdits(documents, hint),
    remote: (signal) => remoteCompleterFor(context.settings(), context.remote, signal),
    warm: { onEvent: onWarm },
    // Chunks from the codebase index, only when they come within 25 ms (chosen once per layout).
    ...(context.codebase ? { relatedChunks: relatedChunksProvider(() => context.codebase?.()) } : {}),
  });
  connection.onNotification(CompletionCursorNotification, (params: CompletionCursorParams) => {
    const document = documents.get(params.textDocument.uri);
    if (document) hint(document, [document.offsetAt(params.position)]);
  });

  connection.onRequest(InlineCompletionRequest.type, async (params, token): Promise<InlineCompletionList | null> => {
    const started = performance.now();
    if (!context.settings().completion.enabled) return null;
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    // A newer keystroke supersedes the request in flight.
    latest?.abort();
    const controller = new AbortController();
    latest = controller;
    const signal = AbortSignal.any([controller.signal, toAbortSignal(token)]);
    const result = await service.complete(completionDocument(document), document.offsetAt(params.position), signal);
    record(document.uri, started, result);
    const cut = result.stats?.relayout ? result.stats.truncated : undefined;
    if (cut && (cut.prefixChars > 0 || cut.suffixChars > 0 || cut.contextChunks > 0)) {
      context.log("debug", `Completion prompt for ${document.uri} left out ${cut.prefixChars} characters before the cursor, ${cut.suffixChars} after it and ${cut.contextChunks} context chunk(s) to fit the context window.`);
    }
    if (result.cancelled || result.insertText === "") return null;
    return { items: [{ insertText: result.insertText, range: { start: params.position, end: params.position } }] };
  });

  connection.onRequest(CompletionStatsRequest, (): CompletionStatsResult => {
    const taken = stats;
    stats = [];
    return { stats: taken };
  });

  function record(uri: string, started: number, result: CompletionResult): void {
    stats.push({
      uri,
      totalMs: performance.now() - started,
      modelMs: result.stats?.modelMs ?? 0,
      queuedMs: result.stats?.queuedMs ?? 0,
      evaluatedPromptTokens: result.stats?.evaluatedPromptTokens ?? 0,
      reusedTokens: result.stats?.reusedTokens ?? 0,
      source: result.stats?.source ?? "none",
      relayout: result.stats?.relayout ?? false,
      cancelled: result.cancelled,
      empty: result.insertText === "",
      ...(result.stats?.layoutTokens !== undefined ? { layoutTokens: result.stats.layoutTokens } : {}),
      ...(result.stats?.layoutKind ? { layoutKind: result.stats.layoutKind } : {}),
      ...(result.stats?.budgetTokens !== undefined ? { budgetTokens: result.stats.budgetTokens } : {}),
      ...(result.stats?.growth ? { growth: result.stats.growth } : {}),
    });
    if (stats.length > MAX_STATS) stats.shift();
  }
}

/**
 * Records which lines each change touched (the common start and end of the old and new text), and
 * tells `onEdit` where the edit ended: the cursor is there now. Where the text repeats ("v" typed
 * before "value") the end is ambiguous; both readings are given, the one nearest the start first.
 */
function trackRecentEdits(documents: TextDocuments<TextDocument>, onEdit: (document: TextDocument, offsets: number[]) => void): RecentEdits {
  const recent = new RecentEdits();
  const lastText = new Map<string, string>();
  documents.onDidOpen((e) => {
    lastText.set(e.document.uri, e.document.getText());
    // Compile the language's queries now, so the first completion does not pay for it.
    void prepareSymbols(e.document.languageId).catch(() => undefined);
  });
  documents.onDidClose((e) => {
    lastText.delete(e.document.uri);
    recent.forget(e.document.uri);
    parserPool.forget(e.document.uri); // the tree kept for block ends
  });
  documents.onDidChangeContent((e) => {
    const before = lastText.get(e.document.uri);
    const after = e.document.getText();
    lastText.set(e.document.uri, after);
    if (before === undefined || before === after) return;
    const edit = textEdit(before, after);
    recent.record(e.document.uri, edit.startPosition.row, edit.newEndPosition.row);
    const earliest = earliestEditEnd(before, after, edit.startIndex, edit.oldEndIndex, edit.newEndIndex);
    onEdit(e.document, earliest === edit.newEndIndex ? [edit.newEndIndex] : [earliest, edit.newEndIndex]);
  });
  return recent;
}

/**
 * The earliest place the same edit could end: the change is slid left while the character before it
 * equals its last one, in both texts (so a "v" typed before "value" may be the first "v" or the second).
 */
export function earliestEditEnd(before: string, after: string, start: number, oldEnd: number, newEnd: number): number {
  while (start > 0 && after.charCodeAt(start - 1) === after.charCodeAt(newEnd - 1) && (oldEnd === start || before.charCodeAt(start - 1) === before.charCodeAt(oldEnd - 1))) {
    if (newEnd === start && oldEnd === start) break;
    start--;
    oldEnd--;
    newEnd--;
  }
  return newEnd;
}
