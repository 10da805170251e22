// Whether agent commands run in an OS sandbox, and how one command is wrapped. The permission gate
// and the shell parser decide what may run; the sandbox is the second wall for what they misjudge:
// it bounds what any command can do (write outside the workspace or into protected configuration,
// reach the network, read HOME). Detected once per process and setting: the program must exist
// AND a trial run must work (unprivileged user namespaces may be turned off). The hosts show the
// result in the status bar and on every command's approval card.
//
// The `pincer.agent.sandbox` setting (user scope only: a workspace cannot turn it off):
//  - "auto" (default): sandbox when available; otherwise say so once and run under today's rules;
//  - "required": when no sandbox is available, commands are refused;
//  - "off": never (for build tools the sandbox breaks); the approval card says so.
import { execFile } from "node:child_process";
import { constants, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CommandSandboxSetting } from "../../protocol/settings";
import type { CommandSandboxInfo } from "../tool-types";
import { bubblewrapArgs, homeToolFolders } from "./bubblewrap";
import { prepareProtectedEntries, releaseProtectedEntries } from "./protected-entries";
import { sandboxExecProfile } from "./sandbox-exec";

export type SandboxSetting = CommandSandboxSetting;

export interface SandboxedCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** A pid namespace holds every process of the command: killing `file` ends them all. */
  ownsProcesses: boolean;
  /** Undo what `wrap` made on disk (mount points, a temp folder); run after the command ended. */
  release(): Promise<void>;
}

export interface WrapOptions {
  cwd: string;
  /** The workspace folders (real paths); the only writable places. */
  roots: readonly string[];
  /** Approved for this command only: the sandbox keeps the network. */
  network: boolean;
  env: NodeJS.ProcessEnv;
}

export interface CommandSandbox {
  readonly info: CommandSandboxInfo;
  /** The command (`shell`: the program and its arguments) as the sandbox runs it; unchanged for kind "none". */
  wrap(shell: { file: string; args: readonly string[] }, options: WrapOptions): Promise<SandboxedCommand>;
}

export interface DetectOptions {
  setting: SandboxSetting;
  platform?: NodeJS.Platform;
  /** Where to look for bwrap (default: the usual places, then PATH). */
  bwrapCandidates?: readonly string[];
  sandboxExecPath?: string;
}

const noRelease = async (): Promise<void> => undefined;

/** No sandbox: the command as it is, with the reason shown to the person. */
export function noSandbox(reason: string, required = false): CommandSandbox {
  return {
    info: { kind: "none", reason, ...(required ? { required: true } : {}) },
    wrap: async (shell, options) => ({ file: shell.file, args: [...shell.args], env: options.env, ownsProcesses: false, release: noRelease }),
  };
}

const detected = new Map<string, Promise<CommandSandbox>>();

/** The sandbox for this process and setting; the trial run happens once (later calls share it). */
export function detectCommandSandbox(options: DetectOptions): Promise<CommandSandbox> {
  const key = JSON.stringify(options);
  let found = detected.get(key);
  if (!found) {
    found = detect(options);
    detected.set(key, found);
  }
  return found;
}

async function detect(options: DetectOptions): Promise<CommandSandbox> {
  const required = options.setting === "required";
  if (options.setting === "off") return noSandbox('turned off (pincer.agent.sandbox is "off")');
  const platform = options.platform ?? process.platform;
  if (platform === "linux") {
    const bwrap = await findExecutable(options.bwrapCandidates ?? ["/usr/bin/bwrap", "/usr/local/bin/bwrap", "/run/current-system/sw/bin/bwrap", ...pathCandidates("bwrap")]);
    if (!bwrap) return noSandbox("bubblewrap (bwrap) is not installed", required);
    let failure = await trialRun(bubblewrap(bwrap, true, required));
    if (failure === undefined) return bubblewrap(bwrap, true, required);
    // bubblewrap before 0.8 has no --disable-userns; everything else works without it.
    if (/disable-userns/.test(failure)) {
      failure = await trialRun(bubblewrap(bwrap, false, required));
      if (failure === undefined) return bubblewrap(bwrap, false, required);
    }
    return noSandbox(`bubblewrap cannot start a sandbox here (${failure}); unprivileged user namespaces may be turned off`, required);
  }
  if (platform === "darwin") {
    const sandboxExec = await findExecutable([options.sandboxExecPath ?? "/usr/bin/sandbox-exec"]);
    if (!sandboxExec) return noSandbox("sandbox-exec is not available", required);
    const failure = await trialRun(seatbelt(sandboxExec, required));
    if (failure === undefined) return seatbelt(sandboxExec, required);
    return noSandbox(`sandbox-exec cannot start a sandbox here (${failure})`, required);
  }
  return noSandbox(`no command sandbox on ${platform}`, required);
}

function bubblewrap(bwrap: string, disableUserns: boolean, required: boolean): CommandSandbox {
  return {
    info: { kind: "bubblewrap", ...(required ? { required: true } : {}) },
    async wrap(shell, options) {
      const entries = await prepareProtectedEntries(options.roots);
      const home = options.env.HOME ?? os.homedir();
      const args = bubblewrapArgs({
        roots: options.roots,
        readOnly: entries.readOnly,
        home,
        homeReadable: homeToolFolders(home, options.env.PATH),
        cwd: options.cwd,
        network: options.network,
        disableUserns,
        resolvConfDir: await resolvConfDir(),
      });
      return { file: bwrap, args: [...args, "--", shell.file, ...shell.args], env: sandboxEnv(options.env, "/tmp"), ownsProcesses: true, release: () => releaseProtectedEntries(entries.created) };
    },
  };
}

function seatbelt(sandboxExec: string, required: boolean): CommandSandbox {
  return {
    info: { kind: "sandbox-exec", ...(required ? { required: true } : {}) },
    async wrap(shell, options) {
      const tempDir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-command-")));
      const readOnly: string[] = [];
      for (const root of options.roots) {
        for (const name of [".git", ".vscode", ".pincer"]) {
          const target = await fs.realpath(path.join(root, name)).catch(() => undefined);
          if (target && target !== path.join(root, name)) readOnly.push(target);
        }
      }
      const home = options.env.HOME ?? os.homedir();
      const profile = sandboxExecProfile({ roots: options.roots, readOnly, tempDir, home, homeReadable: homeToolFolders(home, options.env.PATH), network: options.network });
      return {
        file: sandboxExec,
        args: ["-p", profile, shell.file, ...shell.args],
        env: sandboxEnv(options.env, tempDir),
        ownsProcesses: false,
        release: () => fs.rm(tempDir, { recursive: true, force: true }),
      };
    },
  };
}

/** Variables that point at hidden places are dropped; temp files go to the sandbox's own folder. */
function sandboxEnv(env: NodeJS.ProcessEnv, tempDir: string): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = { ...env, TMPDIR: tempDir };
  delete kept.XDG_RUNTIME_DIR;
  delete kept.DBUS_SESSION_BUS_ADDRESS;
  return kept;
}

/** /etc/resolv.conf's folder when it is a link into /run (systemd-resolved), which the sandbox hides. */
async function resolvConfDir(): Promise<string | undefined> {
  const target = await fs.realpath("/etc/resolv.conf").catch(() => undefined);
  return target?.startsWith("/run/") ? path.dirname(target) : undefined;
}

/** Runs `true` in the sandbox with a scratch workspace; undefined when it worked, else why not. */
async function trialRun(sandbox: CommandSandbox): Promise<string | undefined> {
  const scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-sandbox-trial-")));
  try {
    const wrapped = await sandbox.wrap({ file: "/bin/sh", args: ["-c", "true"] }, { cwd: scratch, roots: [scratch], network: false, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? os.homedir() } });
    try {
      return await new Promise<string | undefined>((resolve) => {
        execFile(wrapped.file, wrapped.args, { cwd: scratch, env: wrapped.env, timeout: 15_000 }, (error, _stdout, stderr) => {
          if (!error) return resolve(undefined);
          const firstLine = String(stderr).trim().split("\n")[0];
          resolve(firstLine || error.message);
        });
      });
    } finally {
      await wrapped.release();
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

function pathCandidates(name: string): string[] {
  return (process.env.PATH ?? "").split(path.delimiter).filter((dir) => path.isAbsolute(dir)).map((dir) => path.join(dir, name));
}

async function findExecutable(candidates: readonly string[]): Promise<string | undefined> {
  for (const candidate of candidates) {
    if (await fs.access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}
