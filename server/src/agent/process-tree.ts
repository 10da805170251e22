// Finding and ending every process an agent command started, however it detached. A process group
// is not enough: `setsid cmd &` leaves the group (and the session), and once its parent exits it is
// re-parented to init, out of reach of a tree walk. So each command carries a marker in its
// environment (COMMAND_MARKER_ENV = a random id), which children inherit; on Linux /proc shows it
// for every process of the same user. What remains: a process that empties its environment
// (`env -i`) AND leaves the tree escapes both; the bubblewrap sandbox closes that (its pid
// namespace dies as a whole). Elsewhere (macOS) only the group and the tree are reachable.
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";

/** The environment variable that marks every process of one agent command. */
export const COMMAND_MARKER_ENV = "PINCER_COMMAND_ID";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
}

/** What belongs to one command: its process group, the processes below `rootPid`, and the marked ones. */
export interface CommandProcesses {
  /** The process group the command's shell leads (kill(-pgid)). */
  pgid?: number;
  /** Every descendant of this process (not the process itself). */
  rootPid?: number;
  /** The value of COMMAND_MARKER_ENV in the command's environment. */
  marker?: string;
  /** Never signalled (the supervisor itself, the server). */
  exclude?: readonly number[];
}

const linux = process.platform === "linux";

/** Every process visible to this one: /proc on Linux, `ps` elsewhere (POSIX). */
export async function listProcesses(): Promise<ProcessInfo[]> {
  if (linux) {
    const names = await fs.readdir("/proc").catch(() => [] as string[]);
    const stats = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map((name) => fs.readFile(`/proc/${name}/stat`, "utf8").catch(() => undefined)));
    return stats.flatMap((stat) => (stat === undefined ? [] : parseStat(stat)));
  }
  if (process.platform === "win32") return [];
  const text = await new Promise<string>((resolve) => execFile("ps", ["-A", "-o", "pid=,ppid=,pgid="], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => resolve(error ? "" : stdout)));
  return text.split("\n").flatMap((line) => {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    return pid && ppid !== undefined && pgid !== undefined && Number.isInteger(ppid) && Number.isInteger(pgid) ? [{ pid, ppid, pgid }] : [];
  });
}

/** "pid (comm) state ppid pgrp ..."; comm may contain spaces and parentheses, so split at the last ")". */
export function parseStat(stat: string): ProcessInfo[] {
  const close = stat.lastIndexOf(")");
  const pid = Number(stat.slice(0, stat.indexOf(" (")));
  const fields = stat.slice(close + 2).split(" ");
  const state = fields[0];
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  // A zombie has exited already; signalling it does nothing.
  if (!Number.isInteger(pid) || state === "Z" || state === "X") return [];
  return [{ pid, ppid, pgid }];
}

/** Processes whose environment holds COMMAND_MARKER_ENV=marker (Linux; elsewhere none). */
export async function markedProcesses(marker: string, candidates: readonly ProcessInfo[]): Promise<number[]> {
  if (!linux) return [];
  const needle = Buffer.from(`\0${COMMAND_MARKER_ENV}=${marker}\0`);
  const first = Buffer.from(`${COMMAND_MARKER_ENV}=${marker}\0`);
  const found = await Promise.all(
    candidates.map(async ({ pid }) => {
      const environ = await fs.readFile(`/proc/${pid}/environ`).catch(() => undefined);
      if (!environ) return undefined;
      return environ.subarray(0, first.length).equals(first) || environ.includes(needle) ? pid : undefined;
    }),
  );
  return found.filter((pid): pid is number => pid !== undefined);
}

/** Every process below `rootPid` in the parent tree. */
export function descendantsOf(rootPid: number, table: readonly ProcessInfo[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (found.includes(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The processes of one command that are alive now. */
export async function findCommandProcesses(target: CommandProcesses): Promise<number[]> {
  const table = await listProcesses();
  const found = new Set<number>();
  if (target.pgid !== undefined) for (const p of table) if (p.pgid === target.pgid) found.add(p.pid);
  if (target.rootPid !== undefined) for (const pid of descendantsOf(target.rootPid, table)) found.add(pid);
  if (target.marker !== undefined) for (const pid of await markedProcesses(target.marker, table)) found.add(pid);
  for (const pid of [...(target.exclude ?? []), process.pid]) found.delete(pid);
  return [...found];
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile, or not ours.
  }
}

/**
 * SIGTERM: once, to every process of the command (it may clean up). SIGKILL: the processes are
 * stopped first (SIGSTOP, so none can fork between the scan and the kill), then killed, and the
 * scan repeats until it finds nothing (a few rounds at most; one when nothing is left).
 */
export async function signalCommandProcesses(target: CommandProcesses, name: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (target.pgid !== undefined) signal(-target.pgid, name === "SIGKILL" ? "SIGSTOP" : name);
  if (name === "SIGTERM") {
    for (const pid of await findCommandProcesses(target)) signal(pid, "SIGTERM");
    return;
  }
  for (let round = 0; round < 8; round++) {
    const pids = await findCommandProcesses(target);
    if (pids.length === 0) break;
    for (const pid of pids) signal(pid, "SIGSTOP");
    for (const pid of pids) signal(pid, "SIGKILL");
    if (target.pgid !== undefined) signal(-target.pgid, "SIGKILL");
  }
}
