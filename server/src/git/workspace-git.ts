// Every git call Pincer makes on a workspace goes through here (the agent's git tools, the chat's
// diff, commit message and summary). The repository is pinned: it is the `.git` directly at the
// workspace folder's root (a directory, or a gitfile as `git worktree` writes), and nothing else.
// git never discovers one by itself, so plain files named HEAD/config/objects/refs in the folder
// (written by the agent, or unpacked from an archive) are never a repository, a parent folder's
// repository is not used, and the work tree is the folder whatever core.worktree says.
//
// Repository config never runs programs: each call lists the effective config once (git reads its
// files, includes too, and runs nothing to do so) and passes a harmless value for every key that
// names a program, plus a fixed set of switches (program-config.ts), as command-line config, which
// outranks every file. No transport is allowed, so a partial clone's lazy fetch cannot connect.
//
// Own runner, not simple-git: these overrides are exactly the keys simple-git's guard refuses
// (core.sshCommand, protocol.*.allow, filters, GIT_CONFIG_COUNT, GIT_DIR, …), so it would need every
// unsafe flag on, and its environment handling would be a second layer to reason about. Pincer's
// arguments are fixed code (a path comes after `--`, a commit message on stdin).
import { execFile } from "node:child_process";
import { accessSync, constants, promises as fs, statSync } from "node:fs";
import path from "node:path";
import { FIXED_SAFE_CONFIG, neutralizingOverrides } from "./program-config";
import { pinnedGitEnvironment } from "./git-safe-env";

/** What the git features say when a workspace folder has no repository of its own. */
export const NOT_A_REPOSITORY = "the workspace is not a git repository (Pincer's git uses only a .git directly in the workspace folder)";

export interface PinnedRepository {
  /** `<workTree>/.git`: a directory, or a file naming the git directory. */
  gitDir: string;
  /** The workspace folder (real path). */
  workTree: string;
}

export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitCommandError";
  }
}

/** The repository Pincer's git uses for a workspace folder, or undefined when the folder has no `.git` of its own. */
export async function pinnedRepository(folder: string): Promise<PinnedRepository | undefined> {
  const workTree = await fs.realpath(folder).catch(() => undefined);
  if (!workTree) return undefined;
  const gitDir = path.join(workTree, ".git");
  const stat = await fs.stat(gitDir).catch(() => undefined);
  if (!stat || !(stat.isDirectory() || stat.isFile())) return undefined;
  return { gitDir, workTree };
}

export interface RunOptions {
  /** Written to git's stdin. */
  input?: string;
}

export class WorkspaceGit {
  private constructor(
    readonly repository: PinnedRepository,
    private readonly env: NodeJS.ProcessEnv,
    private readonly signal: AbortSignal,
  ) {}

  /**
   * git for the workspace folder's own repository, or undefined when it has none. Throws GitCommandError
   * when git cannot read the repository (not a repository after all, dubious ownership, bad config).
   */
  static async open(folder: string, signal: AbortSignal): Promise<WorkspaceGit | undefined> {
    signal.throwIfAborted();
    const repository = await pinnedRepository(folder);
    if (!repository) return undefined;
    await requireSupportedGit(signal);
    const plain = pinnedGitEnvironment(repository, FIXED_SAFE_CONFIG);
    // `git config` reads a folder that is no repository without complaint; rev-parse says so.
    await run(repository, plain, ["rev-parse", "--git-dir"], signal, {});
    const listing = await run(repository, plain, ["config", "--list", "-z"], signal, {});
    const env = pinnedGitEnvironment(repository, [...FIXED_SAFE_CONFIG, ...neutralizingOverrides(listing)]);
    return new WorkspaceGit(repository, env, signal);
  }

  /** Runs `git <args>` in the work tree; resolves stdout. */
  run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return run(this.repository, this.env, args, this.signal, options);
  }
}

async function run(repository: PinnedRepository, env: NodeJS.ProcessEnv, args: readonly string[], signal: AbortSignal, options: RunOptions): Promise<string> {
  signal.throwIfAborted();
  const binary = gitBinary();
  return new Promise<string>((resolve, reject) => {
    const child = execFile(
      binary,
      ["--no-pager", ...args],
      { cwd: repository.workTree, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, windowsHide: true, ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (error.name === "AbortError") return reject(error);
        const code = typeof (error as { code?: unknown }).code === "number" ? ((error as { code: number }).code) : undefined;
        reject(new GitCommandError(`git ${args[0] ?? ""} failed: ${stderr.trim() || error.message}`, code, stderr));
      },
    );
    // git may exit without reading its input; the exit status tells what happened, not the pipe.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.input ?? "");
  });
}

/** GIT_CONFIG_COUNT/KEY/VALUE, which carries every override, arrived in git 2.31; older git ignores it silently. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 31];

let checkedVersion: Promise<void> | undefined;

async function requireSupportedGit(signal: AbortSignal): Promise<void> {
  checkedVersion ??= new Promise<string>((resolve, reject) => {
    execFile(gitBinary(), ["version"], { env: { PATH: process.env.PATH ?? "", LC_ALL: "C" }, windowsHide: true }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  }).then((output) => {
    const version = parseGitVersion(output);
    if (!version || !versionAtLeast(version, MIN_GIT_VERSION)) {
      throw new GitCommandError(`git ${MIN_GIT_VERSION.join(".")} or newer is needed (found ${output.trim() || "no version"}): older git ignores the settings that keep a repository's config from running programs`, undefined, "");
    }
  });
  // A failed check is not cached: git may be installed or updated while the server runs.
  checkedVersion.catch(() => (checkedVersion = undefined));
  signal.throwIfAborted();
  return checkedVersion;
}

/** [major, minor] from `git version 2.39.5` (also `git version 2.45.1.windows.1`). */
export function parseGitVersion(output: string): [number, number] | undefined {
  const match = /git version (\d+)\.(\d+)/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function versionAtLeast(version: readonly [number, number], minimum: readonly [number, number]): boolean {
  return version[0] > minimum[0] || (version[0] === minimum[0] && version[1] >= minimum[1]);
}

let resolvedBinary: string | undefined;

/**
 * git's absolute path from the PATH's absolute entries. Windows looks for a bare `git` in the child's
 * working folder first, so a `git.exe` in the workspace would run; an empty or relative PATH entry
 * does the same on POSIX.
 */
export function gitBinary(): string {
  resolvedBinary ??= findOnPath(process.env.PATH ?? process.env.Path ?? "", process.platform === "win32" ? "git.exe" : "git");
  // Never a bare "git": that is the lookup this function exists to avoid.
  if (!resolvedBinary) throw new GitCommandError("git is not installed (no git on the PATH)", undefined, "");
  return resolvedBinary;
}

/** The first executable `name` in an absolute entry of `pathValue`; empty and relative entries are skipped. */
export function findOnPath(pathValue: string, name: string): string | undefined {
  for (const entry of pathValue.split(path.delimiter)) {
    if (!entry || !path.isAbsolute(entry)) continue;
    const candidate = path.join(entry, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
