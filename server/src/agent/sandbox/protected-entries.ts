// Which paths a sandboxed command must not write although they lie in a writable workspace folder:
// `.git`, `.vscode`, `.pincer` and `*.code-workspace` (the names of platform/workspace-paths.ts's
// protectedKind). A mount can only cover a path that exists, so for each folder root the three
// folder names that do not exist yet get an empty folder (mode 0555) as a mount point for the
// length of the command (`created`, removed again afterwards when still empty; one left behind by
// a killed server is recognised by its mode and removed after the next command): inside the
// sandbox it is read-only, so the command can create neither it nor anything in it. Below the roots, existing
// protected entries are found by a bounded walk (no symlinks followed, `node_modules` skipped).
import { promises as fs } from "node:fs";
import path from "node:path";

const ROOT_FOLDERS = [".git", ".vscode", ".pincer"] as const;
const PROTECTED_NAMES = new Set<string>(ROOT_FOLDERS);
/** The walk below the roots stops here; the roots' own entries are always covered. */
export const WALK_LIMITS = { maxDepth: 4, maxFolders: 2_000 } as const;

export interface ProtectedEntries {
  /** Existing paths to bind read-only over themselves (real paths, inside a root). */
  readOnly: string[];
  /** Empty folders made as mount points for this command; `release()` removes them. */
  created: string[];
  /** Whether the walk below the roots stopped at its limits. */
  walkCut: boolean;
}

export class SandboxSetupError extends Error {}

function isProtectedName(name: string): boolean {
  return PROTECTED_NAMES.has(name) || name.endsWith(".code-workspace");
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : `${root}${path.sep}`);
}

/**
 * Finds (and, for missing root folders, makes) what must be read-only. `roots` are real paths.
 * A protected name that is a symlink is covered at its target when the target lies in a root; a
 * root-level one whose target is missing cannot be covered, so the command is refused.
 */
export async function prepareProtectedEntries(roots: readonly string[]): Promise<ProtectedEntries> {
  const readOnly = new Set<string>();
  const created: string[] = [];
  const withinRoots = (real: string) => roots.some((root) => inside(root, real));

  const cover = async (entry: string, rootLevel: boolean): Promise<void> => {
    const stat = await fs.lstat(entry).catch(() => undefined);
    if (!stat) return;
    if (!stat.isSymbolicLink()) {
      readOnly.add(entry);
      return;
    }
    const target = await fs.realpath(entry).catch(() => undefined);
    if (target === undefined) {
      if (rootLevel) throw new SandboxSetupError(`${entry} is a symbolic link to a missing target; the sandbox cannot keep it read-only`);
      return;
    }
    // Outside the roots a target is read-only (system) or hidden (HOME, /tmp) in the sandbox already.
    if (withinRoots(target)) readOnly.add(target);
  };

  try {
    for (const root of roots) {
      for (const name of ROOT_FOLDERS) {
        const entry = path.join(root, name);
        try {
          await fs.mkdir(entry);
          // The mode marks it as ours, so one left behind by a killed server is recognised and removed later.
          await fs.chmod(entry, MOUNT_POINT_MODE);
          created.push(entry);
          readOnly.add(entry);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A folder nobody may write into: the command cannot create the name either.
          if (code === "EACCES" || code === "EPERM" || code === "EROFS") continue;
          if (code !== "EEXIST") throw error;
          if (await isLeftoverMountPoint(entry)) created.push(entry);
          await cover(entry, true);
        }
      }
    }
    const walkCut = await walk(roots, (entry) => cover(entry, false));
    return { readOnly: [...readOnly].sort(), created, walkCut };
  } catch (error) {
    await releaseProtectedEntries(created);
    throw error;
  }
}

/** An empty folder with exactly this mode is a mount point Pincer made (0555: nobody writes into it meanwhile). */
const MOUNT_POINT_MODE = 0o555;

async function isLeftoverMountPoint(entry: string): Promise<boolean> {
  const stat = await fs.lstat(entry).catch(() => undefined);
  if (!stat?.isDirectory() || (stat.mode & 0o7777) !== MOUNT_POINT_MODE) return false;
  return (await fs.readdir(entry).catch(() => ["?"])).length === 0;
}

/** Removes the mount points `prepareProtectedEntries` made, when they are still empty folders. */
export async function releaseProtectedEntries(created: readonly string[]): Promise<void> {
  for (const entry of [...created].reverse()) await fs.rmdir(entry).catch(() => undefined);
}

/** Breadth-first below each root; `found` gets every protected entry. Returns whether it stopped early. */
async function walk(roots: readonly string[], found: (entry: string) => Promise<void>): Promise<boolean> {
  let visited = 0;
  let queue = roots.map((root) => ({ dir: root, depth: 0 }));
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { dir, depth } of queue) {
      if (++visited > WALK_LIMITS.maxFolders) return true;
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (isProtectedName(entry.name)) {
          // The roots' own were handled already; nothing inside a protected folder needs a walk.
          if (depth > 0 || entry.name.endsWith(".code-workspace")) await found(full);
          continue;
        }
        if (entry.isDirectory() && entry.name !== "node_modules") {
          if (depth + 1 > WALK_LIMITS.maxDepth) continue;
          next.push({ dir: full, depth: depth + 1 });
        }
      }
    }
    queue = next;
  }
  return false;
}
