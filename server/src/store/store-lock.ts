// A lock file beside a store (`<file>.lock`, created exclusively, holding the owner's pid) so that
// two Pincer processes (the server and a CLI run) cannot interleave a read-modify-write of one
// store and lose each other's entries. A lock whose owner is dead, or that is older than any write
// takes, is stale and removed.
import { PincerError } from "../platform/errors";
import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** A write holds the lock for milliseconds; a lock this old was left by a hung or reused-pid owner. */
const STALE_MS = 30_000;
const RETRY_MS = 25;

export class StoreLockTimeoutError extends PincerError {
  override name = "StoreLockTimeoutError";
}

export async function withStoreLock<T>(lockPath: string, work: () => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (await tryCreate(lockPath)) break;
    if (await removeIfStale(lockPath)) continue;
    if (Date.now() > deadline) {
      throw new StoreLockTimeoutError(`Another Pincer process is writing ${lockPath.replace(/\.lock$/, "")} (the lock ${lockPath} is held); try again.`);
    }
    await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

/**
 * Creates the lock with the owner's pid already in it: the pid goes into a private temporary file
 * that is then hard-linked to the lock name (link fails if the lock exists). A lock file therefore
 * never exists empty, so a process killed while taking it leaves a lock whose dead owner is known,
 * not one that looks busy until it is old.
 */
async function tryCreate(lockPath: string): Promise<boolean> {
  const temporary = `${lockPath}.${process.pid}.${randomUUID().slice(0, 8)}`;
  try {
    // A full disk fails here, before any lock exists.
    await fs.writeFile(temporary, String(process.pid), { mode: 0o600, flag: "wx" });
    await fs.link(temporary, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

async function removeIfStale(lockPath: string): Promise<boolean> {
  const [text, stat] = await Promise.all([fs.readFile(lockPath, "utf8").catch(() => undefined), fs.stat(lockPath).catch(() => undefined)]);
  if (!stat) return true; // released meanwhile
  const pid = Number(text);
  const ownerGone = Number.isInteger(pid) && pid > 0 && !alive(pid);
  // Every lock holds its owner's pid (tryCreate); an unreadable one is treated as busy until it is old.
  if (!ownerGone && Date.now() - stat.mtimeMs < STALE_MS) return false;
  // Two waiters may both find it stale; removing the lock a third process took meanwhile is the
  // rare loss this accepts (it needs a dead owner and two waiters at the same moment).
  await fs.rm(lockPath, { force: true });
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
