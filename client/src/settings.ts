// Reads `pincer.*` from VS Code. In a restricted (untrusted) workspace VS Code itself ignores
// workspace values of the settings listed under restrictedConfigurations in package.json.
import * as vscode from "vscode";
import { SETTING_KEYS, SETTINGS_SCHEMA, unflattenPincerKeys, type PincerSettings } from "../../server/src/protocol";

/**
 * Every setting of the schema (protocol/settings-schema.ts) as VS Code resolves it; the server checks
 * the values (normalizeSettings). profile, toolPermissions and sandbox are application-scoped in
 * package.json: a workspace cannot widen them.
 */
export function readSettings(): Partial<PincerSettings> {
  const config = vscode.workspace.getConfiguration();
  return unflattenPincerKeys(Object.fromEntries(SETTING_KEYS.map((key) => [key, config.get(key, SETTINGS_SCHEMA[key].default)]))) as Partial<PincerSettings>;
}

export async function setModelSetting(value: string): Promise<void> {
  await vscode.workspace.getConfiguration("pincer").update("model", value, vscode.ConfigurationTarget.Global);
}

/** The codebase index's embedding model (user settings: a workspace cannot choose what runs here). */
export async function setEmbeddingModelSetting(value: string): Promise<void> {
  await vscode.workspace.getConfiguration("pincer").update("index.embeddingModel", value, vscode.ConfigurationTarget.Global);
}

/** The setting a recommended model's role fills (user settings, as the other model settings). */
export async function setRoleSetting(role: "model" | "completion" | "embedding", value: string): Promise<void> {
  const key = role === "model" ? "model" : role === "completion" ? "completion.model" : "index.embeddingModel";
  await vscode.workspace.getConfiguration("pincer").update(key, value, vscode.ConfigurationTarget.Global);
}

/** Inline completion is on for this document's language (the setting is language-overridable). */
export function completionEnabledFor(document: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration("pincer.completion", { languageId: document.languageId, uri: document.uri }).get<boolean>("enabled", SETTINGS_SCHEMA["pincer.completion.enabled"].default);
}

export function completionDebounceMs(): number {
  return Math.max(0, vscode.workspace.getConfiguration("pincer.completion").get<number>("debounceMs", SETTINGS_SCHEMA["pincer.completion.debounceMs"].default));
}

/** Next-edit suggestions are on (`pincer.nextEdit.enabled`). */
export function nextEditEnabled(): boolean {
  return vscode.workspace.getConfiguration("pincer.nextEdit").get<boolean>("enabled", SETTINGS_SCHEMA["pincer.nextEdit.enabled"].default);
}

export function nextEditDebounceMs(): number {
  return Math.max(0, vscode.workspace.getConfiguration("pincer.nextEdit").get<number>("debounceMs", SETTINGS_SCHEMA["pincer.nextEdit.debounceMs"].default));
}
