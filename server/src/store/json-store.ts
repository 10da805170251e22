// Small JSON caches (thread measurements, ...) written atomically so a crash never leaves half a file.
import os from "node:os";
import path from "node:path";
import type { ThreadCalibrationStore, ThreadChoice } from "../engine/thread-policy";
import { readJsonFile, writeFileAtomic } from "../platform/atomic-fs";

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PINCER_CACHE_DIR) return env.PINCER_CACHE_DIR;
  if (process.platform === "win32") return path.join(env.LOCALAPPDATA ?? os.homedir(), "Pincer", "cache");
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Caches", "Pincer");
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pincer");
}

export class JsonMapFile<V> {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly filePath: string) {}

  async get(key: string): Promise<V | undefined> {
    const all = (await readJsonFile<Record<string, V>>(this.filePath)) ?? {};
    return all[key];
  }

  set(key: string, value: V): Promise<void> {
    // Serialize read-modify-write so two updates in one process cannot lose each other. A failed
    // write fails its own caller only; the next one still runs.
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const all = (await readJsonFile<Record<string, V>>(this.filePath)) ?? {};
      all[key] = value;
      await writeFileAtomic(this.filePath, JSON.stringify(all, null, 2));
    });
    return this.writing;
  }
}

export function threadCalibrationStore(cacheDir: string): ThreadCalibrationStore {
  return new JsonMapFile<ThreadChoice>(path.join(cacheDir, "thread-calibration.json"));
}
