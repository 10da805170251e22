// The server's side of the command supervisor (command-supervisor-main.ts): started on first use,
// one per server process, replaced if it died. `watchCommand` resolves only once the supervisor has
// the command's marker, so a server killed right after starting the command still has it ended.
// The channel is unref'd except while an answer is awaited: the supervisor never keeps a finished
// CLI run alive.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

type Channel = { ref?: () => void; unref?: () => void } | undefined | null;

interface Supervisor {
  child: ChildProcess;
  /** Watch requests this supervisor has not answered yet, by id. */
  pending: Map<number, { resolve(): void; reject(error: Error): void }>;
  dead: boolean;
}

let current: Supervisor | undefined;
let nextId = 0;

/** The supervisor's path: beside the bundle (dist/server/command-supervisor.mjs), or the source under tsx. */
function supervisorModule(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "command-supervisor.mjs"), path.join(here, "command-supervisor-main.ts")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the command supervisor is missing (looked for ${candidates.join(", ")})`);
  return found;
}

function start(): Supervisor {
  const module = supervisorModule();
  // A debugger flag of the server's own would make the supervisor fight for the same port.
  const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
  // Its own session: a signal to the server's process group does not take it down before it acted.
  const child = fork(module, [], { cwd: path.dirname(module), execArgv, detached: true, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const supervisor: Supervisor = { child, pending: new Map(), dead: false };
  child.on("message", (message: unknown) => {
    const id = (message as { watching?: unknown } | null)?.watching;
    if (typeof id !== "number") return;
    const waiter = supervisor.pending.get(id);
    supervisor.pending.delete(id);
    waiter?.resolve();
  });
  const fail = (reason: string) => {
    supervisor.dead = true;
    if (current === supervisor) current = undefined;
    const waiters = [...supervisor.pending.values()];
    supervisor.pending.clear();
    for (const waiter of waiters) waiter.reject(new Error(`the command supervisor ${reason}`));
  };
  child.once("error", (error) => fail(`could not start: ${error.message}`));
  child.once("exit", (code, signal) => fail(`exited (${signal ?? code})`));
  child.once("disconnect", () => fail("closed its channel"));
  child.unref();
  (child.channel as Channel)?.unref?.();
  return supervisor;
}

/** Registers a command's marker with the supervisor; resolves when the supervisor has it. */
export async function watchCommand(marker: string): Promise<void> {
  try {
    await watchOnce(marker, running());
  } catch {
    // That supervisor died (killed, crashed) before this process noticed: once more, with a new one.
    if (current && !current.child.connected) current.dead = true;
    if (current?.dead) current = undefined;
    await watchOnce(marker, running());
  }
}

function running(): Supervisor {
  if (!current || current.dead || !current.child.connected) current = start();
  return current;
}

function watchOnce(marker: string, supervisor: Supervisor): Promise<void> {
  const { child, pending } = supervisor;
  const id = nextId++;
  // While an answer is awaited the channel keeps this process alive; otherwise it never does.
  (child.channel as Channel)?.ref?.();
  return new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      pending.delete(id);
      if (pending.size === 0) (child.channel as Channel)?.unref?.();
      if (error) reject(error);
      else resolve();
    };
    pending.set(id, { resolve: () => settle(), reject: (error) => settle(error) });
    const failed = (error: unknown) => {
      if (!pending.has(id)) return;
      // A channel that cannot carry the message belongs to a dead supervisor.
      supervisor.dead = true;
      settle(error instanceof Error ? error : new Error(String(error)));
    };
    try {
      child.send({ watch: marker, id }, (error) => {
        if (error) failed(error);
      });
    } catch (error) {
      failed(error);
    }
  });
}

function post(message: object): void {
  if (!current?.child.connected) return;
  try {
    current.child.send(message, () => undefined);
  } catch {
    // The supervisor is gone; the next command starts a new one.
  }
}

/** The command's shell started (it leads its own process group). */
export function commandStarted(marker: string, pid: number): void {
  post({ started: marker, pid });
}

/** The command and everything it left are gone. */
export function unwatchCommand(marker: string): void {
  post({ unwatch: marker });
}

/** The supervisor's pid while it runs (tests). */
export function supervisorPid(): number | undefined {
  return current && !current.dead && current.child.connected ? current.child.pid : undefined;
}
