// What the tools share: argument checks (the grammar gives the shape, these give clear errors),
// confinement (every path goes through WorkspaceRoots.resolveInside and the real path is opened through
// platform/confined-fs.ts, which refuses a symlink swapped in since and hard-linked files), and a bounded walk
// of the workspace that never follows symlinks.
import { promises as fs } from "node:fs";
import path from "node:path";
import { openConfined } from "../../platform/confined-fs";
import type { ResolveResult } from "../../platform/workspace-paths";
import type { ToolContext, ToolOutcome } from "../tool-types";

export class ToolArgumentError extends Error {}

// Caps of short arguments in characters (action-schema.ts fits them, and the content arguments that
// have none, into each answer's token budget; a small budget scales these down).
export const PATH_CHARS = 200;
export const NAME_CHARS = 200;
export const COMMAND_CHARS = 500;
export const TEXT_CHARS = 500;

export function stringArg(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== "string") throw new ToolArgumentError(`"${name}" must be a string`);
  return value;
}

export function optionalString(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new ToolArgumentError(`"${name}" must be a string`);
  return value;
}

export function optionalInt(args: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new ToolArgumentError(`"${name}" must be an integer`);
  return Math.min(max, Math.max(min, value));
}

export function optionalBool(args: Record<string, unknown>, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ToolArgumentError(`"${name}" must be true or false`);
  return value;
}

export function failure(observation: string, details?: Record<string, unknown>): ToolOutcome {
  return { ok: false, observation, ...(details ? { details } : {}) };
}

/** Runs a tool body; argument and file-system errors become an observation the model can act on. */
export async function guarded(body: () => Promise<ToolOutcome>): Promise<ToolOutcome> {
  try {
    return await body();
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    // Node's own errors already start with their code ("ENOENT: no such file…"); others get it in front.
    return failure(code && !message.startsWith(code) ? `${code}: ${message}` : message);
  }
}

export type Resolved = Extract<ResolveResult, { ok: true }>;

/**
 * Confines `requested`; a refusal becomes a ToolArgumentError with the reason. `forWrite`: the path may not exist
 * yet; `write`: the call changes it, so a name git refuses (.GIT, git~1, ...) is refused too.
 */
export async function resolvePath(context: ToolContext, requested: string, options: { forWrite?: boolean; write?: boolean } = {}): Promise<Resolved> {
  const resolved = await context.roots.resolveInside(requested, { forWrite: options.forWrite ?? false });
  if (!resolved.ok) throw new ToolArgumentError(`${requested}: ${resolved.reason}`);
  if (options.write && resolved.refusedName) throw new ToolArgumentError(`${requested}: ${resolved.refusedName}; Pincer does not write there`);
  return resolved;
}

/**
 * The bytes of a confined file, opened without following a symlink swapped in since the check; a folder, a
 * special file, a hard-linked file or one over `maxBytes` is refused with a message the model can act on.
 */
export async function readResolved(file: Resolved, maxBytes: number): Promise<Buffer> {
  const { handle, stat } = await openConfined(file.path);
  try {
    if (stat.isDirectory()) throw new ToolArgumentError(`${displayPath(file)} is a folder; use list_files`);
    if (!stat.isFile()) throw new ToolArgumentError(`${displayPath(file)} is not a regular file`);
    if (stat.size > maxBytes) throw new ToolArgumentError(`${displayPath(file)} is too large to read (${Math.round(stat.size / 1024 / 1024)} MB); use search_text to find the lines you need`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Workspace-relative display path with forward slashes (the first root's name is left out). */
export function displayPath(resolved: Pick<Resolved, "relative">): string {
  return resolved.relative === "" ? "." : resolved.relative.split(path.sep).join("/");
}

/** Folders no tool walks into: VCS data and dependency or build output. */
export const SKIPPED_DIRS = new Set([".git", "node_modules", ".hg", ".svn", "dist", "out", "build", ".next", "target", "__pycache__", ".venv", "venv"]);

export interface WalkEntry {
  absolute: string;
  /** Relative to the walk's start root, forward slashes. */
  relative: string;
  kind: "file" | "dir" | "symlink";
  /** A SKIPPED_DIRS folder: listed, not entered. */
  skipped?: boolean;
}

/**
 * Entries under `dir` (depth-first, sorted), at most `limit`, never following symlinks (they are
 * listed, not entered), nor SKIPPED_DIRS (listed, flagged `skipped`). `truncated` says the limit cut the walk short.
 */
export async function walk(dir: string, base: string, options: { maxDepth: number; limit: number; signal: AbortSignal }): Promise<{ entries: WalkEntry[]; truncated: boolean }> {
  const entries: WalkEntry[] = [];
  let truncated = false;
  const visit = async (current: string, depth: number): Promise<void> => {
    options.signal.throwIfAborted();
    const children = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      if (entries.length >= options.limit) {
        truncated = true;
        return;
      }
      const absolute = path.join(current, child.name);
      const relative = path.relative(base, absolute).split(path.sep).join("/");
      if (child.isSymbolicLink()) entries.push({ absolute, relative, kind: "symlink" });
      else if (child.isDirectory()) {
        if (SKIPPED_DIRS.has(child.name)) {
          entries.push({ absolute, relative, kind: "dir", skipped: true });
          continue;
        }
        entries.push({ absolute, relative, kind: "dir" });
        if (depth < options.maxDepth) await visit(absolute, depth + 1);
      } else if (child.isFile()) entries.push({ absolute, relative, kind: "file" });
    }
  };
  await visit(dir, 1);
  return { entries, truncated };
}

/** Heuristic used by git too: a NUL byte in the first 8 KB means binary. */
export function looksBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8192).includes(0);
}
