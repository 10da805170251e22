// Opens and writes files at a real path that WorkspaceRoots.resolveInside checked, without trusting that the path
// still leads there: another process may swap a folder or the file for a symlink between the check and the open.
// Node has no openat/renameat, so:
//  - the last segment is opened with O_NOFOLLOW (a symlink there fails instead of being followed);
//  - after opening, the descriptor's real location is read back (/proc/self/fd/N on Linux; elsewhere the path must
//    still name the same inode and its folder must have no symlink) and must equal the checked path;
//  - an atomic write creates its temporary file with O_CREAT|O_EXCL|O_NOFOLLOW, verifies it the same way, and
//    verifies the renamed file again through the still-open descriptor.
// What remains: a swap in the microseconds between the last check of the folder and rename() can still move the
// rename elsewhere; it is detected right after, the misplaced file removed and the write reported as failed, but
// a file it replaced out there is not restored. See README "What remains".
import { randomBytes } from "node:crypto";
import { constants, promises as fs, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
/** File systems where a path's case may differ from what realpath reports. */
const foldsCase = process.platform === "win32" || process.platform === "darwin";

/** The path stopped leading where it was checked to lead (a symlink or another file was swapped in). */
export class ConfinementRaceError extends Error {
  constructor(readonly filePath: string, detail: string) {
    super(`${filePath} changed while Pincer was using it (${detail}); refused`);
    this.name = "ConfinementRaceError";
  }
}

/** A file with more than one name: another name may be outside the workspace. */
export class HardLinkError extends Error {
  constructor(readonly filePath: string, readonly links: number) {
    super(`${filePath} has ${links} hard links; another name of the same file may be outside the workspace, so Pincer does not read or write it`);
    this.name = "HardLinkError";
  }
}

/** Opens `real` for reading: never through a symlink, never a hard-linked file, and only if it is still there. */
export async function openConfined(real: string): Promise<{ handle: FileHandle; stat: Stats }> {
  let handle: FileHandle;
  try {
    handle = await fs.open(real, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") throw new ConfinementRaceError(real, "it is a symlink now");
    throw error;
  }
  try {
    const stat = await handle.stat();
    await verifyOpened(handle, real, stat);
    if (stat.isFile() && stat.nlink > 1) throw new HardLinkError(real, stat.nlink);
    return { handle, stat };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The whole file at `real`, read through openConfined; `maxBytes` refuses bigger files before reading. */
export async function readFileConfined(real: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
  const { handle, stat } = await openConfined(real);
  try {
    if (stat.isDirectory()) throw Object.assign(new Error(`${real} is a folder`), { code: "EISDIR" });
    if (!stat.isFile()) throw new Error(`${real} is not a regular file`);
    if (options.maxBytes !== undefined && stat.size > options.maxBytes) throw Object.assign(new Error(`${real} is larger than ${options.maxBytes} bytes`), { code: "EFBIG" });
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `real` atomically (temporary sibling, fsync, rename) and only there: the folders are created one at a
 * time and checked, an existing symlink or hard-linked file is never replaced, and the temporary file and the
 * renamed result are verified through their open descriptor. `mode`: the new file's permission bits (default 0600).
 */
export async function writeFileConfined(real: string, data: string | Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const dir = path.dirname(real);
  await mkdirConfined(dir);
  const existing = await fs.lstat(real).catch(ignoreMissing);
  if (existing?.isSymbolicLink()) throw new ConfinementRaceError(real, "it is a symlink now");
  if (existing?.isDirectory()) throw Object.assign(new Error(`${real} is a folder`), { code: "EISDIR" });
  if (existing?.isFile() && existing.nlink > 1) throw new HardLinkError(real, existing.nlink);

  const temp = path.join(dir, `.${path.basename(real)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await fs.open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW, 0o600);
  let renamed = false;
  try {
    const stat = await handle.stat();
    await verifyOpened(handle, temp, stat);
    await handle.writeFile(data);
    await handle.chmod(options.mode ?? 0o600);
    await handle.sync();
    await verifyFolder(dir);
    await fs.rename(temp, real);
    renamed = true;
    await verifyOpened(handle, real, stat);
  } catch (error) {
    await removeOwnFile(handle, renamed ? real : temp);
    throw error;
  } finally {
    await handle.close();
  }
}

/** Creates the missing folders of `dir` one at a time; an existing one must be a real folder, not a symlink. */
export async function mkdirConfined(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const entry = await fs.lstat(current).catch(ignoreMissing);
    if (entry) {
      if (entry.isSymbolicLink()) throw new ConfinementRaceError(current, "the folder is a symlink now");
      if (!entry.isDirectory()) throw Object.assign(new Error(`${current} is not a folder`), { code: "ENOTDIR" });
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  await verifyFolder(current);
  for (const folder of missing) {
    await fs.mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await verifyFolder(folder);
  }
}

/** `dir` is a folder whose real path is itself: no symlink on the way to it now. */
export async function verifyFolder(dir: string): Promise<void> {
  const real = await fs.realpath(dir);
  if (!samePath(real, dir)) throw new ConfinementRaceError(dir, `it leads to ${real} now`);
}

/** The open descriptor's file is at `expected`: the kernel's answer on Linux, the path's inode elsewhere. */
async function verifyOpened(handle: FileHandle, expected: string, stat: Stats): Promise<void> {
  const actual = await descriptorPath(handle);
  if (actual !== undefined) {
    if (!samePath(actual, expected)) throw new ConfinementRaceError(expected, `it was opened at ${actual}`);
    return;
  }
  await verifyFolder(path.dirname(expected));
  const now = await fs.lstat(expected).catch(ignoreMissing);
  if (!now || now.dev !== stat.dev || now.ino !== stat.ino) throw new ConfinementRaceError(expected, "another file is there now");
}

/** Where the kernel says the descriptor's file is (Linux /proc); undefined where that cannot be asked. */
async function descriptorPath(handle: FileHandle): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  return fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
}

/** Removes the file this descriptor created, wherever it ended up, and only if it is still that file. */
async function removeOwnFile(handle: FileHandle, fallback: string): Promise<void> {
  const stat = await handle.stat().catch(() => undefined);
  const where = (await descriptorPath(handle)) ?? fallback;
  const entry = await fs.lstat(where).catch(ignoreMissing);
  if (stat && entry && entry.dev === stat.dev && entry.ino === stat.ino) await fs.rm(where, { force: true });
}

function samePath(a: string, b: string): boolean {
  return a === b || (foldsCase && a.toLowerCase() === b.toLowerCase());
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
  throw error;
}
