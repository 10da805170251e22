// Confines file access to the workspace folders. A requested path is resolved to a real path first (`..`,
// symlinks, symlinked ancestors), then compared segment by segment with each folder's real path, so `/ws` never
// contains `/ws-evil`. Case variants are folded only on folders whose file system ignores case.
//
// Callers must open the returned `path`, never the requested one: the check holds for the resolved path only.
// (A symlink swapped in between the check and the open is not covered; that needs O_NOFOLLOW-style opens.)
import { promises as fs } from "node:fs";
import path from "node:path";

export type ProtectedKind = "git" | "vscode" | "code-workspace" | "pincer-config";

export interface WorkspaceRoot {
  /** The folder as configured. */
  readonly folder: string;
  /** Its real path (symlinks resolved). */
  readonly path: string;
  /** Whether the file system holding it treats `A` and `a` as the same name. */
  readonly caseInsensitive: boolean;
}

export type ResolveResult =
  | {
      ok: true;
      /** Real absolute path; for a path that does not exist yet: the real path of its nearest existing ancestor plus the rest. */
      path: string;
      root: WorkspaceRoot;
      /** `path` relative to `root.path` ("" for the root itself), native separators. */
      relative: string;
      exists: boolean;
      /** Set when the path is configuration a write must always ask about. */
      protectedKind: ProtectedKind | undefined;
    }
  | { ok: false; reason: string };

export interface ResolveOptions {
  /** Writes may name a path that does not exist yet; reads may not. */
  forWrite?: boolean;
}

const isWindows = process.platform === "win32";
const MAX_LINKS = 40;

export class WorkspaceRoots {
  private constructor(readonly roots: readonly WorkspaceRoot[]) {}

  /** Folders that do not exist (or cannot be resolved) are left out. */
  static async create(folders: readonly string[]): Promise<WorkspaceRoots> {
    const roots = await Promise.all(
      folders.map(async (folder): Promise<WorkspaceRoot | undefined> => {
        if (!folder || folder.includes("\0")) return undefined;
        const real = await fs.realpath(path.resolve(folder)).catch(() => undefined);
        if (!real) return undefined;
        return { folder, path: real, caseInsensitive: await detectCaseInsensitive(real) };
      }),
    );
    return new WorkspaceRoots(roots.filter((root): root is WorkspaceRoot => root !== undefined));
  }

  async resolveInside(requestedPath: string, options: ResolveOptions = {}): Promise<ResolveResult> {
    const first = this.roots[0];
    if (!first) return refuse("no workspace folder is open");
    if (typeof requestedPath !== "string" || requestedPath === "") return refuse("the path is empty");
    if (requestedPath.includes("\0")) return refuse("the path contains a NUL byte");
    const windowsProblem = isWindows ? windowsPathProblem(requestedPath) : undefined;
    if (windowsProblem) return refuse(windowsProblem);

    const lexical = path.resolve(first.path, requestedPath);
    let resolved: { path: string; exists: boolean };
    try {
      resolved = await resolveLoose(lexical, 0);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") return refuse("the path has a symlink loop");
      return refuse(`the path cannot be resolved (${code ?? String(error)})`);
    }

    const match = this.containing(resolved.path);
    if (!match) {
      // Inside by name (as configured or as resolved) but outside in reality: a symlink on the way points out.
      const lexicallyInside = this.roots.some(
        (root) => relativeInside(root, lexical) !== undefined || relativeInside({ ...root, path: path.resolve(root.folder) }, lexical) !== undefined,
      );
      return refuse(lexicallyInside ? "a symlink that points outside the workspace" : "outside the workspace");
    }
    if (!resolved.exists && !options.forWrite) return refuse("no such file or directory");
    return {
      ok: true,
      path: resolved.path,
      root: match.root,
      relative: match.relative,
      exists: resolved.exists,
      protectedKind: protectedKind(match.relative, { caseInsensitive: match.root.caseInsensitive }),
    };
  }

  /** The most specific root containing a real path, and the path relative to it. */
  private containing(real: string): { root: WorkspaceRoot; relative: string } | undefined {
    let best: { root: WorkspaceRoot; relative: string } | undefined;
    for (const root of this.roots) {
      const relative = relativeInside(root, real);
      if (relative !== undefined && (!best || root.path.length > best.root.path.length)) best = { root, relative };
    }
    return best;
  }
}

/**
 * Classifies a workspace-relative path as configuration that writes must always ask about: `.git/**` (also a
 * nested repository's), `.vscode/**`, `*.code-workspace`, `.pincer/**`. Only classifies; the caller decides.
 */
export function protectedKind(relativePath: string, options: { caseInsensitive?: boolean } = {}): ProtectedKind | undefined {
  const segments = relativePath
    .split(isWindows ? /[\\/]+/ : /\/+/)
    .filter((segment) => segment !== "" && segment !== ".")
    // Windows ignores trailing dots and spaces: ".git." is ".git".
    .map((segment) => (isWindows ? segment.replace(/[. ]+$/, "") : segment))
    .map((segment) => (options.caseInsensitive ? segment.toLowerCase() : segment));
  if (segments.includes(".git")) return "git";
  if (segments.includes(".vscode")) return "vscode";
  if (segments.includes(".pincer")) return "pincer-config";
  const last = segments.at(-1);
  if (last !== undefined && last.endsWith(".code-workspace")) return "code-workspace";
  return undefined;
}

function refuse(reason: string): ResolveResult {
  return { ok: false, reason };
}

/** Segments of `target` below `root.path`, joined; undefined when `target` is not the root or inside it. */
function relativeInside(root: Pick<WorkspaceRoot, "path" | "caseInsensitive">, target: string): string | undefined {
  const rootSegments = splitAbsolute(root.path);
  const targetSegments = splitAbsolute(target);
  if (targetSegments.length < rootSegments.length) return undefined;
  const same = root.caseInsensitive ? sameIgnoringCase : (a: string, b: string) => a === b;
  for (let i = 0; i < rootSegments.length; i++) {
    // Windows drive letters and UNC server\share names ignore case everywhere.
    const compare = i === 0 && isWindows ? sameIgnoringCase : same;
    if (!compare(rootSegments[i] ?? "", targetSegments[i] ?? "")) return undefined;
  }
  return targetSegments.slice(rootSegments.length).join(path.sep);
}

function splitAbsolute(absolute: string): string[] {
  const normalized = path.resolve(absolute);
  const { root } = path.parse(normalized);
  const rest = normalized.slice(root.length).split(path.sep).filter((segment) => segment !== "");
  return [root.replace(/[\\/]+$/, ""), ...rest];
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/**
 * Real path of `absolute`. When it does not exist: the real path of its nearest existing ancestor plus the rest.
 * Dangling symlinks on the way are followed by hand, so a write cannot create a file through a link that points out.
 */
async function resolveLoose(absolute: string, links: number): Promise<{ path: string; exists: boolean }> {
  try {
    return { path: await fs.realpath(absolute), exists: true };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
  }
  const entry = await fs.lstat(absolute).catch(() => undefined);
  const parent = path.dirname(absolute);
  if (entry?.isSymbolicLink()) {
    if (links >= MAX_LINKS) throw Object.assign(new Error("too many symlinks"), { code: "ELOOP" });
    const target = await fs.readlink(absolute);
    const realParent = await resolveLoose(parent, links + 1);
    return resolveLoose(path.resolve(realParent.path, target), links + 1).then((r) => ({ path: r.path, exists: false }));
  }
  if (parent === absolute) return { path: absolute, exists: false };
  const realParent = await resolveLoose(parent, links);
  return { path: path.join(realParent.path, path.basename(absolute)), exists: false };
}

/**
 * Whether the file system holding `real` ignores case: a case-flipped variant of the root's name (or, when the
 * name has no letters, of one of its entries) resolves to the same inode.
 */
async function detectCaseInsensitive(real: string): Promise<boolean> {
  const probe = async (original: string): Promise<boolean | undefined> => {
    const base = path.basename(original);
    const flipped = base.toUpperCase() !== base ? base.toUpperCase() : base.toLowerCase();
    if (flipped === base) return undefined;
    const [a, b] = await Promise.all([
      fs.stat(original, { bigint: true }).catch(() => undefined),
      fs.stat(path.join(path.dirname(original), flipped), { bigint: true }).catch(() => undefined),
    ]);
    if (!a) return undefined;
    return b !== undefined && a.dev === b.dev && a.ino === b.ino;
  };
  const own = await probe(real);
  if (own !== undefined) return own;
  const entries = await fs.readdir(real).catch(() => [] as string[]);
  for (const entry of entries.slice(0, 50)) {
    const answer = await probe(path.join(real, entry));
    if (answer !== undefined) return answer;
  }
  return isWindows || process.platform === "darwin";
}

/** Windows forms that a plain prefix check would misjudge; refused outright. */
function windowsPathProblem(requested: string): string | undefined {
  if (/^[\\/]{2}[?.][\\/]/.test(requested)) return "a Windows device path (\\\\?\\ or \\\\.\\)";
  if (/^[A-Za-z]:(?![\\/])/.test(requested)) return "a drive-relative Windows path (C:name)";
  const withoutDrive = requested.replace(/^[A-Za-z]:/, "");
  if (withoutDrive.includes(":")) return "an alternate data stream (name:stream)";
  const segments = withoutDrive.split(/[\\/]+/);
  if (segments.some((segment) => /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(segment.replace(/[. ]+$/, "")))) return "a reserved Windows device name";
  return undefined;
}
