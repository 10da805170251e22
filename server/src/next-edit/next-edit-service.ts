// Next-edit suggestions for the editor (lsp/next-edit.ts) and the benchmark: which model answers
// (`nextEdit.model` when set, else the main model), which prompt format it gets (its family, from
// its names or `nextEdit.format`), and what the prompt holds (the session's edits as diffs, the
// editable window around the cursor, definitions of the names near it). One request at a time per
// sequence; a newer request cancels the older one in the host.
import type { Engine } from "../engine/engine";
import { parserPool } from "../index/parser-pool";
import { definitionSnippets, identifiersNear } from "../index/symbols";
import type { PincerSettings } from "../protocol/settings";
import { displayPath } from "../completion/completion-service";
import { type EditHistory } from "./edit-history";
import { editableWindow, type NextEditSuggestion } from "./editable-window";
import { genericFormat } from "./generic-format";
import { interpret, predictNextEdit, type PredictStats } from "./predict";
import type { ScriptedNextEdits } from "./scripted-next-edit";
import { familyOfModel, type NextEditFamily, type NextEditFormat, type NextEditInput } from "./prompt-format";
import { sweepFormat } from "./sweep-format";
import { zetaFormat } from "./zeta-format";

export const NEXT_EDIT_FORMATS_BY_FAMILY: Record<NextEditFamily, NextEditFormat> = { zeta: zetaFormat, sweep: sweepFormat, generic: genericFormat };

/** Edits shown to the model, newest last. */
const MAX_EDITS = 6;
const MAX_DEFINITIONS = 4;
const NEAR_LINES = 8;

export interface NextEditDocument {
  uri: string;
  languageId: string;
  text: string;
}

export interface NextEditServiceDeps {
  settings(): PincerSettings;
  /** The engine that answers next edits (see nextEditModel); rejects when none is loaded. */
  engine(signal: AbortSignal): Promise<Engine>;
  workspaceFolders(): readonly string[];
  history: EditHistory;
  /** Open documents, for definitions of the names near the cursor. */
  openDocuments(): readonly NextEditDocument[];
  /** The test seam (PINCER_NEXT_EDIT_SCRIPT): scripted answers instead of the model, when set. */
  scripted?(): Promise<ScriptedNextEdits | undefined>;
}

export interface NextEditResult {
  suggestion?: NextEditSuggestion;
  cancelled: boolean;
  /** Why there is no suggestion, when there is none and it was not cancelled. */
  reason?: "disabled" | "no-model" | "no-edits" | "no-change" | "unparsed" | "too-long";
  stats?: PredictStats;
}

/**
 * Where next edits run: a separate next-edit model (`nextEdit.model`) in its own host, or the main
 * model, which then loads one more sequence for them. Nothing extra loads while they are off.
 */
export function nextEditModel(settings: PincerSettings): { separate: boolean; settings: PincerSettings } {
  const separate = settings.nextEdit.enabled && settings.nextEdit.model !== "";
  return { separate, settings: separate ? { ...settings, model: settings.nextEdit.model } : settings };
}

/** The settings the separate next-edit host loads with: the next-edit model, or none (idle). */
export function separateNextEditSettings(settings: PincerSettings): PincerSettings {
  return { ...settings, model: settings.nextEdit.enabled ? settings.nextEdit.model : "" };
}

/** The format for an engine's model: its family from general.name, general.basename and the file name. */
export function formatForEngine(engine: Pick<Engine, "facts">, settings: PincerSettings): NextEditFormat {
  const facts = engine.facts;
  return NEXT_EDIT_FORMATS_BY_FAMILY[familyOfModel([facts.metadataName, facts.metadataBasename, facts.name], settings.nextEdit.format)];
}

export class NextEditService {
  constructor(private readonly deps: NextEditServiceDeps) {}

  async suggest(document: NextEditDocument, offset: number, signal: AbortSignal): Promise<NextEditResult> {
    const settings = this.deps.settings();
    if (!settings.nextEdit.enabled) return { cancelled: false, reason: "disabled" };
    const edits = this.deps.history.recent(MAX_EDITS);
    if (!edits.some((edit) => edit.uri === document.uri)) return { cancelled: signal.aborted, reason: "no-edits" };
    const scripted = await this.deps.scripted?.();
    if (scripted) return this.scriptedSuggest(scripted, document, offset, settings, signal);
    const engine = await this.deps.engine(signal).catch(() => undefined);
    if (signal.aborted) return { cancelled: true };
    if (!engine) return { cancelled: false, reason: "no-model" };
    const format = formatForEngine(engine, settings);
    const input = await this.input(document, offset, format);
    if (signal.aborted) return { cancelled: true };
    const prediction = await predictNextEdit(engine.sequence("nextEdit"), format, input, { maxTokens: settings.nextEdit.maxTokens, signal }).catch((error: unknown) => {
      if (signal.aborted) return undefined; // cancelled while waiting for the sequence
      throw error;
    });
    if (!prediction || prediction.stats.stopReason === "cancelled") return { cancelled: true, ...(prediction ? { stats: prediction.stats } : {}) };
    if (prediction.suggestion) return { suggestion: prediction.suggestion, cancelled: false, stats: prediction.stats };
    const reason = prediction.stats.stopReason === "too-long" ? "too-long" : prediction.rewritten === undefined ? "unparsed" : "no-change";
    return { cancelled: false, reason, stats: prediction.stats };
  }

  /** The seam's answer through the real window, prompt, parser and edit; no model is loaded. */
  private async scriptedSuggest(scripted: ScriptedNextEdits, document: NextEditDocument, offset: number, settings: PincerSettings, signal: AbortSignal): Promise<NextEditResult> {
    const separate = nextEditModel(settings);
    const format = NEXT_EDIT_FORMATS_BY_FAMILY[familyOfModel([separate.settings.model], settings.nextEdit.format)];
    const input = await this.input(document, offset, format);
    if (signal.aborted) return { cancelled: true };
    const generated = scripted.generate(format, format.prompt(input), input.window.text);
    const stats: PredictStats = { family: format.family, promptTokens: 0, evaluatedPromptTokens: 0, reusedTokens: 0, generatedTokens: 0, modelMs: 0, stopReason: "eos" };
    const prediction = interpret(format, input.window, generated, true);
    if (prediction.suggestion) return { suggestion: prediction.suggestion, cancelled: false, stats };
    return { cancelled: false, reason: prediction.rewritten === undefined ? "unparsed" : "no-change", stats };
  }

  /** The prompt's inputs for a request at `offset` (exported for the benchmark through suggest). */
  async input(document: NextEditDocument, offset: number, format: NextEditFormat): Promise<NextEditInput> {
    const path = this.path(document.uri);
    const window = editableWindow(document.text, offset, format.shape);
    const edits = this.deps.history.recent(MAX_EDITS);
    const lastHere = [...edits].reverse().find((edit) => edit.uri === document.uri);
    return {
      path,
      languageId: document.languageId,
      edits: edits.map((edit) => ({ path: this.path(edit.uri), before: edit.before, after: edit.after })),
      window,
      originalWindow: lastHere ? windowBefore(lastHere.before, lastHere.after, window.startLine, window.endLine) : window.text,
      definitions: await this.definitions(document, offset, window.startLine, window.endLine),
    };
  }

  /** Definitions of the names near the cursor: from other open documents, and from this one outside the window. */
  private async definitions(document: NextEditDocument, offset: number, startLine: number, endLine: number): Promise<{ path: string; text: string }[]> {
    const names = new Set((await identifiersNear(document.text, document.languageId, offset, NEAR_LINES, parserPool, document.uri).catch(() => undefined)) ?? []);
    if (names.size === 0) return [];
    const found: { path: string; text: string }[] = [];
    const documents = [document, ...this.deps.openDocuments().filter((d) => d.uri !== document.uri)];
    for (const doc of documents) {
      const snippets = (await definitionSnippets(doc.text, doc.languageId, names, { maxLines: 20, documentKey: doc.uri }).catch(() => undefined)) ?? [];
      for (const snippet of snippets) {
        // The window already shows what it overlaps.
        if (doc.uri === document.uri && snippet.range.end.line >= startLine && snippet.range.start.line < endLine) continue;
        found.push({ path: this.path(doc.uri), text: snippet.text });
        if (found.length >= MAX_DEFINITIONS) return found;
      }
    }
    return found;
  }

  private path(uri: string): string {
    return displayPath(uri, this.deps.workspaceFolders());
  }
}

/** The window's lines as they were before an edit: the same lines, shifted by the lines the edit added or removed. */
export function windowBefore(before: string, after: string, startLine: number, endLine: number): string {
  const delta = before.split("\n").length - after.split("\n").length;
  const lines = before.split("\n");
  return lines.slice(startLine, Math.max(startLine, endLine + delta)).join("\n");
}
