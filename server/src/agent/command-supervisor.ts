// The server's side of the command supervisor (command-supervisor-main.ts): started on first use,
// one per server process, restarted if it died. `watch` resolves only once the supervisor has the
// command's marker, so a server killed right after starting the command still has it cleaned up.
// The channel is unref'd: the supervisor never keeps a finished CLI run alive.
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let supervisor: ChildProcess | undefined;
let nextId = 0;
const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();

/** The supervisor's path: beside the bundle (dist/server/command-supervisor.mjs), or the source under tsx. */
function supervisorModule(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "command-supervisor.mjs"), path.join(here, "command-supervisor-main.ts")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the command supervisor is missing (looked for ${candidates.join(", ")})`);
  return found;
}

function running(): ChildProcess {
  if (supervisor?.connected) return supervisor;
  const module = supervisorModule();
  // A debugger flag of the server's own would make the supervisor fight for the same port.
  const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
  // Its own session: a signal to the server's process group does not take it down before it acted.
  const child = fork(module, [], { cwd: path.dirname(module), execArgv, detached: true, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  child.on("message", (message: unknown) => {
    const id = (message as { watching?: unknown } | null)?.watching;
    if (typeof id === "number") {
      const waiter = pending.get(id);
      pending.delete(id);
      waiter?.resolve();
    }
  });
  const fail = (reason: string) => {
    const waiters = [...pending.values()];
    pending.clear();
    for (const waiter of waiters) waiter.reject(new Error(`the command supervisor ${reason}`));
    if (supervisor === child) supervisor = undefined;
  };
  child.once("error", (error) => fail(`could not start: ${error.message}`));
  child.once("exit", (code, signal) => fail(`exited (${signal ?? code})`));
  child.once("disconnect", () => fail("closed its channel"));
  child.unref();
  (child.channel as Channel)?.unref?.();
  supervisor = child;
  return child;
}

/** Registers a command's marker with the supervisor; resolves when the supervisor has it. */
export async function watchCommand(marker: string): Promise<void> {
  try {
    await watchOnce(marker);
  } catch {
    // The supervisor died (killed, crashed) before this process noticed: once more, with a new one.
    if (supervisor && !supervisor.connected) supervisor = undefined;
    await watchOnce(marker);
  }
}

type Channel = { ref?: () => void; unref?: () => void } | undefined | null;

function watchOnce(marker: string): Promise<void> {
  const child = running();
  const id = nextId++;
  // While an answer is awaited the channel must keep this process alive; otherwise it never does.
  (child.channel as Channel)?.ref?.();
  const settled = () => {
    if (pending.size === 0) (child.channel as Channel)?.unref?.();
  };
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve: () => (resolve(), settled()), reject: (error) => (reject(error), settled()) });
    try {
      child.send({ watch: marker, id }, (error) => {
        if (!error) return;
        pending.delete(id);
        reject(error);
        settled();
      });
    } catch (error) {
      pending.delete(id);
      reject(error instanceof Error ? error : new Error(String(error)));
      settled();
    }
  });
}

function post(message: object): void {
  if (!supervisor?.connected) return;
  try {
    supervisor.send(message, () => undefined);
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
  return supervisor?.connected ? supervisor.pid : undefined;
}
