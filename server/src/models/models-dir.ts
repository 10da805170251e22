// Where downloaded models live. The CLI and the extension share one folder per user so a model is
// downloaded once, whichever started it.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LocalModel } from "../protocol";

export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PINCER_MODELS_DIR) return env.PINCER_MODELS_DIR;
  const home = os.homedir();
  if (platform === "win32") return path.join(env.LOCALAPPDATA ?? path.join(home, "AppData", "Local"), "Pincer", "models");
  if (platform === "darwin") return path.join(home, "Library", "Application Support", "Pincer", "models");
  return path.join(env.XDG_DATA_HOME ?? path.join(home, ".local", "share"), "pincer", "models");
}

export function resolveModelsDir(setting: string): string {
  if (setting === "") return defaultModelsDir();
  return path.resolve(expandHome(setting));
}

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

/** Complete .gguf files in the folder (downloads still in progress are skipped). */
export async function listLocalModels(modelsDir: string): Promise<LocalModel[]> {
  const entries = await fs.readdir(modelsDir, { withFileTypes: true }).catch(() => []);
  const models: LocalModel[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !/\.gguf$/i.test(entry.name)) continue;
    const full = path.join(modelsDir, entry.name);
    const stat = await fs.stat(full).catch(() => undefined);
    if (stat) models.push({ path: full, name: entry.name.replace(/\.gguf$/i, ""), sizeBytes: stat.size });
  }
  return models.sort((a, b) => a.name.localeCompare(b.name));
}
