// Confines file access to the workspace folders. A requested path is resolved to a real path first (`..`,
// symlinks, symlinked ancestors), then compared segment by segment with each folder's real path, so `/ws` never
// contains `/ws-evil`. Case variants are folded only on folders whose file system ignores case.
//
// Protection (.git, .vscode, .pincer, *.code-workspace) holds on every name a path goes by: the requested path,
// each symlink it passes through, the resolved path, and the real location of every protected entry at a
// workspace root (`.vscode -> config/vscode` makes `config/vscode/**` protected too). Names git refuses (.GIT,
// git~1, .git., .g<U+200C>it) are reported so writers can refuse them.
//
// Callers must open the returned `path`, never the requested one: the check holds for the resolved path only. A
// symlink swapped in between the check and the open is caught by platform/confined-fs.ts (O_NOFOLLOW opens,
// re-verified through the open descriptor).
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
      /**
       * Set when the path is configuration a write must always ask about. With `forWrite` by every name and by
       * where protected folders' links point; without it by name only.
       */
      protectedKind: ProtectedKind | undefined;
      /** Which name made it protected (workspace-relative; a symlink on the way or a protected folder's link). */
      protectedVia?: string;
      /** Set when a name on the way is one git refuses (.GIT, git~1, ...): never a write target. */
      refusedName?: string;
    }
  | { ok: false; reason: string };

export interface ResolveOptions {
  /** Writes may name a path that does not exist yet; reads may not. Also completes `protectedKind`. */
  forWrite?: boolean;
}

const isWindows = process.platform === "win32";
const MAX_LINKS = 40;

export class WorkspaceRoots {
  private constructor(
    private readonly current: () => readonly WorkspaceRoot[],
    private readonly isLive = false,
  ) {}

  /** The roots every check is made against, read at each call (live roots follow their folder list). */
  get roots(): readonly WorkspaceRoot[] {
    return this.current();
  }

  /** Folders that do not exist (or cannot be resolved) are left out. */
  static async create(folders: readonly string[]): Promise<WorkspaceRoots> {
    const roots = await WorkspaceRoots.resolve(folders);
    return new WorkspaceRoots(() => roots);
  }

  /**
   * Roots that follow a folder list which changes while they are in use (the editor's workspace
   * folders): every check reads `current()` at call time, so a removed folder is refused at once.
   */
  static live(current: () => readonly WorkspaceRoot[]): WorkspaceRoots {
    return new WorkspaceRoots(current, true);
  }

  /** One check sees one set of roots: a live list is read once per call, never between its awaits. */
  private snapshot(): WorkspaceRoots {
    if (!this.isLive) return this;
    const roots = this.current();
    return new WorkspaceRoots(() => roots);
  }

  /** Each folder's real path; folders that do not exist (or cannot be resolved) are left out. */
  static async resolve(folders: readonly string[]): Promise<WorkspaceRoot[]> {
    const roots = await Promise.all(
      folders.map(async (folder): Promise<WorkspaceRoot | undefined> => {
        if (!folder || folder.includes("\0")) return undefined;
        const real = await fs.realpath(path.resolve(folder)).catch(() => undefined);
        if (!real) return undefined;
        return { folder, path: real, caseInsensitive: await detectCaseInsensitive(real) };
      }),
    );
    return roots.filter((root): root is WorkspaceRoot => root !== undefined);
  }

  async resolveInside(requestedPath: string, options: ResolveOptions = {}): Promise<ResolveResult> {
    if (this.isLive) return this.snapshot().resolveInside(requestedPath, options);
    const first = this.roots[0];
    if (!first) return refuse("no workspace folder is open");
    if (typeof requestedPath !== "string" || requestedPath === "") return refuse("the path is empty");
    if (requestedPath.includes("\0")) return refuse("the path contains a NUL byte");
    const windowsProblem = isWindows ? windowsPathProblem(requestedPath) : undefined;
    if (windowsProblem) return refuse(windowsProblem);

    const lexical = path.resolve(first.path, requestedPath);
    let resolved: Traced;
    try {
      // Reads need no names on the way (protection and refused names matter to writes): the native realpath is
      // several times faster (completion resolves import candidates per keystroke layout).
      const real = options.forWrite ? undefined : await fs.realpath(lexical).catch(() => undefined);
      resolved = real !== undefined ? { path: real, exists: true, names: [] } : await resolveTraced(lexical);
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
    const names = [lexical, ...resolved.names, resolved.path];
    // Where protected folders' links point is read from disk, so only for writes (the gate resolves every path so).
    const protection = this.protectionByName(names) ?? (options.forWrite ? await this.protectionByLocation(resolved.path) : undefined);
    const refusedName = this.refusedNameOf(names);
    return {
      ok: true,
      path: resolved.path,
      root: match.root,
      relative: match.relative,
      exists: resolved.exists,
      protectedKind: protection?.kind,
      ...(protection ? { protectedVia: protection.via } : {}),
      ...(refusedName ? { refusedName } : {}),
    };
  }

  /**
   * The workspace folder that `absolute` lies in, by any name it goes by (as given, through each symlink on the
   * way, or resolved): Pincer's own state (approvals, checkpoints) must not be reachable by the agent's writes.
   */
  async rootContaining(absolute: string): Promise<WorkspaceRoot | undefined> {
    if (this.isLive) return this.snapshot().rootContaining(absolute);
    const lexical = path.resolve(absolute);
    const resolved = await resolveTraced(lexical).catch(() => undefined);
    for (const name of [lexical, ...(resolved?.names ?? []), ...(resolved ? [resolved.path] : [])]) {
      const found = this.containingByAnyName(name);
      if (found) return found.root;
    }
    return undefined;
  }

  /** Protected by one of the names the path goes by. */
  private protectionByName(names: readonly string[]): { kind: ProtectedKind; via: string } | undefined {
    for (const name of names) {
      const inside = this.containingByAnyName(name);
      if (!inside) continue;
      const kind = protectedKind(inside.relative, { caseInsensitive: inside.root.caseInsensitive });
      if (kind) return { kind, via: displayRelative(inside.relative) };
    }
    return undefined;
  }

  /** Protected because a protected entry at a workspace root is a symlink to this real path (or a folder above it). */
  private async protectionByLocation(real: string): Promise<{ kind: ProtectedKind; via: string } | undefined> {
    for (const root of this.roots) {
      for (const location of await protectedLinks(root)) {
        if (relativeInside({ path: location.target, caseInsensitive: root.caseInsensitive }, real) !== undefined) {
          return { kind: location.kind, via: `${displayRelative(location.relative)} -> ${displayRelative(path.relative(root.path, location.target))}` };
        }
      }
    }
    return undefined;
  }

  private refusedNameOf(names: readonly string[]): string | undefined {
    for (const name of names) {
      const inside = this.containingByAnyName(name);
      const reason = inside ? gitRefusedName(inside.relative) : undefined;
      if (reason) return reason;
    }
    return undefined;
  }

  /** Like containing(), also matching a root by the folder as configured (the lexical path may use it). */
  private containingByAnyName(name: string): { root: WorkspaceRoot; relative: string } | undefined {
    const real = this.containing(name);
    if (real) return real;
    for (const root of this.roots) {
      const relative = relativeInside({ ...root, path: path.resolve(root.folder) }, name);
      if (relative !== undefined) return { root, relative };
    }
    return undefined;
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

/** Code points HFS+ ignores in names, so `.g<U+200C>it` is `.git` there (git's is_hfs_dotgit list). */
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * Why git refuses this workspace-relative path (its verify_path with protectNTFS and protectHFS on), or
 * undefined. A segment that is `.git` on some file system but not exactly `.git`: any case (`.GIT`), the 8.3
 * short name `git~1`, trailing dots or spaces, an NTFS stream suffix (`.git::$INDEX_ALLOCATION`), HFS-ignorable
 * code points; and, for a symlink, `.gitmodules` in the same spellings. The exact `.git` is protected
 * configuration instead (writes ask). Both `/` and `\` separate segments, as they do for git on NTFS.
 */
export function gitRefusedName(relativePath: string, options: { symlink?: boolean } = {}): string | undefined {
  const segments = relativePath.split(/[\\/]+/).filter((segment) => segment !== "" && segment !== ".");
  for (const [index, segment] of segments.entries()) {
    const base = segment
      .replace(HFS_IGNORABLE, "")
      .toLowerCase()
      .replace(/:.*$/s, "")
      .replace(/[. ]+$/, "");
    if (segment !== ".git" && (base === ".git" || base === "git~1")) {
      return `${JSON.stringify(segment)} is a name git refuses (it is .git on a case-insensitive, Windows or macOS file system)`;
    }
    if (options.symlink && index === segments.length - 1 && (base === ".gitmodules" || /^gitmod~[1-4]$/.test(base) || /^gi7eba~[1-9]$/.test(base))) {
      return `${JSON.stringify(segment)} is a name git refuses for a symlink (.gitmodules)`;
    }
  }
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

interface Traced {
  /** Real path; for a path that does not exist yet: the real path of its nearest existing ancestor plus the rest. */
  path: string;
  exists: boolean;
  /** Every other name the path went by: at each symlink on the way, the link's own path plus the rest. */
  names: string[];
}

/**
 * Resolves `absolute` one segment at a time, as the kernel does (a link's `..` applies to its target), and keeps
 * each name it passes through. Dangling symlinks are followed too, so a write cannot create a file through a link
 * that points out.
 */
async function resolveTraced(absolute: string): Promise<Traced> {
  const names: string[] = [];
  let links = 0;
  const start = path.parse(absolute).root;
  let current = start;
  let pending = segmentsOf(absolute.slice(start.length));
  while (pending.length > 0) {
    const segment = pending.shift()!;
    if (segment === "..") {
      current = path.dirname(current);
      continue;
    }
    const next = path.join(current, segment);
    let entry;
    try {
      entry = await fs.lstat(next);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
      // Nothing there yet: the rest is created by the write. `missing/..` cancels out by name only.
      if (pending.includes("..")) return resolveTraced(path.join(next, ...pending)).then((r) => ({ ...r, names: [...names, ...r.names] }));
      return { path: path.join(next, ...pending), exists: false, names };
    }
    if (!entry.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error("too many symlinks"), { code: "ELOOP" });
    names.push(path.join(next, ...pending));
    const target = stripWindowsPrefix(await fs.readlink(next));
    if (path.isAbsolute(target)) {
      const absoluteTarget = path.resolve(target);
      current = path.parse(absoluteTarget).root;
      pending = [...segmentsOf(absoluteTarget.slice(current.length)), ...pending];
    } else {
      pending = [...segmentsOf(target), ...pending];
    }
  }
  return { path: current, exists: true, names };
}

function segmentsOf(relative: string): string[] {
  return relative.split(isWindows ? /[\\/]+/ : /\/+/).filter((segment) => segment !== "" && segment !== ".");
}

/** Windows link targets can come as `\\?\C:\...`. */
function stripWindowsPrefix(target: string): string {
  return isWindows ? target.replace(/^\\\\\?\\(?=[A-Za-z]:)/, "") : target;
}

const PROTECTED_AT_ROOT: readonly [string, ProtectedKind][] = [
  [".git", "git"],
  [".vscode", "vscode"],
  [".pincer", "pincer-config"],
];
/** Enough for any real .vscode/.pincer folder; a bigger one is not walked further. */
const MAX_PROTECTED_ENTRIES = 200;

/**
 * Symlinks that protected configuration at `root` goes through, with their real targets: `.git`, `.vscode`,
 * `.pincer` and `*.code-workspace` at the root, links inside `.vscode/` and `.pincer/` (three levels), and
 * `.git/config` and `.git/hooks/*` (hooks linked to scripts in the repository are common). Read at each check:
 * a command may have made a new link since.
 */
async function protectedLinks(root: WorkspaceRoot): Promise<{ relative: string; target: string; kind: ProtectedKind }[]> {
  const found: { relative: string; target: string; kind: ProtectedKind }[] = [];
  let budget = MAX_PROTECTED_ENTRIES;
  const consider = async (relative: string, kind: ProtectedKind): Promise<void> => {
    const absolute = path.join(root.path, relative);
    const entry = await fs.lstat(absolute).catch(() => undefined);
    if (!entry?.isSymbolicLink()) return;
    const resolved = await resolveTraced(absolute).catch(() => undefined);
    if (resolved) found.push({ relative, target: resolved.path, kind });
  };
  const walk = async (relative: string, kind: ProtectedKind, depth: number): Promise<void> => {
    const entries = await fs.readdir(path.join(root.path, relative), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (--budget < 0) return;
      const child = path.join(relative, entry.name);
      if (entry.isSymbolicLink()) await consider(child, kind);
      else if (entry.isDirectory() && depth < 3) await walk(child, kind, depth + 1);
    }
  };
  const fold = (name: string) => (root.caseInsensitive ? name.toLowerCase() : name);
  for (const entry of await fs.readdir(root.path, { withFileTypes: true }).catch(() => [])) {
    const name = fold(entry.name);
    const kind = PROTECTED_AT_ROOT.find(([protectedName]) => protectedName === name)?.[1] ?? (name.endsWith(".code-workspace") ? "code-workspace" : undefined);
    if (!kind) continue;
    if (entry.isSymbolicLink()) await consider(entry.name, kind);
    if (kind === "vscode" || kind === "pincer-config") await walk(entry.name, kind, 1);
    if (kind === "git") {
      await consider(path.join(entry.name, "config"), kind);
      for (const hook of await fs.readdir(path.join(root.path, entry.name, "hooks"), { withFileTypes: true }).catch(() => [])) {
        if (--budget < 0) break;
        if (hook.isSymbolicLink()) await consider(path.join(entry.name, "hooks", hook.name), kind);
      }
    }
  }
  return found;
}

function displayRelative(relative: string): string {
  return relative === "" ? "." : relative.split(path.sep).join("/");
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
