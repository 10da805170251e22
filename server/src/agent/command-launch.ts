// Starts one agent command so that nothing it starts can outlive its timeout, a Stop, or the server:
//  - in a bubblewrap sandbox, bwrap is the server's child: `--die-with-parent` and its pid namespace
//    take every process down when bwrap or the server dies, `setsid` children included;
//  - otherwise (no sandbox, sandbox-exec on macOS) through the command supervisor
//    (command-supervisor-main.ts), a small Node process that kills the command's group, tree and
//    marked processes when told to or when the server's IPC channel closes (the server died);
//  - on Windows as before (taskkill /T on the tree).
// Every command carries COMMAND_MARKER_ENV in its environment (process-tree.ts).
import { fork, spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { COMMAND_MARKER_ENV, descendantsOf, listProcesses, signalCommandProcesses, type CommandProcesses } from "./process-tree";
import type { CommandSandbox } from "./sandbox/command-sandbox";

export interface LaunchOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  sandbox?: CommandSandbox;
  /** Writable folders for the sandbox (real paths). */
  roots: readonly string[];
  network: boolean;
}

export interface LaunchedCommand {
  /** Its stdout and stderr are the command's. */
  child: ChildProcess;
  /** Signals every process of the command: SIGTERM lets them clean up, SIGKILL does not wait. */
  signal(name: "SIGTERM" | "SIGKILL"): void;
  /** The command's own exit status, given the exit event of `child`. */
  status(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null };
  /** After the command ended: kills what is left and undoes the sandbox's set-up. */
  end(): Promise<void>;
}

const windows = process.platform === "win32";

export async function launchCommand(shell: { file: string; args: readonly string[] }, options: LaunchOptions): Promise<LaunchedCommand> {
  const marker = randomUUID();
  const env = { ...options.env, [COMMAND_MARKER_ENV]: marker };
  const wrapped = options.sandbox
    ? await options.sandbox.wrap(shell, { cwd: options.cwd, roots: options.roots, network: options.network, env })
    : { file: shell.file, args: [...shell.args], env, ownsProcesses: false, release: async () => undefined };
  try {
    if (windows) return launchWindows(wrapped, options.cwd);
    if (wrapped.ownsProcesses) return launchInNamespace(wrapped, options.cwd);
    return launchSupervised(wrapped, options.cwd, marker);
  } catch (error) {
    await wrapped.release();
    throw error;
  }
}

type Wrapped = { file: string; args: string[]; env: NodeJS.ProcessEnv; release(): Promise<void> };

function launchWindows(wrapped: Wrapped, cwd: string): LaunchedCommand {
  const child = spawn(wrapped.file, wrapped.args, { cwd, env: wrapped.env, stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  const kill = () => {
    if (child.pid !== undefined) spawn("taskkill", ["/pid", String(child.pid), "/T", "/F"], { windowsHide: true }).once("error", () => undefined);
  };
  return { child, signal: kill, status: (code, signal) => ({ code, signal }), end: async () => wrapped.release() };
}

/** bwrap: killing it (or the server) ends the pid namespace and every process in it. */
function launchInNamespace(wrapped: Wrapped, cwd: string): LaunchedCommand {
  const child = spawn(wrapped.file, wrapped.args, { cwd, env: wrapped.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const killBwrap = () => {
    if (child.pid === undefined) return;
    for (const target of [-child.pid, child.pid]) {
      try {
        process.kill(target, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
  };
  return {
    child,
    signal(name) {
      if (name === "SIGKILL" || child.pid === undefined) return killBwrap();
      // The processes inside are visible from here with their outer pids. bwrap and its init (the
      // namespace's pid 1, whose end kills everything at once) are spared, so the command can clean up.
      const bwrapPid = child.pid;
      void listProcesses().then((table) => {
        const init = new Set(table.filter((p) => p.ppid === bwrapPid).map((p) => p.pid));
        for (const pid of descendantsOf(bwrapPid, table)) {
          if (init.has(pid)) continue;
          try {
            process.kill(pid, "SIGTERM");
          } catch {
            // Gone meanwhile.
          }
        }
      });
    },
    status: (code, signal) => ({ code, signal }),
    async end() {
      killBwrap();
      await wrapped.release();
    },
  };
}

/** The supervisor's path: beside the bundle (dist/server/command-supervisor.mjs), or the source under tsx. */
function supervisorModule(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "command-supervisor.mjs"), path.join(here, "command-supervisor-main.ts")];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the command supervisor is missing (looked for ${candidates.join(", ")})`);
  return found;
}

function launchSupervised(wrapped: Wrapped, cwd: string, marker: string): LaunchedCommand {
  // A debugger flag of the server's own would make the supervisor fight for the same port.
  const execArgv = process.execArgv.filter((arg) => !/^--(inspect|debug)/.test(arg));
  const module = supervisorModule();
  // Its own cwd is its folder (so a loader such as tsx resolves under the tests); the command's is an argument.
  const child = fork(module, [cwd, wrapped.file, ...wrapped.args], { cwd: path.dirname(module), env: wrapped.env, execArgv, detached: true, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let started: number | undefined;
  let reported: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  child.on("message", (message: unknown) => {
    const m = message as { started?: unknown; exit?: unknown; signal?: unknown } | null;
    if (typeof m?.started === "number") started = m.started;
    if (m && "exit" in m) reported = { code: typeof m.exit === "number" ? m.exit : null, signal: typeof m.signal === "string" ? (m.signal as NodeJS.Signals) : null };
    // The shell could not be started at all: the shell's own "not found" status.
    if (m && "error" in m) reported = { code: 127, signal: null };
  });
  child.on("error", () => undefined);
  // If the supervisor itself was killed (the command can signal its parent), the server does its work.
  const target = (): CommandProcesses => ({ ...(started !== undefined ? { pgid: started } : {}), marker, ...(child.pid !== undefined ? { exclude: [child.pid] } : {}) });
  const send = (name: "SIGTERM" | "SIGKILL"): boolean => {
    if (!child.connected) return false;
    try {
      child.send({ signal: name });
      return true;
    } catch {
      return false;
    }
  };
  return {
    child,
    signal(name) {
      // The group at once from here; the supervisor then finds the detached rest by marker.
      if (started !== undefined) {
        try {
          process.kill(-started, name);
        } catch {
          // The group is gone.
        }
      }
      if (!send(name)) void signalCommandProcesses(target(), name);
    },
    status: (code, signal) => reported ?? { code, signal },
    async end() {
      if (reported === undefined) await signalCommandProcesses(target(), "SIGKILL");
      if (child.connected) child.disconnect();
      await wrapped.release();
    },
  };
}
