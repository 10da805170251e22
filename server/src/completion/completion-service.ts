// Inline completion for both hosts (ghost text through lsp/inline-completion.ts, `pincer complete`):
// which model answers (decided here only: `completion.model` when set, else the main model), the
// path the model sees, the extra context (definitions from open documents and the files this one
// imports, recent edits), and the one completeAt call. Hosts give the documents and the engine. An
// editor session (deps.warm) also gets the first-suggestion time budget and background warming:
// cursor hints, and the full prompt grown after a quick first one.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Engine } from "../engine/engine";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { PincerSettings } from "../protocol/settings";
import { completeAt, hintCompletion, type CompletionRequest, type CompletionResult } from "./complete";
import type { Completer } from "./completer";
import type { WarmEvent } from "./completion-session";
import { selectContext, type OpenDocument } from "./context-select";
import type { ContextChunk } from "./fim-format";
import { workspaceImportReader } from "./import-reader";
import type { RecentEdits } from "./recent-edits";

/**
 * The settings the completion model loads with: `completion.model` when set (a separate, smaller
 * model that stays loaded beside the main one), else the main model. `separate` says which.
 */
export function completionModel(settings: PincerSettings): { separate: boolean; settings: PincerSettings } {
  const separate = settings.completion.model !== "";
  return { separate, settings: separate ? separateModelSettings(settings) : settings };
}

/** What the host of the separate completion model loads: `completion.model`, or nothing (idle) when it is empty. */
export function separateModelSettings(settings: PincerSettings): PincerSettings {
  return { ...settings, model: settings.completion.model };
}

/** A workspace-relative path for the model to see, or the file name outside every folder. */
export function displayPath(uriOrPath: string, folders: readonly string[]): string {
  if (uriOrPath.includes(":") && !uriOrPath.startsWith("file:") && !path.isAbsolute(uriOrPath)) return uriOrPath;
  const file = uriOrPath.startsWith("file:") ? fileURLToPath(uriOrPath) : uriOrPath;
  for (const folder of folders) {
    const relative = path.relative(folder, file);
    if (!relative.startsWith("..") && !path.isAbsolute(relative)) return relative.split(path.sep).join("/");
  }
  return path.basename(file);
}

export interface CompletionDocument {
  /** The document's URI (`file:` for files on disk; imports are read only next to those). */
  uri: string;
  languageId: string;
  text: string;
  /**
   * The editor's version of the text, when there is one: a hint and the request after it at the same
   * version and place share one context selection.
   */
  version?: number;
}

export interface CompletionServiceDeps {
  settings(): PincerSettings;
  /** The engine `completionModel(settings)` names; rejects when it is not loaded. */
  engine(signal: AbortSignal): Promise<Engine>;
  workspaceFolders(): readonly string[];
  /** The workspace folders as confinement roots: imports are read only inside them. */
  roots(): Promise<WorkspaceRoots>;
  /** Documents open beside this one (their definitions are context); none in the CLI. */
  openDocuments(): readonly CompletionDocument[];
  recentEdits?: RecentEdits;
  /** A remote engine for completions (pincer.remote.completion.url), or undefined for the local model. */
  remote?(signal: AbortSignal): Promise<Completer | undefined>;
  /**
   * An editor session: the first suggestion at a new place within `completion.firstSuggestionMs`, the
   * full prompt grown in the background, cursor hints warmed. A one-off request (the CLI) leaves it
   * out and lays out the full prompt at once. `onEvent` hears what background work finished.
   */
  warm?: { onEvent?: (event: WarmEvent) => void };
  /** Chunks of other files related to the names near the cursor (the codebase index); least sure, so last. */
  relatedChunks?: (names: readonly string[], currentPath: string, signal: AbortSignal) => Promise<ContextChunk[]>;
}

export class CompletionService {
  private readonly readImport;
  private lastContext: { key: string; chunks: Promise<ContextChunk[]> } | undefined;

  constructor(private readonly deps: CompletionServiceDeps) {
    this.readImport = workspaceImportReader(() => deps.roots(), (uri) => this.path(uri));
  }

  /** The suggestion at `offset`; empty when no model is loaded or the request was cancelled first. */
  async complete(document: CompletionDocument, offset: number, signal: AbortSignal): Promise<CompletionResult> {
    const settings = this.deps.settings();
    const remote = await this.deps.remote?.(signal);
    const engine = remote ? undefined : await this.deps.engine(signal).catch(() => undefined);
    if ((!engine && !remote) || signal.aborted) return { insertText: "", usedInfill: false, cancelled: signal.aborted };
    const warm = this.deps.warm;
    const request: CompletionRequest = {
      uri: document.uri,
      path: this.path(document.uri),
      languageId: document.languageId,
      text: document.text,
      offset,
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      context: this.contextFor(document, offset, signal),
      // The first-suggestion budget and background warming are the local engine's (its KV cache).
      ...(warm && !remote ? { firstSuggestionMs: settings.completion.firstSuggestionMs, warm } : {}),
      signal,
    };
    return remote ? remote.complete(request) : completeAt(engine!, request);
  }

  /**
   * The cursor is at one of `offsets` (the likeliest last) with no request yet: an edit ended there,
   * or the client saw the cursor move. Warms that place's prompt in the background (editor sessions
   * only, and not with a first-suggestion budget of 0). Never loads a model: it waits for one being
   * loaded, else does nothing. `isCurrent` says whether the document is still at this text.
   */
  async hint(document: CompletionDocument, offsets: readonly number[], isCurrent: () => boolean, signal: AbortSignal): Promise<void> {
    const settings = this.deps.settings();
    if (!this.deps.warm || !settings.completion.enabled || settings.completion.firstSuggestionMs === 0) return;
    // A remote engine answers completions (or is set but not usable yet): no local prompt to warm.
    if (this.deps.remote && (await this.deps.remote(signal).catch(() => true))) return;
    const engine = await this.deps.engine(signal).catch(() => undefined);
    if (!engine || signal.aborted || !isCurrent()) return; // no model, superseded, or edited again meanwhile
    const places = offsets.map((offset) => ({
      uri: document.uri,
      path: this.path(document.uri),
      prefix: document.text.slice(0, offset),
      suffix: document.text.slice(offset),
      context: this.contextFor(document, offset, signal),
    }));
    hintCompletion(engine, places, { maxTokens: settings.completion.maxTokens, onEvent: this.deps.warm.onEvent });
  }

  /**
   * The extra context at `offset`, chosen when the prompt is laid out. The last choice is kept by
   * document version and place: a hint and the request that follows it share one tree-sitter pass
   * (the server runs on one thread, so a second pass would delay the request).
   */
  private contextFor(document: CompletionDocument, offset: number, signal: AbortSignal): (prefixWindowChars: number) => Promise<ContextChunk[]> {
    return (prefixWindowChars) => {
      const key = document.version === undefined ? undefined : `${document.uri}\n${document.version}\n${offset}\n${prefixWindowChars}`;
      if (key !== undefined && this.lastContext?.key === key) return this.lastContext.chunks;
      const open: OpenDocument[] = this.deps.openDocuments().map((d) => ({ ...d, path: this.path(d.uri) }));
      const query = { uri: document.uri, path: this.path(document.uri), languageId: document.languageId, text: document.text, offset, prefixWindowChars };
      const related = this.deps.relatedChunks;
      // Related chunks are optional context: a cancelled or failed lookup leaves them out.
      const relatedFor = related ? (names: readonly string[], current: string) => related(names, current, signal).catch(() => []) : undefined;
      const chunks = selectContext(query, open, this.deps.recentEdits, this.readImport, relatedFor);
      if (key !== undefined) {
        this.lastContext = { key, chunks };
        chunks.catch(() => (this.lastContext = this.lastContext?.key === key ? undefined : this.lastContext));
      }
      return chunks;
    };
  }

  private path(uri: string): string {
    return displayPath(uri, this.deps.workspaceFolders());
  }
}
