// Where Pincer's per-person configuration lives outside VS Code: the CLI's settings file and, beside
// it, the API token that `pincer serve --http` and the editor's API share.
import os from "node:os";
import path from "node:path";

export function settingsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PINCER_SETTINGS) return env.PINCER_SETTINGS;
  const base = process.platform === "win32" ? (env.APPDATA ?? os.homedir()) : (env.XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"));
  return path.join(base, "pincer", "settings.json");
}

/** The API's bearer token file (0600), beside the settings file. */
export function apiTokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(settingsFilePath(env)), "api-token");
}
