// textDocument/inlineCompletion (LSP 3.18): ghost text from the completion domain module. A newer
// request cancels the one in flight; every request's cost is recorded for pincer/completionStats.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, TextDocuments } from "vscode-languageserver";
import { InlineCompletionRequest, type InlineCompletionList } from "vscode-languageserver-protocol";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { completeAt, type CompletionResult } from "../completion/complete";
import { CompletionStatsRequest, type CompletionStat, type CompletionStatsResult } from "../protocol";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

const MAX_STATS = 5_000;

export function registerInlineCompletion(connection: Connection, documents: TextDocuments<TextDocument>, context: ServerContext): void {
  let latest: AbortController | undefined;
  let stats: CompletionStat[] = [];

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
    const completionHost = settings.completion.model === "" ? context.host : context.completionHost;
    const engine = await completionHost.requireEngine().catch(() => undefined);
    if (!engine || signal.aborted) return null;
    const result = await completeAt(engine, {
      uri: document.uri,
      path: displayPath(document.uri, context.workspaceFolders()),
      text: document.getText(),
      offset: document.offsetAt(params.position),
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      signal,
    });
    record(document.uri, started, result);
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
      evaluatedPromptTokens: result.stats?.evaluatedPromptTokens ?? 0,
      reusedTokens: result.stats?.reusedTokens ?? 0,
      source: result.stats?.source ?? "none",
      relayout: result.stats?.relayout ?? false,
      cancelled: result.cancelled,
      empty: result.insertText === "",
    });
    if (stats.length > MAX_STATS) stats.shift();
  }
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
