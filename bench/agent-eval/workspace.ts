// A throwaway git workspace for one eval task: the task's files committed once, so a check can ask
// git what the agent changed, plus the small helpers checks use (read a file, run node in it).
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// Pinned, hook-free, config-free git for the harness's own calls.
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", GIT_AUTHOR_NAME: "eval", GIT_AUTHOR_EMAIL: "eval@localhost", GIT_COMMITTER_NAME: "eval", GIT_COMMITTER_EMAIL: "eval@localhost" };

export class EvalWorkspace {
  private constructor(
    /** The workspace folder (real path). */
    readonly root: string,
    private readonly parent: string,
  ) {}

  static async create(files: Readonly<Record<string, string>>): Promise<EvalWorkspace> {
    const parent = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pincer-eval-")));
    const root = path.join(parent, "ws");
    await fs.mkdir(root);
    for (const [name, content] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await fs.writeFile(path.join(root, name), content);
    }
    const workspace = new EvalWorkspace(root, parent);
    await workspace.git("init", "-q", "-b", "main");
    await workspace.git("add", "-A");
    await workspace.git("commit", "-q", "-m", "task");
    return workspace;
  }

  async git(...args: string[]): Promise<string> {
    return (await run("git", ["-c", "core.hooksPath=/dev/null", ...args], { cwd: this.root, env: GIT_ENV })).stdout;
  }

  /** Paths changed since the task's commit (modified, deleted, new), sorted. */
  async changedPaths(): Promise<string[]> {
    const out = await this.git("status", "--porcelain", "--untracked-files=all", "-z");
    return out
      .split("\0")
      .filter(Boolean)
      .map((entry) => entry.slice(3))
      .sort();
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await fs.readFile(path.join(this.root, name), "utf8");
    } catch {
      return undefined;
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.read(name)) !== undefined;
  }

  /** Runs `node args…` in the workspace (the harness's check, not the agent's command). */
  async node(...args: string[]): Promise<{ ok: boolean; output: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, args, { cwd: this.root, timeout: 20_000, env: { PATH: process.env.PATH ?? "" } });
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message };
    }
  }

  async dispose(): Promise<void> {
    await fs.rm(this.parent, { recursive: true, force: true });
  }
}
