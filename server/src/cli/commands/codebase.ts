// pincer index / pincer search: the codebase index from the command line, over the same façade
// as the editor (codebase/codebase-service.ts), stored in Pincer's cache folder.
import path from "node:path";
import { promises as fs } from "node:fs";
import { InputFileError } from "../input-file";
import { CodebaseService, CodebaseUnavailableError, formatHits } from "../../codebase/codebase-service";
import { errorText } from "../../engine/model-check";
import { stderrLogger } from "../../platform/log";
import type { PincerSettings } from "../../protocol";
import { defaultCacheDir } from "../../store/json-store";
import { ProgressBar } from "../progress-bar";
import { EXIT_FAILURE, EXIT_OK } from "../usage";

interface CommonArgs {
  workspace?: string;
  embeddingModel?: string;
  json: boolean;
}

/** The index of the workspace; a CodebaseStorageError or CodebaseUnavailableError (PincerErrors) reaches exit-codes.ts. */
async function openService(settings: PincerSettings, args: CommonArgs): Promise<CodebaseService> {
  const folder = path.resolve(args.workspace ?? ".");
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputFileError(`--workspace ${args.workspace ?? "."} is not a folder${stat ? "" : " (it does not exist)"}.`);
  const service = new CodebaseService({ storageDir: defaultCacheDir(), log: stderrLogger(process.env.PINCER_LOG === "debug" ? "debug" : "warn") });
  const index = { ...settings.index, enabled: true, embeddingModel: args.embeddingModel ?? settings.index.embeddingModel };
  try {
    await service.configure({ folders: [path.resolve(args.workspace ?? ".")], excludes: [], settings: { ...settings, index }, background: false });
    if (!service.available) throw new CodebaseUnavailableError(service.status.message ?? "the workspace cannot be indexed");
    return service;
  } catch (error) {
    await service.dispose();
    throw error;
  }
}

export async function indexWorkspace(settings: PincerSettings, args: CommonArgs, signal: AbortSignal): Promise<number> {
  const service = await openService(settings, args);
  const bar = new ProgressBar("Indexing");
  const stop = service.onStatus((s) => {
    if (!args.json && s.total > 0) bar.update(s.done / s.total, s.message ?? "");
  });
  try {
    const report = await service.reindex({ signal });
    bar.finish("");
    const status = service.status;
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ workspace: path.resolve(args.workspace ?? "."), ...report, files: status.files, chunks: status.chunks, vectors: status.embedded, embeddingModel: status.embeddingModel ?? null, note: status.message ?? null })}\n`);
    } else {
      process.stdout.write(
        `Indexed ${status.files} files, ${status.chunks} chunks (${report.changed} changed, ${report.removed} removed) in ${(report.ms / 1000).toFixed(1)} s; ` +
          `${status.embeddingModel ? `${status.embedded} vectors from ${status.embeddingModel}` : "keyword search only (no embedding model set)"}.\n`,
      );
      if (status.message) process.stderr.write(`pincer: ${status.message}\n`);
    }
    return EXIT_OK;
  } catch (error) {
    bar.finish("");
    if (signal.aborted) throw error;
    process.stderr.write(`pincer: indexing failed: ${errorText(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    stop();
    await service.dispose();
  }
}

export async function searchCodebase(settings: PincerSettings, args: CommonArgs & { query: string; limit?: number }, signal: AbortSignal): Promise<number> {
  const service = await openService(settings, args);
  try {
    // Changed files are picked up first (a stat per file when nothing changed); vectors are not computed here.
    await service.reindex({ signal, embed: false });
    const result = await service.search(args.query, { limit: args.limit ?? 10, signal });
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ query: args.query, mode: result.mode, tookMs: Math.round(result.tookMs * 10) / 10, pendingEmbeddings: result.pendingEmbeddings, hits: result.hits })}\n`);
    } else if (result.hits.length === 0) {
      process.stderr.write("pincer: no matches\n");
    } else {
      process.stdout.write(`${formatHits(result.hits, Number.MAX_SAFE_INTEGER).text}\n`);
    }
    return EXIT_OK;
  } finally {
    await service.dispose();
  }
}
