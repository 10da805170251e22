// Runs an agent command: bash -c in the workspace (command-shell.ts: the language the policy
// parsed; refused where there is no bash), in the OS sandbox when there is one, started so that a
// timeout, a cancel or the server's end kills every process it started, detached ones included
// (command-launch.ts: a pid namespace, or the command supervisor). Output is kept bounded (head +
// tail, the middle dropped with a note) and streamed to onOutput as it arrives. Variables that look
// like secrets are not passed on unless an allow list names them (env-scrub.ts).
import { gitSafeCommandEnvironment } from "../git/git-safe-env";
import { launchCommand } from "./command-launch";
import { commandShell, type CommandShellChoice } from "./command-shell";
import { scrubEnvironment } from "./env-scrub";
import type { CommandSandbox } from "./sandbox/command-sandbox";
import type { CommandRun, CommandRunner, CommandRunOptions } from "./tool-types";

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
  /** The OS sandbox commands run in (sandbox/command-sandbox.ts); absent: none. */
  sandbox?: CommandSandbox;
  /** The workspace folders (real paths), writable in the sandbox; default: the command's cwd. */
  roots?: readonly string[];
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

  async run(commandLine: string, options: CommandRunOptions): Promise<CommandRun> {
    options.signal.throwIfAborted();
    const shell = this.options.shell ?? commandShell();
    if ("error" in shell) return Promise.reject(new Error(shell.error));
    const { env } = scrubEnvironment(this.options.env ?? process.env, this.options.allowEnv);
    const windows = process.platform === "win32";
    // In the sandbox when there is one; either way nothing the command starts outlives it (command-launch.ts).
    // The git switches go in after scrubbing: GIT_CONFIG_KEY_n looks like a secret's name.
    const launched = await launchCommand(
      { file: shell.file, args: shell.args(commandLine) },
      { cwd: options.cwd, env: shell.env(gitSafeCommandEnvironment(env), commandLine), sandbox: this.options.sandbox, roots: this.options.roots ?? [options.cwd], network: options.network === true },
    );
    const child = launched.child;
    const output = new BoundedOutput(this.options.maxOutputChars ?? DEFAULT_MAX_OUTPUT);
    const onData = (data: Buffer): void => {
      const text = data.toString("utf8");
      output.push(text);
      options.onOutput?.(text);
      this.options.onOutput?.(text);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);

    return new Promise<CommandRun>((resolve, reject) => {
      let killedBy: string | undefined;
      let timedOut = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const stop = (reason: "timeout" | "cancel"): void => {
        if (killedBy) return;
        timedOut = reason === "timeout";
        killedBy = "SIGTERM";
        launched.signal("SIGTERM");
        timers.push(setTimeout(() => {
          killedBy = "SIGKILL";
          launched.signal("SIGKILL");
        }, this.options.killGraceMs ?? 2_000));
      };
      const onAbort = (): void => stop("cancel");
      options.signal.addEventListener("abort", onAbort, { once: true });
      // Cancelled while the command was being started.
      if (options.signal.aborted) onAbort();
      timers.push(setTimeout(() => stop("timeout"), Math.max(1, options.timeoutMs)));

      const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        options.signal.removeEventListener("abort", onAbort);
        child.stdout!.destroy();
        child.stderr!.destroy();
        const { output: text, truncated } = output.result();
        // Whatever the shell left running (a background `&` job, a `setsid` child) ends with it.
        void launched.end().finally(() => resolve({ exitCode, ...(killedBy || signal ? { killedBy: killedBy ?? signal ?? undefined } : {}), timedOut, output: text, truncated }));
      };
      child.once("error", (error) => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        options.signal.removeEventListener("abort", onAbort);
        void launched.end().finally(() => reject(error));
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
