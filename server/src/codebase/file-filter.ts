// Which workspace files the index reads: not ignored by a .gitignore on the way (nested ones
// included, `ignore` implements git's rules), not matched by `files.exclude` (globs from the
// client), not one of the always-skipped folders or generated files.
import { promises as fs } from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { minimatch } from "minimatch";

/** Never indexed: version control, dependencies, build output, bundles and maps, lock files. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  "**/.git",
  "**/.hg",
  "**/.svn",
  "**/node_modules",
  "**/.venv",
  "**/__pycache__",
  "**/*.map",
  "**/*.min.js",
  "**/*.min.css",
  "**/package-lock.json",
  "**/yarn.lock",
  "**/pnpm-lock.yaml",
  "**/Cargo.lock",
];

export class FileFilter {
  private readonly globs: RegExp[];
  private readonly gitignores = new Map<string, Ignore | null>();

  /** `excludes`: VS Code `files.exclude` globs (the ones set to true), relative to each folder. */
  constructor(
    private readonly rootPath: string,
    excludes: readonly string[],
  ) {
    this.globs = [...DEFAULT_EXCLUDES, ...excludes].flatMap((glob) => {
      const re = minimatch.makeRe(glob, { dot: true, nocase: process.platform !== "linux" });
      return re ? [re] : [];
    });
  }

  /** `relative`: `/`-separated path inside the folder. */
  async excluded(relative: string, isDirectory: boolean): Promise<boolean> {
    const segments = relative.split("/");
    // A path given directly (a changed file) is excluded when any folder on its way is.
    for (let end = 1; end <= segments.length; end++) {
      const prefix = segments.slice(0, end).join("/");
      if (this.globs.some((re) => re.test(prefix))) return true;
    }
    // Each .gitignore applies to paths below its folder, in git's order (nearer files win, via the
    // chain of checks: a file ignored by any folder on the way stays ignored, as git does).
    for (let depth = 0; depth < segments.length; depth++) {
      const folder = segments.slice(0, depth).join("/");
      const rules = await this.gitignoreOf(folder);
      if (!rules) continue;
      const below = segments.slice(depth).join("/");
      if (rules.ignores(isDirectory ? `${below}/` : below)) return true;
    }
    return false;
  }

  private async gitignoreOf(folder: string): Promise<Ignore | null> {
    let rules = this.gitignores.get(folder);
    if (rules !== undefined) return rules;
    const file = path.join(this.rootPath, ...folder.split("/").filter(Boolean), ".gitignore");
    // lstat: a .gitignore that is a link could point anywhere; rules are read only from real files.
    const stat = await fs.lstat(file).catch(() => undefined);
    const text = stat?.isFile() && stat.size <= 256 * 1024 ? await fs.readFile(file, "utf8").catch(() => undefined) : undefined;
    rules = text === undefined ? null : ignore().add(text);
    this.gitignores.set(folder, rules);
    return rules;
  }
}

/** VS Code's `files.exclude` object ({ glob: true | false | { when } }) → the globs that are on. */
export function excludeGlobs(filesExclude: unknown): string[] {
  if (typeof filesExclude !== "object" || filesExclude === null || Array.isArray(filesExclude)) return [];
  return Object.entries(filesExclude as Record<string, unknown>)
    .filter(([glob, on]) => on === true && glob.trim() !== "")
    .map(([glob]) => glob.trim());
}
