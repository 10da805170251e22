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
    },
  };
}

export async function setModelSetting(value: string): Promise<void> {
  await vscode.workspace.getConfiguration("pincer").update("model", value, vscode.ConfigurationTarget.Global);
}
