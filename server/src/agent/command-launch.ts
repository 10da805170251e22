// Starts one agent command so that nothing it starts can outlive its timeout, a Stop, or the server:
//  - in a bubblewrap sandbox, bwrap is the server's child: `--die-with-parent` and its pid namespace
//    take every process down when bwrap or the server dies, `setsid` children included;
//  - otherwise (no sandbox, sandbox-exec on macOS) in its own process group, ended by the server
//    (group, tree and marked processes); the command supervisor (command-supervisor-main.ts, one
//    per server) knows each command's marker before it starts and does the same if the server dies;
//  - on Windows as before (taskkill /T on the tree).
// Every command carries COMMAND_MARKER_ENV in its environment (process-tree.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { commandStarted, unwatchCommand, watchCommand } from "./command-supervisor";
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
    return await launchInGroup(wrapped, options.cwd, marker);
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
  return { child, signal: kill, end: async () => wrapped.release() };
}

/** bwrap: killing it (or the server) ends the pid namespace and every process in it. */
function launchInNamespace(wrapped: Wrapped, cwd: string): LaunchedCommand {
  const child = spawn(wrapped.file, wrapped.args, { cwd, env: wrapped.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const killBwrap = () => {
    // Once reaped, its pid may belong to another process: only a bwrap that still runs is killed.
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
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
      if (name === "SIGKILL" || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return killBwrap();
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
    async end() {
      killBwrap();
      await wrapped.release();
    },
  };
}

/** In its own process group, with the command supervisor told first (it ends the command if the server dies). */
async function launchInGroup(wrapped: Wrapped, cwd: string, marker: string): Promise<LaunchedCommand> {
  await watchCommand(marker);
  let child: ChildProcess;
  try {
    child = spawn(wrapped.file, wrapped.args, { cwd, env: wrapped.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    unwatchCommand(marker);
    throw error;
  }
  if (child.pid !== undefined) commandStarted(marker, child.pid);
  const target: CommandProcesses = { ...(child.pid !== undefined ? { pgid: child.pid } : {}), marker };
  // The tree below the shell only while the shell runs: a reaped pid may be another process's.
  const running = (): CommandProcesses => (child.exitCode === null && child.signalCode === null && child.pid !== undefined ? { ...target, rootPid: child.pid } : target);
  return {
    child,
    signal(name) {
      // The group at once; then the rest, found by the marker (setsid children, re-parented ones).
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, name);
        } catch {
          // The group is gone.
        }
      }
      void signalCommandProcesses(running(), name);
    },
    async end() {
      await signalCommandProcesses(target, "SIGKILL");
      unwatchCommand(marker);
      await wrapped.release();
    },
  };
}
