// The CLI's FileWriter: atomic writes (temporary sibling, fsync, rename) that keep an edited file's
// permission bits. Paths arrive already confined by the tools (absolute real paths).
import { promises as fs } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../platform/atomic-fs";
import type { FileWriter } from "./tool-types";

/** New files get rw-r--r--, as editors create them (process.umask() cannot be read without a deprecation warning). */
const NEW_FILE_MODE = 0o644;

export class CliFileWriter implements FileWriter {
  async write(absolutePath: string, content: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const existing = await fs.stat(absolutePath).catch(() => undefined);
    if (existing?.isDirectory()) throw new Error(`${absolutePath} is a directory`);
    const mode = existing ? existing.mode & 0o7777 : NEW_FILE_MODE;
    await writeFileAtomic(absolutePath, content, { mode });
  }

  async delete(absolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const entry = await fs.lstat(absolutePath);
    if (entry.isDirectory()) throw new Error(`${absolutePath} is a directory; only files can be deleted`);
    await fs.unlink(absolutePath);
  }

  async rename(fromAbsolutePath: string, toAbsolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // rename() replaces an existing target silently; the person must not lose a file that way.
    if (await fs.lstat(toAbsolutePath).then(() => true, () => false)) throw new Error(`${toAbsolutePath} already exists`);
    await fs.mkdir(path.dirname(toAbsolutePath), { recursive: true });
    await fs.rename(fromAbsolutePath, toAbsolutePath);
  }
}
