// bench/completion: Pincer as the replay target, the bundled server (dist/server/main.mjs serve
// --stdio) over a real LSP connection: didChange + textDocument/inlineCompletion per key, and the
// server's own per-request record (pincer/completionStats) attached to each request.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { InlineCompletionRequest, InlineCompletionTriggerKind, type InlineCompletionList } from "vscode-languageserver-protocol";
import { CancellationTokenSource, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from "vscode-languageserver-protocol/node";
import { CompletionStatsRequest, DEFAULT_SETTINGS, type CompletionStat, type CompletionStatsResult } from "../../server/src/protocol";
import { startTestServer } from "../../test/support/lsp-client";
import { replay, type BenchOptions, type RequestRow, type Target } from "./replay";
import { log, type Place } from "./session";

export interface PincerRun {
  rows: RequestRow[];
  stats: CompletionStat[];
  /** How the server's records were paired with the requests, in words. */
  pairing: string;
  /** The thread counts the server chose (from its load log line). */
  threadsNote?: string;
}

export async function runPincer(modelPath: string, places: Place[], texts: Map<string, string>, options: BenchOptions): Promise<PincerRun> {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "pincer-bench-"));
  const server = await startTestServer({
    settings: {
      model: modelPath,
      threads: options.threads,
      contextSize: options.contextSize,
      completion: { ...DEFAULT_SETTINGS.completion, maxTokens: options.maxTokens, maxLines: options.maxLines, debounceMs: 0, firstSuggestionMs: options.firstSuggestionMs },
    },
    env: { PINCER_CACHE_DIR: cacheDir },
  });
  try {
    const loadStarted = performance.now();
    const ready = await server.waitForStatus((s) => s.state === "ready" || s.state === "error", "ready", 300_000);
    if (ready.state !== "ready") throw new Error(`the server did not load the model: ${ready.message}`);
    const loaded = await server.waitForLog(/^Loaded .* thread\(s\)/).catch(() => "");
    const threadsNote = /thread\(s\) \(([^)]*)\)/.exec(loaded)?.[1];
    log(`pincer: server ready in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (${ready.model}, ${ready.backend}; ${threadsNote ?? "threads unknown"})`);
    for (const [uri, text] of texts) {
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "javascript", version: 1, text } });
    }
    await server.connection.sendRequest(CompletionStatsRequest, {}); // start from an empty record
    const target: Target = {
      name: "pincer",
      change(place, document, change) {
        // Incremental sync, as VS Code sends it.
        void server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
          textDocument: { uri: place.uri, version: document.version },
          contentChanges: [change],
        });
      },
      async request(place, document, offset, signal) {
        const source = new CancellationTokenSource();
        signal.addEventListener("abort", () => source.cancel(), { once: true });
        const position = document.positionAt(offset);
        const result = (await server.connection.sendRequest(
          InlineCompletionRequest.type,
          { textDocument: { uri: place.uri }, position, context: { triggerKind: InlineCompletionTriggerKind.Automatic } },
          source.token,
        )) as InlineCompletionList | null;
        source.dispose();
        const text = result?.items[0]?.insertText;
        return { cancelled: signal.aborted && result === null, text: typeof text === "string" ? text : "" };
      },
    };
    const rows = await replay(target, places, texts, options.debounceMs);
    const { stats } = (await server.connection.sendRequest(CompletionStatsRequest, {})) as CompletionStatsResult;
    return { rows, stats, pairing: pairStats(rows, stats), threadsNote };
  } finally {
    await server.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * Attach the server's records to the requests. The server records every request just before it
 * answers (a cancelled one with what it cost so far, one that returned before reaching the engine
 * with source "none"), so records come in the order the answers arrive and pair one to one. As a
 * guard, a record that took longer than the client waited for the answer cannot be that answer's:
 * it is left for the next one and the answer counted as unrecorded.
 */
function pairStats(rows: RequestRow[], stats: CompletionStat[]): string {
  const answered = rows.filter((r) => r.arrival !== undefined).sort((a, b) => a.arrival! - b.arrival!);
  let j = 0;
  let unrecorded = 0;
  let suspect = 0;
  for (const row of answered) {
    const stat = stats[j];
    if (!stat || stat.totalMs > (row.latencyMs ?? Number.POSITIVE_INFINITY) + 1) {
      unrecorded++;
      continue;
    }
    row.stat = stat;
    j++;
    const answeredText = (row.answer?.text ?? "") !== "";
    if (stat.uri !== row.uri || (!stat.cancelled && !stat.empty && !answeredText) || (stat.cancelled && answeredText)) suspect++;
  }
  const left = stats.length - j;
  return (
    `${stats.length} server records for ${answered.length} answers: ${j} paired in answer order` +
    (unrecorded > 0 ? `, ${unrecorded} answered without a record (pairing suspect)` : "") +
    (left > 0 ? `, ${left} records left over (pairing suspect)` : "") +
    (suspect > 0 ? `, ${suspect} pairs disagree on the file or the answer (pairing suspect)` : "")
  );
}
