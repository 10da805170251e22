// The shell that runs agent commands. The command policy parses every line as bash
// (tree-sitter-bash, shell-parse.ts), so the line must run under bash and nothing else: /bin/sh is
// dash on Debian and Ubuntu, where `ls &>/dev/null touch X` runs `touch`, and cmd.exe is another
// language altogether. Where no bash exists, run_command is refused with a message.
//  - POSIX: /bin/bash, /usr/bin/bash, else the first `bash` in an absolute PATH entry, found once.
//    Invoked as `bash --noprofile --norc -c -- LINE`: no profile or rc file runs, and a line that
//    starts with - or + is still the command string, not an option.
//  - Windows: Git for Windows' bash.exe (its usual install folders, or next to git.exe on PATH;
//    never WSL's System32\bash.exe, which runs in another system). The line travels in the
//    environment, not on the command line: MSYS programs re-parse their Windows command line
//    (quotes, globs, @file), so `-c` gets a fixed script that evals the variable.
//  - The environment loses what would change how bash starts or reads the line (startup files,
//    imported functions, options), and PATH loses relative and empty entries (a workspace file
//    named `ls` must not become the `ls` the rules allowed).
import fs from "node:fs";
import path from "node:path";

export interface CommandShell {
  /** Absolute path of the bash executable. */
  file: string;
  /** Its arguments for one command line. */
  args(commandLine: string): string[];
  /** The environment for one command line: `base` cleaned of what bash would act on at start-up. */
  env(base: NodeJS.ProcessEnv, commandLine: string): NodeJS.ProcessEnv;
}

export type CommandShellChoice = CommandShell | { error: string };

/** What findCommandShell may look at (the real system by default; tests pass their own). */
export interface ShellProbe {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  isExecutable(file: string): boolean;
}

/** The variable that carries the line on Windows. */
export const COMMAND_LINE_VARIABLE = "PINCER_COMMAND_LINE";
const WINDOWS_SCRIPT = `eval "$${COMMAND_LINE_VARIABLE}"`;

/**
 * Variables bash acts on at start-up or while reading the line: files it sources (BASH_ENV, ENV),
 * options it turns on (SHELLOPTS, BASHOPTS, POSIXLY_CORRECT, BASH_COMPAT: extglob, posix mode,
 * xtrace), code it expands per traced command (PS4) and where that trace goes (BASH_XTRACEFD),
 * which files it skips in PATH (EXECIGNORE) and globs (GLOBIGNORE), and how it splits (IFS).
 * Exported functions (BASH_FUNC_name%%) are dropped by prefix.
 */
const STARTUP_VARIABLES = ["BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "POSIXLY_CORRECT", "BASH_COMPAT", "PS4", "BASH_XTRACEFD", "EXECIGNORE", "GLOBIGNORE", "IFS", COMMAND_LINE_VARIABLE];

let found: CommandShell | undefined;

/** The shell for agent commands on this machine (found once; a missing bash is looked for again next time). */
export function commandShell(): CommandShellChoice {
  if (found) return found;
  const choice = findCommandShell({ platform: process.platform, env: process.env, isExecutable });
  if (!("error" in choice)) found = choice;
  return choice;
}

export function findCommandShell(probe: ShellProbe): CommandShellChoice {
  return probe.platform === "win32" ? findWindowsBash(probe) : findPosixBash(probe);
}

function findPosixBash(probe: ShellProbe): CommandShellChoice {
  const fromPath = pathEntries(probe.env, ":", path.posix).map((dir) => path.posix.join(dir, "bash"));
  const candidates = ["/bin/bash", "/usr/bin/bash", ...fromPath];
  const file = candidates.find((candidate) => probe.isExecutable(candidate));
  if (!file) {
    return { error: "run_command needs bash: the command rules are checked as bash, so commands run only under bash, and none was found (looked for /bin/bash, /usr/bin/bash and bash on PATH). Install bash to let the agent run commands." };
  }
  return {
    file,
    args: (commandLine) => ["--noprofile", "--norc", "-c", "--", commandLine],
    env: (base) => shellEnvironment(base, ":", path.posix),
  };
}

function findWindowsBash(probe: ShellProbe): CommandShellChoice {
  const win = path.win32;
  const get = (name: string) => variable(probe.env, name);
  const installs = [get("ProgramW6432"), get("ProgramFiles"), get("ProgramFiles(x86)")].filter((dir): dir is string => !!dir).map((dir) => win.join(dir, "Git", "bin", "bash.exe"));
  const local = get("LOCALAPPDATA");
  if (local) installs.push(win.join(local, "Programs", "Git", "bin", "bash.exe"));
  const entries = pathEntries(probe.env, ";", win);
  // git.exe lives in <Git>\cmd, <Git>\bin or <Git>\mingw64\bin; bash.exe in <Git>\bin.
  const besideGit = entries
    .filter((dir) => probe.isExecutable(win.join(dir, "git.exe")))
    .flatMap((dir) => [win.join(dir, "..", "bin", "bash.exe"), win.join(dir, "bash.exe"), win.join(dir, "..", "..", "bin", "bash.exe")]);
  const systemRoot = (get("SystemRoot") ?? get("windir") ?? "C:\\Windows").toLowerCase();
  const onPath = entries
    .map((dir) => win.join(dir, "bash.exe"))
    .filter((file) => !file.toLowerCase().startsWith(systemRoot + "\\") && !/\\windowsapps\\/i.test(file));
  const file = [...installs, ...besideGit, ...onPath].find((candidate) => probe.isExecutable(candidate));
  if (!file) {
    return {
      error: "run_command needs Git for Windows' bash.exe: the command rules are checked as bash, so commands never run through cmd.exe, and no bash.exe was found (looked in Program Files\\Git\\bin, next to git.exe and on PATH; WSL's bash is not used). Install Git for Windows to let the agent run commands.",
    };
  }
  return {
    file: win.normalize(file),
    args: () => ["--noprofile", "--norc", "-c", "--", WINDOWS_SCRIPT],
    env: (base, commandLine) => ({ ...shellEnvironment(base, ";", win), [COMMAND_LINE_VARIABLE]: commandLine }),
  };
}

/** `base` without STARTUP_VARIABLES and exported functions, PATH without relative or empty entries. */
function shellEnvironment(base: NodeJS.ProcessEnv, separator: string, paths: path.PlatformPath): NodeJS.ProcessEnv {
  const drop = new Set(STARTUP_VARIABLES.map((name) => name.toUpperCase()));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const upper = name.toUpperCase();
    if (drop.has(upper) || upper.startsWith("BASH_FUNC_")) continue;
    env[name] = upper === "PATH" ? value.split(separator).filter((dir) => dir !== "" && paths.isAbsolute(dir)).join(separator) : value;
  }
  return env;
}

function pathEntries(env: NodeJS.ProcessEnv, separator: string, paths: path.PlatformPath): string[] {
  return (variable(env, "PATH") ?? "").split(separator).filter((dir) => dir !== "" && paths.isAbsolute(dir));
}

/** An environment variable by name, ignoring case (Windows spells it Path). */
function variable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env[name] !== undefined) return env[name];
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
