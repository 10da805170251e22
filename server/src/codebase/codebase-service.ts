// THE façade of the codebase index for its hosts (LSP handler, CLI commands, agent tool, chat
// picker, completion context). It keeps one index per set of workspace folders, the embedding
// model the settings name, and the background work: full runs, debounced runs for changed files,
// cancel, and a pause while the machine runs on battery. Everything else in codebase/ is internal.
import { promises as fs } from "node:fs";
import path from "node:path";
import { EmbeddingModel } from "../engine/embedding";
import { errorText } from "../engine/model-check";
import { downloadTarget, parseModelSpec } from "../models/model-spec";
import { resolveModelsDir } from "../models/models-dir";
import { PincerError } from "../platform/errors";
import type { Logger } from "../platform/log";
import type { PincerSettings } from "../protocol/settings";
import { embedderFor } from "./embedding-prompts";
import { CodebaseIndex, CodebaseStorageError, IndexPausedError, type UpdateReport } from "./index-service";
import { powerState, type PowerState } from "./power-source";
import { formatHits, searchObservation } from "./search-format";
import type { CodebaseSearchResult, Embedder, IndexStatus } from "./types";

export { CodebaseStorageError, formatHits, searchObservation };
export { excludeGlobs } from "./file-filter";
export { relatedChunksProvider, type RelatedChunksProvider } from "./completion-context";
export type { CodebaseSearchResult, IndexStatus, UpdateReport };
export type { CodebaseHit } from "./types";

/** No index to ask: no workspace folder, indexing off, or the embedding model is not downloaded. */
export class CodebaseUnavailableError extends PincerError {
  override name = "CodebaseUnavailableError";
  constructor(message: string) {
    super(message, "not-available");
  }
}

export interface CodebaseConfig {
  folders: readonly string[];
  /** VS Code `files.exclude` globs that are on. */
  excludes: readonly string[];
  settings: Pick<PincerSettings, "index" | "gpu" | "modelsDir">;
  /** Background work runs by itself (the editor); the CLI calls reindex() instead. */
  background: boolean;
}

const DEBOUNCE_MS = 400;
const POWER_RECHECK_MS = 60_000;

export class CodebaseService {
  private index: CodebaseIndex | undefined;
  private indexKey = "";
  private embedding: { spec: string; model: EmbeddingModel; embedder: Embedder } | undefined;
  private embeddingKey = "";
  private embeddingLoad: AbortController | undefined;
  private config: CodebaseConfig | undefined;
  private run: AbortController | undefined;
  private pending = new Set<string>();
  private fullPending = false;
  private debounce: NodeJS.Timeout | undefined;
  private powerTimer: NodeJS.Timeout | undefined;
  private power: PowerState = "unknown";
  private readonly listeners = new Set<(status: IndexStatus) => void>();
  private unsubscribe: (() => void) | undefined;
  private updatedOnce = false;
  private lastStatus: IndexStatus = { state: "idle", files: 0, chunks: 0, embedded: 0, done: 0, total: 0 };

  constructor(
    private readonly options: { storageDir: string; log: Logger; powerState?: () => Promise<PowerState> },
  ) {}

  get status(): IndexStatus {
    return this.lastStatus;
  }

  onStatus(listener: (status: IndexStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies folders, excludes and settings: opens (or switches) the index and the embedding model. */
  async configure(config: CodebaseConfig): Promise<void> {
    this.config = config;
    const enabled = config.settings.index.enabled && config.folders.length > 0;
    const key = JSON.stringify([config.folders, config.excludes, config.settings.index.maxFileKb]);
    if (!enabled) {
      await this.closeIndex();
      await this.setEmbeddingModel("");
      this.emit({ ...this.lastStatus, state: "idle", message: config.folders.length === 0 ? "No workspace folder." : "Codebase indexing is off (pincer.index.enabled)." });
      return;
    }
    if (key !== this.indexKey || !this.index) {
      await this.closeIndex();
      this.index = await CodebaseIndex.open({
        folders: config.folders,
        storageDir: this.options.storageDir,
        excludes: config.excludes,
        limits: { maxFileBytes: config.settings.index.maxFileKb * 1024 },
        log: this.options.log,
      });
      this.indexKey = key;
      this.unsubscribe = this.index.onStatus((status) => this.emit(status));
      // A new set of folders keeps the embedding model already loaded.
      if (this.embedding) await this.index.setEmbedder(this.embedding.embedder);
      this.emit(this.index.status);
      if (config.background) this.requestFull();
    }
    await this.setEmbeddingModel(config.settings.index.embeddingModel);
  }

  /** A full run now, asked for by a person (the CLI's `pincer index`, the editor's re-index): it runs on battery too. */
  async reindex(options: { signal: AbortSignal; embed?: boolean }): Promise<UpdateReport> {
    const index = this.requireIndex();
    // This run covers whatever background work was waiting.
    clearTimeout(this.debounce);
    this.fullPending = false;
    this.pending.clear();
    this.run?.abort();
    const report = await index.update({ signal: options.signal, embed: options.embed });
    this.updatedOnce = true;
    return report;
  }

  /** Files changed, created or deleted (any name inside the workspace): a debounced background update. */
  filesChanged(paths: readonly string[]): void {
    for (const p of paths) this.pending.add(path.resolve(p));
    this.schedule();
  }

  requestFull(): void {
    this.fullPending = true;
    this.schedule();
  }

  /** Stops the running background update (what it finished stays indexed). */
  cancel(): void {
    this.run?.abort();
  }

  /** Without background work (the CLI), the first search brings the index up to date first (no new vectors). */
  async search(query: string, options: { limit?: number; signal: AbortSignal; lexicalOnly?: boolean }): Promise<CodebaseSearchResult> {
    const index = this.requireIndex();
    if (this.config?.background === false && !this.updatedOnce) await this.reindex({ signal: options.signal, embed: false });
    return index.search(query, options);
  }

  get available(): boolean {
    return this.index !== undefined;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.debounce);
    clearInterval(this.powerTimer);
    this.run?.abort();
    this.embeddingLoad?.abort();
    await this.closeIndex();
    await this.embedding?.model.dispose();
    this.embedding = undefined;
  }

  private requireIndex(): CodebaseIndex {
    if (!this.index) throw new CodebaseUnavailableError(this.lastStatus.message ?? "The codebase index is not open (no workspace folder, or indexing is off).");
    return this.index;
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.drain(), DEBOUNCE_MS);
    this.debounce.unref?.();
  }

  /** Runs what is pending, one update at a time; a pause retries when the power state is rechecked. */
  private async drain(): Promise<void> {
    if (this.run || !this.index) return;
    const full = this.fullPending;
    const paths = [...this.pending];
    if (!full && paths.length === 0) return;
    this.fullPending = false;
    this.pending.clear();
    const controller = new AbortController();
    this.run = controller;
    await this.refreshPower();
    try {
      const report = await this.index.update({ signal: controller.signal, paths: full ? undefined : paths, shouldPause: () => this.shouldPause() });
      this.updatedOnce = true;
      this.options.log("info", `Codebase index: ${report.changed} changed, ${report.removed} removed, ${report.chunksAdded} chunks, ${report.embedded} embedded in ${Math.round(report.ms)} ms.`);
    } catch (error) {
      if (error instanceof IndexPausedError) {
        // Nothing is lost: the next run starts where the manifest says.
        this.fullPending = this.fullPending || full;
        for (const p of paths) this.pending.add(p);
      } else if (!controller.signal.aborted) this.options.log("warn", `Codebase index: ${errorText(error)}`);
    } finally {
      this.run = undefined;
    }
    if (this.pending.size > 0 || this.fullPending) {
      if (this.shouldPause()) this.watchPower();
      else this.schedule();
    }
  }

  private shouldPause(): boolean {
    return this.config?.settings.index.pauseOnBattery === true && this.power === "battery";
  }

  private async refreshPower(): Promise<void> {
    this.power = await (this.options.powerState ?? powerState)().catch(() => "unknown" as const);
    this.watchPower();
  }

  /** While work waits or runs, the power state is read again every minute. */
  private watchPower(): void {
    if (this.powerTimer) return;
    this.powerTimer = setInterval(() => {
      void (this.options.powerState ?? powerState)().then((state) => {
        this.power = state;
        if (!this.shouldPause() && !this.run && (this.pending.size > 0 || this.fullPending)) this.schedule();
        if (!this.run && this.pending.size === 0 && !this.fullPending) {
          clearInterval(this.powerTimer);
          this.powerTimer = undefined;
        }
      });
    }, POWER_RECHECK_MS);
    this.powerTimer.unref?.();
  }

  private async setEmbeddingModel(spec: string): Promise<void> {
    const settings = this.config?.settings;
    const key = JSON.stringify([spec, settings?.gpu, settings?.modelsDir]);
    if (key === this.embeddingKey) return;
    this.embeddingKey = key;
    // A newer setting or dispose() stops a load still in progress.
    this.embeddingLoad?.abort();
    const loading = new AbortController();
    this.embeddingLoad = loading;
    const previous = this.embedding;
    this.embedding = undefined;
    await this.index?.setEmbedder(undefined);
    await previous?.model.dispose();
    if (spec === "" || !settings) return;
    try {
      const modelPath = await resolveEmbeddingModel(spec, settings.modelsDir);
      const model = await EmbeddingModel.load({ modelPath, gpu: settings.gpu, log: this.options.log, signal: loading.signal });
      if (this.embeddingKey !== key) {
        await model.dispose(); // the setting changed while it loaded
        return;
      }
      const embedder = embedderFor(model, path.basename(modelPath));
      this.embedding = { spec, model, embedder };
      await this.index?.setEmbedder(embedder);
      this.options.log("info", `Codebase index: embeddings from ${model.facts.name} (${model.dimensions} dimensions).`);
      if (this.config?.background) this.requestFull();
    } catch (error) {
      if (loading.signal.aborted) return;
      this.options.log("warn", `Codebase index: the embedding model is not available, so search is keyword-only: ${errorText(error)}`);
      this.emit({ ...this.lastStatus, message: `Embedding model unavailable: ${errorText(error)}` });
    }
  }

  private async closeIndex(): Promise<void> {
    this.run?.abort();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const index = this.index;
    this.index = undefined;
    this.indexKey = "";
    await index?.close();
  }

  private emit(status: IndexStatus): void {
    this.lastStatus = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** A path, or a downloaded `hf:`/https model; a remote one that is not downloaded is an error that says how. */
export async function resolveEmbeddingModel(spec: string, modelsDir: string): Promise<string> {
  const parsed = parseModelSpec(spec);
  if (parsed.kind === "path") return parsed.path;
  const target = downloadTarget(parsed, resolveModelsDir(modelsDir));
  if (!(await fs.stat(target).then((s) => s.isFile(), () => false))) {
    throw new CodebaseUnavailableError(`${parsed.uri} is not downloaded yet. Download it with "Pincer: Download Model…" or \`pincer download ${parsed.uri}\`.`);
  }
  return target;
}
