// Notices a model file dropped into (or removed from) the models folder, so an offline install needs no
// restart: copy the .gguf in and it is listed, and a model setting that named it loads. Downloads in
// progress (`.download`) and receipts (`.pincer.json`) are not models, so they do not count; a download
// becomes a model by its final rename, which does.
import { promises as fs, watch, type FSWatcher } from "node:fs";

/** Events of one copy (many writes, then close) arrive in a burst: one report for the burst. */
export const SETTLE_MS = 250;

export interface ModelsWatch {
  readonly dir: string;
  close(): void;
}

export async function watchModelsDir(dir: string, onChange: () => void): Promise<ModelsWatch> {
  await fs.mkdir(dir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined = watch(dir, { persistent: false }, (_event, name) => {
    if (name !== null && !/\.gguf$/i.test(name.toString())) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  });
  watcher.on("error", () => {
    // The folder was removed or became unreadable: stop watching; the next request watches again.
    watcher?.close();
    watcher = undefined;
  });
  return {
    dir,
    close: () => {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}
