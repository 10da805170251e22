// Plain files that turn a folder into a git directory. git takes any folder holding a valid HEAD, an
// objects/ and a refs/ folder for a (bare) repository, and reads its `config` (core.sshCommand,
// core.fsmonitor, filters…) when a git command runs there or below: the person's terminal, VS Code's
// git, a build script. Pincer's own git never uses such a folder (workspace-git.ts pins the
// repository), but nothing must make one silently: the permission gate asks before the agent writes
// a file named HEAD, or one of the other git-directory names next to an existing HEAD.
import { promises as fs } from "node:fs";
import path from "node:path";

/** Names inside a git directory that, next to a HEAD, complete it or give it config. */
const GIT_DIR_ENTRIES = ["objects", "refs", "config", "config.worktree", "commondir", "packed-refs"];

/**
 * Why a write of `relative` (inside the workspace folder `root`, real paths, native separators) would make
 * or complete a git directory; undefined when it would not.
 */
export async function gitDirectoryWrite(root: string, relative: string, options: { caseInsensitive?: boolean } = {}): Promise<string | undefined> {
  const fold = (name: string): string => (options.caseInsensitive ? name.toLowerCase() : name);
  const segments = relative.split(/[\\/]+/).filter((segment) => segment !== "" && segment !== ".");
  const head = fold("HEAD");
  const entries = new Set(GIT_DIR_ENTRIES.map(fold));
  for (let i = 0; i < segments.length; i++) {
    const name = fold(segments[i]!);
    const folder = segments.slice(0, i).join(path.sep) || ".";
    if (name === head && i === segments.length - 1) return `a file named HEAD makes ${JSON.stringify(folder)} look like a git directory to git`;
    if (entries.has(name) && (await hasHead(path.join(root, folder)))) {
      return `${JSON.stringify(folder)} holds a HEAD: ${segments[i]} would make it a git directory (git reads its config)`;
    }
  }
  return undefined;
}

async function hasHead(folder: string): Promise<boolean> {
  // lstat: a HEAD symlink counts too (git accepts one).
  return fs.lstat(path.join(folder, "HEAD")).then(
    (stat) => !stat.isDirectory(),
    () => false,
  );
}
