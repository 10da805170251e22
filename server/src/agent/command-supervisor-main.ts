// The command supervisor: a small Node process between the server and an agent command when no
// pid-namespace sandbox holds the command (sandbox off or unavailable, macOS). It outlives the
// server on purpose: when the server ends in any way (SIGKILL, SIGTERM, exit, a crash) the IPC
// channel closes, and the supervisor then kills every process of the command (its group, its
// tree and every process carrying its marker, see process-tree.ts) and exits. The command's
// stdout and stderr are the supervisor's own, inherited from the server's pipes.
//
// argv: <cwd> <file> <args...>   IPC in: { signal: "SIGTERM" | "SIGKILL" }   IPC out: { started: pid }, { exit: code, signal }
import { spawn } from "node:child_process";
import { COMMAND_MARKER_ENV, signalCommandProcesses, type CommandProcesses } from "./process-tree";

type Outgoing = { started: number } | { exit: number | null; signal: NodeJS.Signals | null } | { error: string };

function send(message: Outgoing, then?: () => void): void {
  if (process.connected && process.send) process.send(message, undefined, {}, () => then?.());
  else then?.();
}

function supervise(): void {
  const [cwd, file, ...args] = process.argv.slice(2);
  if (!cwd || !file || !process.send) {
    process.stderr.write("command-supervisor: needs a program and an IPC channel\n");
    process.exit(2);
  }
  const child = spawn(file, args, { cwd, stdio: ["ignore", "inherit", "inherit"], detached: true });
  const target: CommandProcesses = { ...(child.pid !== undefined ? { pgid: child.pid } : {}), rootPid: process.pid, marker: process.env[COMMAND_MARKER_ENV], exclude: [process.pid] };
  let ending: Promise<void> | undefined;
  const killAll = (): Promise<void> => (ending ??= signalCommandProcesses(target, "SIGKILL"));

  child.once("error", (error) => send({ error: error.message }, () => process.exit(1)));
  if (child.pid !== undefined) send({ started: child.pid });
  child.once("exit", (code, signal) => {
    // Whatever the shell left behind (a background job, a setsid child) ends with it.
    void killAll().then(() => send({ exit: code, signal }, () => process.exit(0)));
  });
  process.on("message", (message: unknown) => {
    const name = (message as { signal?: unknown } | null)?.signal;
    if (name === "SIGTERM") void signalCommandProcesses(target, "SIGTERM");
    else if (name === "SIGKILL") void killAll();
  });
  // The server is gone (any way it ended): nothing of the command may outlive it.
  process.once("disconnect", () => void killAll().then(() => process.exit(0)));
  // A SIGTERM/SIGHUP/SIGINT meant for the server's group reaches the supervisor too; it ends the command, not just itself.
  for (const name of ["SIGTERM", "SIGHUP", "SIGINT"] as const) process.on(name, () => void killAll().then(() => process.exit(0)));
}

supervise();
