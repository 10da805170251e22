// A git repository that lives outside the workspace (in Pincer's storage) and looks at the
// workspace as its work tree: `git --git-dir=<storage>/<hash>.git --work-tree=<workspace>`. The
// user's own .git is never read or written (git never adds a path named .git), and nothing from
// the user's git configuration applies: no global/system config, no hooks, no fsmonitor, no
// filters (an LFS clean filter would otherwise store pointers instead of the bytes we restore).
//
// The repository holds copies of every file the agent touched (a 0600 .env too), so it is private: folders
// 0700, files 0600 (core.sharedRepository=0600 and, on POSIX, git runs under umask 077), and a store made by an
// older version is tightened when it is opened.
//
// A git killed in the middle of a write leaves its lock file (index.lock, a ref's .lock) and every later git
// call fails on it. ShadowCheckpoints runs git only while it holds the workspace lock (checkpoints.ts), so a git
// lock file seen then belongs to nobody: it is removed and the call tried once more (`lockHeld`).
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { PincerError } from "../platform/errors";

const NULL_DEVICE = process.platform === "win32" ? "NUL" : "/dev/null";
const POSIX = process.platform !== "win32";
/** `sh -c` script that runs git ("$0") with its arguments under umask 077: files git makes are private. */
const UMASK_WRAPPER = 'umask 077 && exec "$0" "$@"';

/** A checkpoint problem worth one line to the person (no stack trace): git failed, the store is busy or misplaced. */
export class CheckpointError extends PincerError {
  override name = "CheckpointError";
}

export interface ShadowGitHooks {
  /**
   * Called with the pid of each git that writes to the repository (it takes git's own lock files) when it starts,
   * and with undefined when it ends: the workspace lock names it, in case it outlives a killed Pincer.
   */
  onChild?: (pid: number | undefined) => void;
  /** True while this process holds the workspace lock: git lock files found then are stale. */
  lockHeld?: () => boolean;
}

interface RunOptions {
  /** Exit codes that are not failures. */
  ok?: number[];
  /** Receives git's messages. */
  stderr?: (text: string) => void;
  /** Written to git's stdin. */
  input?: string;
}

/** git commands that take a lock file in the repository (index.lock, a ref's lock, config.lock, gc's). */
const WRITERS = new Set(["add", "write-tree", "update-ref", "gc", "config", "init"]);

/** Marks a complete repository; written last, so a store whose creation was killed is set up again. */
const COMPLETE_MARK = "pincer-workspace";
/** git's message for a lock file that is in the way. */
const LOCK_EXISTS = /Unable to create '([^']+\.lock)': File exists/;

export class ShadowGit {
  private ready: Promise<void> | undefined;

  constructor(
    readonly gitDir: string,
    readonly workTree: string,
    private readonly binary = "git",
    private readonly hooks: ShadowGitHooks = {},
  ) {}

  /** The shadow repository for a workspace folder: one per real path. */
  static forWorkspace(storageDir: string, workTree: string, hooks: ShadowGitHooks = {}): ShadowGit {
    return new ShadowGit(path.join(storageDir, "checkpoints", `${workspaceKey(workTree)}.git`), workTree, "git", hooks);
  }

  /** Whether the repository has been set up (reading needs no lock and creates nothing). */
  exists(): Promise<boolean> {
    return fs.stat(path.join(this.gitDir, COMPLETE_MARK)).then(() => true, () => false);
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    // Inherited GIT_* variables (GIT_DIR, GIT_INDEX_FILE from a hook, ...) would redirect us.
    for (const [name, value] of Object.entries(process.env)) if (!name.toUpperCase().startsWith("GIT_")) env[name] = value;
    return {
      ...env,
      GIT_DIR: this.gitDir,
      GIT_WORK_TREE: this.workTree,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: NULL_DEVICE,
      GIT_TERMINAL_PROMPT: "0",
      GIT_AUTHOR_NAME: "Pincer",
      GIT_AUTHOR_EMAIL: "pincer@localhost",
      GIT_COMMITTER_NAME: "Pincer",
      GIT_COMMITTER_EMAIL: "pincer@localhost",
      LC_ALL: "C",
    };
  }

  /** The program and arguments that run git with `args` (under umask 077 on POSIX). */
  private command(args: string[]): [string, string[]] {
    return POSIX ? ["/bin/sh", ["-c", UMASK_WRAPPER, this.binary, ...args]] : [this.binary, args];
  }

  /** Runs git; resolves stdout as bytes. `ok` lists exit codes that are not failures; `stderr` receives git's messages. */
  async run(args: string[], signal: AbortSignal, options: RunOptions = {}): Promise<Buffer> {
    try {
      return await this.runOnce(args, signal, options);
    } catch (error) {
      const stale = error instanceof GitFailure ? LOCK_EXISTS.exec(error.stderr)?.[1] : undefined;
      if (!stale || !this.hooks.lockHeld?.() || !isInside(stale, this.gitDir)) throw error;
      // Left by a git that was killed: nobody else runs git on this store while we hold the workspace lock.
      await fs.rm(stale, { force: true });
      return this.runOnce(args, signal, options);
    }
  }

  private runOnce(args: string[], signal: AbortSignal, options: RunOptions): Promise<Buffer> {
    signal.throwIfAborted();
    const [program, argv] = this.command(["-c", "core.fsmonitor=false", "-c", `core.hooksPath=${NULL_DEVICE}`, ...args]);
    return new Promise((resolve, reject) => {
      const writer = WRITERS.has(args[0] ?? "");
      const child = execFile(program, argv, { cwd: this.workTree, env: this.env(), encoding: "buffer", maxBuffer: 512 * 1024 * 1024, signal }, (error, stdout, stderr) => {
        if (writer) this.hooks.onChild?.(undefined);
        const code = (error as { code?: unknown } | null)?.code;
        if (error && !(typeof code === "number" && options.ok?.includes(code))) {
          if (error.name === "AbortError") return reject(error);
          const text = stderr.toString("utf8").trim();
          return reject(new GitFailure(`shadow git ${args[0]} failed: ${text || error.message}`, text));
        }
        options.stderr?.(stderr.toString("utf8"));
        resolve(stdout);
      });
      if (writer && child.pid !== undefined) this.hooks.onChild?.(child.pid);
      // git that does not read its input may exit first: a closed pipe is its business, not an error here.
      child.stdin?.on("error", () => undefined);
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /** Blob contents by id, read in one `git cat-file --batch` (a spawn per blob costs ~6 ms). */
  readBlobs(ids: readonly string[], signal: AbortSignal): Promise<Map<string, Buffer>> {
    signal.throwIfAborted();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      const [program, argv] = this.command(["cat-file", "--batch"]);
      const child = spawn(program, argv, { cwd: this.workTree, env: this.env(), signal, stdio: ["pipe", "pipe", "pipe"] });
      const chunks: Buffer[] = [];
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
      child.once("error", reject);
      child.once("close", (code) => {
        if (code !== 0) return reject(new CheckpointError(`shadow git cat-file failed: ${stderr.trim() || `exit ${code}`}`));
        const out = Buffer.concat(chunks);
        const blobs = new Map<string, Buffer>();
        let offset = 0;
        while (offset < out.length) {
          const newline = out.indexOf(0x0a, offset);
          if (newline < 0) break;
          const header = out.subarray(offset, newline).toString("utf8").split(" ");
          if (header[1] !== "blob") return reject(new CheckpointError(`shadow git: object ${header[0]} is ${header[1] ?? "unknown"}`));
          const size = Number(header[2]);
          blobs.set(header[0]!, out.subarray(newline + 1, newline + 1 + size));
          offset = newline + 1 + size + 1;
        }
        resolve(blobs);
      });
      child.stdin.end(`${unique.join("\n")}\n`);
    });
  }

  async text(args: string[], signal: AbortSignal, options: RunOptions = {}): Promise<string> {
    return (await this.run(args, signal, options)).toString("utf8");
  }

  /** Creates the repository on first use; makes an existing one private. */
  ensure(signal: AbortSignal): Promise<void> {
    this.ready ??= (async () => {
      const storage = path.dirname(this.gitDir);
      await fs.mkdir(storage, { recursive: true, mode: 0o700 });
      // Inside the work tree the repository would snapshot itself, and the agent could edit it.
      const realStorage = await fs.realpath(storage);
      const relative = path.relative(await fs.realpath(this.workTree), realStorage);
      const outside = relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
      if (!outside) throw new CheckpointError(`the checkpoint storage ${realStorage} is inside the workspace`);
      if (await this.exists()) {
        await this.makePrivate(signal);
        return;
      }
      await fs.chmod(storage, 0o700);
      await this.run(["init", "--quiet", "--shared=0600"], signal);
      const settings: [string, string][] = [
        ["core.autocrlf", "false"],
        ["core.safecrlf", "false"],
        ["core.logAllRefUpdates", "false"],
        ["core.quotePath", "false"],
        ["gc.auto", "0"],
        ["advice.addEmbeddedRepo", "false"],
      ];
      for (const [key, value] of settings) await this.run(["config", key, value], signal);
      await fs.writeFile(path.join(this.gitDir, COMPLETE_MARK), `${this.workTree}\n`, { mode: 0o600 });
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** A store from before it was private (or loosened since): 0700 folders, no group/other bits on files. */
  private async makePrivate(signal: AbortSignal): Promise<void> {
    if (!POSIX) return;
    const storage = path.dirname(this.gitDir);
    const loose = async (p: string) => ((await fs.stat(p)).mode & 0o077) !== 0;
    if (!(await loose(storage)) && !(await loose(this.gitDir)) && !(await loose(path.join(this.gitDir, "objects")))) return;
    await fs.chmod(storage, 0o700);
    await this.run(["config", "core.sharedRepository", "0600"], signal);
    const visit = async (current: string): Promise<void> => {
      signal.throwIfAborted();
      const stat = await fs.lstat(current);
      if (stat.isSymbolicLink()) return;
      if (stat.isDirectory()) {
        await fs.chmod(current, 0o700);
        for (const entry of await fs.readdir(current)) await visit(path.join(current, entry));
      } else if ((stat.mode & 0o077) !== 0) await fs.chmod(current, stat.mode & 0o700);
    };
    await visit(this.gitDir);
  }

  /** Bytes used by the repository on disk. */
  async sizeBytes(): Promise<number> {
    let total = 0;
    const visit = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await visit(full);
        else total += (await fs.lstat(full).catch(() => undefined))?.size ?? 0;
      }
    };
    await visit(this.gitDir);
    return total;
  }
}

/** The key of a workspace folder (its real path) in Pincer's storage: shadow repository, lock, editor journal. */
export function workspaceKey(workTree: string): string {
  return createHash("sha256").update(workTree).digest("hex").slice(0, 20);
}

/** A git call that failed; `stderr` is git's own message. */
class GitFailure extends CheckpointError {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, path.resolve(folder, file));
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** The blob id git would give these bytes (sha1 repositories). */
export function blobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

export const ABSENT = "0000000000000000000000000000000000000000";

export interface TreeChange {
  path: string;
  oldMode: string;
  newMode: string;
  oldId: string;
  newId: string;
}

/** Parses `git diff-tree -r -z --no-renames` raw output. */
export function parseRawDiff(raw: Buffer): TreeChange[] {
  const parts = raw.toString("utf8").split("\0");
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const meta = /^:(\d{6}) (\d{6}) ([0-9a-f]{40}) ([0-9a-f]{40}) [A-Z]/.exec(parts[i]!);
    if (!meta) continue;
    changes.push({ oldMode: meta[1]!, newMode: meta[2]!, oldId: meta[3]!, newId: meta[4]!, path: parts[i + 1]! });
  }
  return changes;
}
