// Runs an agent command: bash -c in the workspace (command-shell.ts: the language the policy
// parsed; refused where there is no bash), in its own process group so a timeout or a cancel
// kills the whole tree (a test runner's workers, a dev server it started). Output is kept bounded
// (head + tail, the middle dropped with a note) and streamed to onOutput as it arrives. Variables
// that look like secrets are not passed on unless an allow list names them (env-scrub.ts).
import { spawn } from "node:child_process";
import { commandShell, type CommandShellChoice } from "./command-shell";
import { scrubEnvironment } from "./env-scrub";
import type { CommandRun, CommandRunner } from "./tool-types";

export interface CommandRunnerOptions {
  /** Characters kept for the model: half from the start, half from the end. */
  maxOutputChars?: number;
  /** Environment of the commands before scrubbing (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Variable names passed on even though they look like secrets. */
  allowEnv?: readonly string[];
  /** Time between SIGTERM and SIGKILL for the process group. */
  killGraceMs?: number;
  /** Live output of every command (a terminal view); a run's own onOutput is called as well. */
  onOutput?: (chunk: string) => void;
  /** The shell (default: command-shell.ts's choice for this machine). */
  shell?: CommandShellChoice;
}

const DEFAULT_MAX_OUTPUT = 16_000;
/** Keeps the first and last `limit / 2` characters of a stream, counting what falls in between. */
export class BoundedOutput {
  private head = "";
  private tail = "";
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: string): void {
    const half = Math.floor(this.limit / 2);
    if (this.head.length < half) {
      const room = half - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === "") return;
    this.tail += chunk;
    if (this.tail.length > this.limit - half) {
      const cut = this.tail.length - (this.limit - half);
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }

  result(): { output: string; truncated: boolean } {
    if (this.dropped === 0) return { output: this.head + this.tail, truncated: false };
    return { output: `${this.head}\n[... ${this.dropped} characters of output omitted ...]\n${this.tail}`, truncated: true };
  }
}

export class ProcessCommandRunner implements CommandRunner {
  constructor(private readonly options: CommandRunnerOptions = {}) {}

  run(commandLine: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void }): Promise<CommandRun> {
    options.signal.throwIfAborted();
    const shell = this.options.shell ?? commandShell();
    if ("error" in shell) return Promise.reject(new Error(shell.error));
    const { env } = scrubEnvironment(this.options.env ?? process.env, this.options.allowEnv);
    const windows = process.platform === "win32";
    const child = spawn(shell.file, shell.args(commandLine), {
      cwd: options.cwd,
      env: shell.env(env, commandLine),
      detached: !windows,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    const output = new BoundedOutput(this.options.maxOutputChars ?? DEFAULT_MAX_OUTPUT);
    const onData = (data: Buffer): void => {
      const text = data.toString("utf8");
      output.push(text);
      options.onOutput?.(text);
      this.options.onOutput?.(text);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);

    return new Promise<CommandRun>((resolve, reject) => {
      let killedBy: string | undefined;
      let timedOut = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const killTree = (signal: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          if (windows) spawn("taskkill", ["/pid", String(child.pid), "/T", "/F"], { windowsHide: true });
          else process.kill(-child.pid, signal);
        } catch {
          // The group is already gone.
        }
      };
      const stop = (reason: "timeout" | "cancel"): void => {
        if (killedBy) return;
        timedOut = reason === "timeout";
        killedBy = "SIGTERM";
        killTree("SIGTERM");
        timers.push(setTimeout(() => {
          killedBy = "SIGKILL";
          killTree("SIGKILL");
        }, this.options.killGraceMs ?? 2_000));
      };
      const onAbort = (): void => stop("cancel");
      options.signal.addEventListener("abort", onAbort, { once: true });
      timers.push(setTimeout(() => stop("timeout"), Math.max(1, options.timeoutMs)));

      const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        options.signal.removeEventListener("abort", onAbort);
        // Whatever the shell left running in its group (a background `&` job) ends with it.
        killTree("SIGKILL");
        child.stdout.destroy();
        child.stderr.destroy();
        const { output: text, truncated } = output.result();
        resolve({ exitCode, ...(killedBy || signal ? { killedBy: killedBy ?? signal ?? undefined } : {}), timedOut, output: text, truncated });
      };
      child.once("error", (error) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        options.signal.removeEventListener("abort", onAbort);
        reject(error);
      });
      child.once("close", finish);
      // A background job that keeps the pipes open would hold "close" back forever: give the
      // output a moment to drain after the shell exits, then end anyway.
      child.once("exit", (code, signal) => {
        timers.push(setTimeout(() => finish(code, signal), 500));
      });
    });
  }
}
