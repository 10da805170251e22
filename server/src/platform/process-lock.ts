// A lock between processes (the VS Code server and `pincer` runs) that survives its holder being killed: the lock
// file names its owner (pid, the process's start time where the system tells it, host), and a lock whose owner is
// gone is stale and taken over. Node has no flock(), and a time-based staleness (a lock not refreshed for N seconds)
// would either steal from a busy holder or keep everyone waiting N seconds after a kill.
//
// - Taking: the record is written to a private temporary file and hard-linked to the lock name, so the lock appears
//   whole or not at all (an exclusive create where links are not supported).
// - Taking over: only under a second, short-lived guard file, and only if the lock still holds the same dead owner's
//   record (its nonce), so two waiters that both find the owner dead cannot remove a lock a third one just took.
//   A guard is held for microseconds; one whose owner is dead is removed.
// - The holder names the child it is running (recordChild): a killed holder's git may outlive it and still be
//   writing, so the one taking over waits for that child to end first.
// - Pid reuse: on Linux the owner's start time (/proc/<pid>/stat) must match too; elsewhere the pid alone decides.
//   A lock from another host (a shared cache folder) is never judged dead: it is waited for, within the bound.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface LockHolder {
  pid: number;
  /** Process start time (Linux: clock ticks since boot), to tell a reused pid from the owner. */
  start?: string;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What the holder is doing, for the person ("pincer run: step 3 of run …"). */
  what: string;
  nonce: string;
  /** The program the holder runs now (its git), which may outlive a killed holder. */
  child?: { pid: number; start?: string };
}

export class LockBusyError extends Error {
  override readonly name = "LockBusyError";
  constructor(
    /** Undefined when the lock's record could not be read. */
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super(message);
  }
}

export interface ProcessLockOptions {
  what: string;
  /** Ends the wait (a step or undo that is cancelled stops waiting for another process's). */
  signal: AbortSignal;
  /** How long to wait for a live holder (default 120 s); 0 tries once. */
  waitMs?: number;
  /** The longest pause between two tries while waiting (default 250 ms; pauses start at 10 ms and double). */
  maxPauseMs?: number;
  /** Called once, when the lock is held by a live process and the wait begins. */
  onWait?: (holder: LockHolder) => void;
}

/** A guard is held for microseconds; older than this, its owner died in between. */
const GUARD_STALE_MS = 10_000;

export class ProcessLock {
  private released = false;

  constructor(
    readonly file: string,
    private record: LockHolder,
  ) {}

  get holder(): LockHolder {
    return this.record;
  }

  /** Names the child process the holder runs now (undefined: none), synchronously, before it can outlive us. */
  recordChild(pid: number | undefined): void {
    if (this.released) return;
    // A child that ended is recognised as gone by its start time (Linux): no need to write that it ended.
    if (pid === undefined && (this.record.child === undefined || this.record.child.start !== undefined)) return;
    const { child: _old, ...rest } = this.record;
    this.record = pid === undefined ? rest : { ...rest, child: { pid, ...optionalStart(processStartTime(pid)) } };
    const temporary = `${this.file}.${process.pid}.${this.record.nonce}.child`;
    try {
      writeFileSync(temporary, JSON.stringify(this.record), { mode: 0o600 });
      renameSync(temporary, this.file);
    } catch {
      // The record stays as it was: a takeover then waits less long for an orphaned child, nothing else.
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const current = await readHolder(this.file);
    if (current?.nonce === this.record.nonce) await fs.rm(this.file, { force: true });
  }
}

export async function acquireProcessLock(file: string, options: ProcessLockOptions): Promise<ProcessLock> {
  const record: LockHolder = {
    pid: process.pid,
    ...optionalStart(processStartTime(process.pid)),
    host: os.hostname(),
    since: new Date().toISOString(),
    what: options.what,
    nonce: randomBytes(8).toString("hex"),
  };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.${record.nonce}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  let announced = false;
  const maxPause = options.maxPauseMs ?? 250;
  let pause = Math.min(10, maxPause);
  try {
    for (;;) {
      options.signal.throwIfAborted();
      if (await createExclusive(temporary, file, record)) return new ProcessLock(file, record);
      const holder = await readHolder(file);
      if (holder === undefined) {
        // Released meanwhile, or a record that cannot be read: stale once it is older than any write takes.
        const age = await ageMs(file);
        if (age === undefined) continue;
        if (age > GUARD_STALE_MS && (await takeOver(file, undefined, temporary, record, options.signal, deadline))) continue;
      } else if (!holderAlive(holder)) {
        if (await takeOver(file, holder, temporary, record, options.signal, deadline)) continue;
      } else if (!announced) {
        announced = true;
        options.onWait?.(holder);
      }
      if (Date.now() >= deadline) throw new LockBusyError(holder, `${file} is held by ${describeHolder(holder)}`);
      await delay(Math.min(pause, Math.max(1, deadline - Date.now())), undefined, { signal: options.signal });
      pause = Math.min(pause * 2, maxPause);
    }
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/** "pid 1234, pincer run: step 3 of run X, since 12:00:01" */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "another process";
  const host = holder.host === os.hostname() ? "" : ` on ${holder.host}`;
  const since = Number.isNaN(Date.parse(holder.since)) ? "" : `, since ${new Date(holder.since).toLocaleTimeString()}`;
  return `pid ${holder.pid}${host}, ${holder.what}${since}`;
}

/** The lock name linked to our record; false when it exists. Falls back to an exclusive create without links. */
async function createExclusive(temporary: string, file: string, record: LockHolder): Promise<boolean> {
  try {
    await fs.link(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
  }
  try {
    await fs.writeFile(file, JSON.stringify(record), { flag: "wx", mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Removes the lock `file` if it still holds `stale` (undefined: an unreadable record), under the guard. Waits for
 * the stale owner's child to end first. True when the lock was removed or had gone.
 */
async function takeOver(file: string, stale: LockHolder | undefined, temporary: string, record: LockHolder, signal: AbortSignal, deadline: number): Promise<boolean> {
  const guard = `${file}.steal`;
  if (!(await createExclusive(temporary, guard, record))) {
    const other = await readHolder(guard);
    const age = await ageMs(guard);
    if (age !== undefined && ((other && !holderAlive(other)) || age > GUARD_STALE_MS)) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const again = await readHolder(file);
    // Someone took it meanwhile (keep waiting), or it is gone (try again at once).
    if (stale === undefined ? again !== undefined : again?.nonce !== stale.nonce) return (await ageMs(file)) === undefined;
    const child = stale?.child;
    while (child && processAlive(child.pid, child.start)) {
      if (Date.now() >= deadline) throw new LockBusyError(stale, `${file} was held by a process that ended, and its child (pid ${child.pid}) is still running`);
      await delay(50, undefined, { signal });
    }
    await fs.rm(file, { force: true });
    return true;
  } finally {
    const current = await readHolder(guard);
    if (current?.nonce === record.nonce) await fs.rm(guard, { force: true });
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  const text = await fs.readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.nonce !== "string" || typeof value.host !== "string") return undefined;
    return { what: "", since: "", ...value } as LockHolder;
  } catch {
    return undefined;
  }
}

async function ageMs(file: string): Promise<number | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  return stat ? Date.now() - stat.mtimeMs : undefined;
}

function holderAlive(holder: LockHolder): boolean {
  // Another host's process cannot be checked from here.
  if (holder.host !== os.hostname()) return true;
  return processAlive(holder.pid, holder.start);
}

/** Whether `pid` runs and, where start times are known, is the same process that started at `start`. */
export function processAlive(pid: number, start?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (start === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === start;
}

/** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); undefined elsewhere or when it is gone. */
export function processStartTime(pid: number): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; the fields after it start at the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

function optionalStart(start: string | undefined): { start?: string } {
  return start === undefined ? {} : { start };
}
