// Small JSON maps (thread measurements, remembered approvals, ...) written atomically so a crash
// never leaves half a file.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ThreadCalibrationStore, ThreadChoice } from "../engine/thread-policy";
import { writeFileAtomic } from "../platform/atomic-fs";
import { reportStoreNotice } from "./store-notices";
import { withStoreLock } from "./store-lock";

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PINCER_CACHE_DIR) return env.PINCER_CACHE_DIR;
  if (process.platform === "win32") return path.join(env.LOCALAPPDATA ?? os.homedir(), "Pincer", "cache");
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Caches", "Pincer");
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "pincer");
}

/**
 * Per-workspace state every Pincer process on this machine shares (the VS Code server and `pincer` runs): the
 * workspace lock and the editor's write journal (agent/checkpoints.ts, agent/editor-writes.ts).
 */
export function workspaceStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultCacheDir(env), "workspaces");
}

/**
 * A JSON object of entries by key in one file. A damaged file (not JSON, or not an object) is read
 * as empty and left as it is; the next write first renames it to `<file>.damaged-<time>` and tells
 * the person (store-notices.ts), so one new entry never silently replaces everyone else's.
 * Writes are serialized within the process and, with a lock file, between processes.
 */
export class JsonMapFile<V> {
  private writing: Promise<void> = Promise.resolve();
  /** The damage last reported, so repeated reads of one damaged file say it once. */
  private reported: string | undefined;

  constructor(readonly filePath: string) {}

  async get(key: string): Promise<V | undefined> {
    const { entries } = await this.read();
    return Object.hasOwn(entries, key) ? entries[key] : undefined;
  }

  /** Every entry (read only; a damaged file reads as empty). */
  async all(): Promise<Record<string, V>> {
    return (await this.read()).entries;
  }

  set(key: string, value: V): Promise<void> {
    // A failed write fails its own caller only; the next one still runs.
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await fs.mkdir(path.dirname(this.filePath), { recursive: true });
        await withStoreLock(`${this.filePath}.lock`, async () => {
          const { entries, damage } = await this.read({ quiet: true });
          if (damage) await this.setAside(damage);
          entries[key] = value;
          await writeFileAtomic(this.filePath, JSON.stringify(entries, null, 2));
        });
      });
    return this.writing;
  }

  private async read(options: { quiet?: boolean } = {}): Promise<{ entries: Record<string, V>; damage?: string }> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: {} };
      throw error;
    }
    let damage: string;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return { entries: parsed as Record<string, V> };
      damage = "not a JSON object";
    } catch {
      damage = "not valid JSON";
    }
    const message = `${path.basename(this.filePath)} is damaged (${damage}); Pincer reads it as empty and left it as it is. The next change moves it aside and starts a new file. (${this.filePath})`;
    if (!options.quiet && this.reported !== message) {
      this.reported = message;
      reportStoreNotice({ file: this.filePath, message });
    }
    return { entries: {}, damage };
  }

  private async setAside(damage: string): Promise<void> {
    const aside = `${this.filePath}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await fs.rename(this.filePath, aside);
    this.reported = undefined;
    reportStoreNotice({
      file: this.filePath,
      message: `${path.basename(this.filePath)} was damaged (${damage}): it is kept as ${path.basename(aside)} and a new file was started. Entries in the old file are not used. (${path.dirname(this.filePath)})`,
    });
  }
}

export function threadCalibrationStore(cacheDir: string): ThreadCalibrationStore & { all(): Promise<Record<string, ThreadChoice>> } {
  return new JsonMapFile<ThreadChoice>(path.join(cacheDir, "thread-calibration.json"));
}
