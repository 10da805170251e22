// The CLI's FileWriter: atomic writes (temporary sibling, fsync, rename) that keep an edited file's
// permission bits. Paths arrive already confined by the tools (absolute real paths); every operation re-checks
// that they still lead there (platform/confined-fs.ts), so a folder swapped for a symlink since the check is
// refused instead of followed, and a hard-linked file is never written.
import { promises as fs } from "node:fs";
import path from "node:path";
import { ConfinementRaceError, mkdirConfined, verifyFolder, writeFileConfined } from "../platform/confined-fs";
import type { FileWriter } from "./tool-types";

/** New files get rw-r--r--, as editors create them (process.umask() cannot be read without a deprecation warning). */
const NEW_FILE_MODE = 0o644;

export class CliFileWriter implements FileWriter {
  async write(absolutePath: string, content: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const existing = await fs.lstat(absolutePath).catch(() => undefined);
    if (existing?.isDirectory()) throw new Error(`${absolutePath} is a directory`);
    const mode = existing?.isFile() ? existing.mode & 0o7777 : NEW_FILE_MODE;
    await writeFileConfined(absolutePath, content, { mode });
  }

  async delete(absolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // unlink() never follows the last segment; the folders before it must still be the checked ones.
    await verifyFolder(path.dirname(absolutePath));
    const entry = await fs.lstat(absolutePath);
    if (entry.isDirectory()) throw new Error(`${absolutePath} is a directory; only files can be deleted`);
    await fs.unlink(absolutePath);
  }

  async rename(fromAbsolutePath: string, toAbsolutePath: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    // rename() replaces an existing target silently; the person must not lose a file that way.
    if (await fs.lstat(toAbsolutePath).then(() => true, () => false)) throw new Error(`${toAbsolutePath} already exists`);
    await verifyFolder(path.dirname(fromAbsolutePath));
    await mkdirConfined(path.dirname(toAbsolutePath));
    const moved = await fs.lstat(fromAbsolutePath);
    await fs.rename(fromAbsolutePath, toAbsolutePath);
    // Checked again after the fact: the entry must be the one moved, in the folder that was checked.
    await verifyFolder(path.dirname(toAbsolutePath));
    const arrived = await fs.lstat(toAbsolutePath).catch(() => undefined);
    if (!arrived || arrived.ino !== moved.ino || arrived.dev !== moved.dev) throw new ConfinementRaceError(toAbsolutePath, "the moved file is not there");
  }
}
