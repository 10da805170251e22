// The command supervisor: one small Node process per server, started with the first agent command
// that no pid-namespace sandbox holds (sandbox off or unavailable, macOS). It is the server's dead
// man's switch: the server registers each command's marker before starting it, and when the server
// ends in any way (SIGKILL, SIGTERM, exit, a crash) the IPC channel closes and the supervisor kills
// every process of every registered command (its group, its tree and every process carrying its
// marker, see process-tree.ts), then exits. While the server lives, the server ends its commands
// itself; the supervisor only waits.
//
// IPC in: { watch: marker, id } (answered { watching: id } before the command starts),
//         { started: marker, pid } (the shell's pid, which leads its process group), { unwatch: marker }.
import { signalCommandProcesses, type CommandProcesses } from "./process-tree";

const watched = new Map<string, CommandProcesses>();
let ending: Promise<void> | undefined;

function endAll(): Promise<void> {
  ending ??= Promise.all([...watched.values()].map((target) => signalCommandProcesses(target, "SIGKILL"))).then(() => process.exit(0));
  return ending;
}

if (!process.send) {
  process.stderr.write("command-supervisor: needs an IPC channel to the server\n");
  process.exit(2);
}

process.on("message", (message: unknown) => {
  const m = (message ?? {}) as { watch?: unknown; id?: unknown; started?: unknown; pid?: unknown; unwatch?: unknown };
  if (typeof m.watch === "string") {
    watched.set(m.watch, { marker: m.watch, exclude: [process.pid] });
    process.send?.({ watching: m.id });
  } else if (typeof m.started === "string" && typeof m.pid === "number") {
    const target = watched.get(m.started);
    if (target) watched.set(m.started, { ...target, pgid: m.pid, rootPid: m.pid });
  } else if (typeof m.unwatch === "string") {
    watched.delete(m.unwatch);
  }
});
// The server is gone, however it ended: nothing of its commands may outlive it.
process.once("disconnect", () => void endAll());
// A signal meant for the server's group (or a session's end) ends the commands too, not just this process.
for (const name of ["SIGTERM", "SIGHUP", "SIGINT"] as const) process.on(name, () => void endAll());
