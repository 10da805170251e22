// textDocument/inlineCompletion (LSP 3.18): ghost text from the completion domain module. A newer
// request cancels the one in flight; every request's cost is recorded for pincer/completionStats.
// An edit away from the current completion anchor, and pincer/completionCursor (the client saw the
// cursor move), warm the prompt for that place in the background before any request comes.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, TextDocuments } from "vscode-languageserver";
import { InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { completeAt, hintCompletion, type CompletionResult } from "../completion/complete";
import type { WarmEvent } from "../completion/completion-session";
import { selectContext } from "../completion/context-select";
import type { ContextChunk } from "../completion/fim-format";
import { workspaceImportReader } from "../completion/import-reader";
import { RecentEdits } from "../completion/recent-edits";
import { parserPool, textEdit } from "../index/parser-pool";
import { prepareSymbols } from "../index/symbols";
import { CompletionCursorNotification, CompletionStatsRequest, type CompletionCursorParams, type CompletionStat, type CompletionStatsResult } from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

const MAX_STATS = 5_000;

export function registerInlineCompletion(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  let latest: AbortController | undefined;
  let stats: CompletionStat[] = [];
  const relativePath = (uri: string) => displayPath(uri, context.workspaceFolders());
  const readImport = workspaceImportReader(() => context.workspaceFolders(), relativePath);
  const completionHost = () => (context.settings().completion.model === "" ? context.host : context.completionHost);
  const onWarm = (event: WarmEvent) =>
    context.log("debug", `Completion prompt ${event.kind === "grown" ? "grown to its full size" : "warmed before a request"} at ${event.uri}: ${event.layoutTokens} tokens.`);
  // The last context chosen, by document version and place: a hint and the request that follows it
  // at the same place share one tree-sitter pass (the server runs on one thread, so a second pass
  // would delay the request).
  let lastContext: { key: string; chunks: Promise<ContextChunk[]> } | undefined;
  const contextFor = (document: TextDocument, offset: number) => (prefixWindowChars: number) => {
    const key = `${document.uri}\n${document.version}\n${offset}\n${prefixWindowChars}`;
    if (lastContext?.key === key) return lastContext.chunks;
    const chunks = selectContext(
      { uri: document.uri, path: relativePath(document.uri), languageId: document.languageId, text: document.getText(), offset, prefixWindowChars },
      documents.all().map((d) => ({ uri: d.uri, path: relativePath(d.uri), languageId: d.languageId, text: d.getText() })),
      recentEdits,
      readImport,
    );
    lastContext = { key, chunks };
    chunks.catch(() => (lastContext = lastContext?.key === key ? undefined : lastContext));
    return chunks;
  };
  // The cursor is at one of `offsets` (the likeliest last) with no request yet: warm that place.
  // This never loads a model.
  const hint = (document: TextDocument, offsets: readonly number[]) => {
    const settings = context.settings();
    if (!settings.completion.enabled || settings.completion.firstSuggestionMs === 0) return;
    void completionHost()
      .requireEngine()
      .then((engine) => {
        if (documents.get(document.uri)?.version !== document.version) return; // edited again meanwhile
        const text = document.getText();
        const places = offsets.map((offset) => ({
          uri: document.uri,
          path: relativePath(document.uri),
          prefix: text.slice(0, offset),
          suffix: text.slice(offset),
          context: contextFor(document, offset),
        }));
        hintCompletion(engine, places, { maxTokens: settings.completion.maxTokens, onEvent: onWarm });
      })
      .catch(() => undefined);
  };
  const recentEdits = trackRecentEdits(documents, hint);
  connection.onNotification(CompletionCursorNotification, (params: CompletionCursorParams) => {
    const document = documents.get(params.textDocument.uri);
    if (document) hint(document, [document.offsetAt(params.position)]);
  });

  connection.onRequest(InlineCompletionRequest.type, async (params, token): Promise<InlineCompletionList | null> => {
    const started = performance.now();
    const settings = context.settings();
    if (!settings.completion.enabled) return null;
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    // A newer keystroke supersedes the request in flight.
    latest?.abort();
    const controller = new AbortController();
    latest = controller;
    const signal = AbortSignal.any([controller.signal, toAbortSignal(token)]);
    const engine = await completionHost().requireEngine().catch(() => undefined);
    if (!engine || signal.aborted) {
      record(document.uri, started, { insertText: "", usedInfill: false, cancelled: signal.aborted });
      return null;
    }
    const result = await completeAt(engine, {
      uri: document.uri,
      path: relativePath(document.uri),
      text: document.getText(),
      offset: document.offsetAt(params.position),
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      languageId: document.languageId,
      context: contextFor(document, document.offsetAt(params.position)),
      firstSuggestionMs: settings.completion.firstSuggestionMs,
      warm: { onEvent: onWarm },
      signal,
    });
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

/** A workspace-relative path for the model to see, or the file name outside any folder. */
function displayPath(uri: string, folders: readonly string[]): string {
  if (!uri.startsWith("file:")) return uri;
  const file = fileURLToPath(uri);
  for (const folder of folders) {
    const relative = path.relative(folder, file);
    if (!relative.startsWith("..") && !path.isAbsolute(relative)) return relative.split(path.sep).join("/");
  }
  return path.basename(file);
}
