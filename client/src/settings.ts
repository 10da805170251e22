// Reads `pincer.*` from VS Code. In a restricted (untrusted) workspace VS Code itself ignores
// workspace values of the settings listed under restrictedConfigurations in package.json.
import * as vscode from "vscode";
import type { PincerSettings } from "../../server/src/protocol";

export function readSettings(): Partial<PincerSettings> {
  const config = vscode.workspace.getConfiguration("pincer");
  return {
    model: config.get<string>("model", ""),
    modelsDir: config.get<string>("modelsDir", ""),
    gpu: config.get<PincerSettings["gpu"]>("gpu", "auto"),
    gpuLayers: config.get<PincerSettings["gpuLayers"]>("gpuLayers", "auto"),
    threads: config.get<PincerSettings["threads"]>("threads", "auto"),
    contextSize: config.get<PincerSettings["contextSize"]>("contextSize", "auto"),
    completion: {
      enabled: config.get<boolean>("completion.enabled", true),
      maxTokens: config.get<number>("completion.maxTokens", 64),
      maxLines: config.get<number>("completion.maxLines", 8),
      debounceMs: config.get<number>("completion.debounceMs", 75),
      model: config.get<string>("completion.model", ""),
    },
    // profile, toolPermissions and sandbox are application-scoped in package.json: a workspace cannot widen them.
    agent: {
      maxSteps: config.get<number>("agent.maxSteps", 30),
      maxTokens: config.get<number>("agent.maxTokens", 200_000),
      maxWallSeconds: config.get<number>("agent.maxWallSeconds", 900),
      profile: config.get<PincerSettings["agent"]["profile"]>("agent.profile", "edit"),
      toolPermissions: config.get<PincerSettings["agent"]["toolPermissions"]>("agent.toolPermissions", {}),
      sandbox: config.get<PincerSettings["agent"]["sandbox"]>("agent.sandbox", "auto"),
    },
    voice: {
      model: config.get<string>("voice.model", "base"),
      language: config.get<PincerSettings["voice"]["language"]>("voice.language", "auto"),
      recorder: config.get<PincerSettings["voice"]["recorder"]>("voice.recorder", "auto"),
      silenceSeconds: config.get<number>("voice.silenceSeconds", 1.5),
    },
  };
}

export async function setModelSetting(value: string): Promise<void> {
  await vscode.workspace.getConfiguration("pincer").update("model", value, vscode.ConfigurationTarget.Global);
}

/** Inline completion is on for this document's language (the setting is language-overridable). */
export function completionEnabledFor(document: vscode.TextDocument): boolean {
  return vscode.workspace.getConfiguration("pincer.completion", { languageId: document.languageId, uri: document.uri }).get<boolean>("enabled", true);
}

export function completionDebounceMs(): number {
  return Math.max(0, vscode.workspace.getConfiguration("pincer.completion").get<number>("debounceMs", 75));
}
