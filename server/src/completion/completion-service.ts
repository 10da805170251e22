// Inline completion for both hosts (ghost text through lsp/inline-completion.ts, `pincer complete`):
// which model answers (decided here only: `completion.model` when set, else the main model), the
// path the model sees, the extra context (definitions from open documents and the files this one
// imports, recent edits), and the one completeAt call. Hosts give the documents and the engine.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Engine } from "../engine/engine";
import type { WorkspaceRoots } from "../platform/workspace-paths";
import type { PincerSettings } from "../protocol/settings";
import { completeAt, type CompletionRequest, type CompletionResult } from "./complete";
import type { Completer } from "./completer";
import { selectContext, type OpenDocument } from "./context-select";
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
}

export class CompletionService {
  private readonly readImport;

  constructor(private readonly deps: CompletionServiceDeps) {
    this.readImport = workspaceImportReader(() => deps.roots(), (uri) => this.path(uri));
  }

  /** The suggestion at `offset`; empty when no model is loaded or the request was cancelled first. */
  async complete(document: CompletionDocument, offset: number, signal: AbortSignal): Promise<CompletionResult> {
    const settings = this.deps.settings();
    const remote = await this.deps.remote?.(signal);
    const engine = remote ? undefined : await this.deps.engine(signal).catch(() => undefined);
    if ((!engine && !remote) || signal.aborted) return { insertText: "", usedInfill: false, cancelled: signal.aborted };
    const query = { uri: document.uri, path: this.path(document.uri), languageId: document.languageId, text: document.text, offset };
    const request: CompletionRequest = {
      ...query,
      maxTokens: settings.completion.maxTokens,
      maxLines: settings.completion.maxLines,
      context: (prefixWindowChars) => {
        const open: OpenDocument[] = this.deps.openDocuments().map((d) => ({ ...d, path: this.path(d.uri) }));
        return selectContext({ ...query, prefixWindowChars }, open, this.deps.recentEdits, this.readImport);
      },
      signal,
    };
    return remote ? remote.complete(request) : completeAt(engine!, request);
  }

  private path(uri: string): string {
    return displayPath(uri, this.deps.workspaceFolders());
  }
}
