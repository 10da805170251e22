// Finding processes from outside, for tests that check nothing an agent command started survives:
// every process whose command line contains a unique marker (Linux /proc), and waiting on that
// with a deadline instead of a fixed sleep.
import { promises as fs } from "node:fs";

/** Whether this platform lets the tests look processes up by command line. */
export const canListProcesses = process.platform === "linux";

/** Live (not zombie) processes whose command line contains `marker`. */
export async function processesWith(marker: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const name of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.includes(marker)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    // "pid (comm) S ..." — a zombie (Z) or a process that vanished meanwhile is gone.
    const state = /\) (\S)/.exec(stat)?.[1];
    if (state === undefined || state === "Z" || state === "X") continue;
    found.push({ pid: Number(name), cmdline: cmdline.replace(/\0/g, " ").trim() });
  }
  return found;
}

/** Polls `probe` until it returns a value other than undefined; rejects with `what` after `timeoutMs`. */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, what: () => string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A unique duration for `sleep` (seconds with a random fraction) that doubles as a marker in its command line. */
export function markedSleep(seconds: number): string {
  return `${seconds}.${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
}

/** Kills what a failed test left behind (by marker), so one failure does not leak into the next test. */
export async function killMarked(marker: string): Promise<void> {
  for (const { pid } of await processesWith(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}
