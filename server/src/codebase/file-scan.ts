// The files the index covers: a walk of each workspace folder that never follows a symlink (a link
// could lead out of the workspace, and the real file is indexed under its own name anyway), skips
// what FileFilter excludes, and stops at a file count limit. Reading is confined (O_NOFOLLOW, the
// descriptor's real path re-checked, hard links refused) and refuses large and binary files.
import type { Dirent } from "node:fs";
import { promises as fs } from "node:fs";
import path from "node:path";
import { readFileConfined } from "../platform/confined-fs";
import type { WorkspaceRoot, WorkspaceRoots } from "../platform/workspace-paths";
import { FileFilter } from "./file-filter";

export interface ScannedFile {
  root: number;
  absolute: string;
  /** `/`-separated, relative to its folder. */
  relative: string;
  size: number;
  mtimeMs: number;
}

export interface ScanLimits {
  /** Files over this many bytes are left out (default 1 MiB). */
  maxFileBytes: number;
  /** The walk stops after this many files (default 50,000) and says so. */
  maxFiles: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = { maxFileBytes: 1024 * 1024, maxFiles: 50_000 };

export class FileScanner {
  private readonly filters: FileFilter[];

  constructor(
    readonly roots: WorkspaceRoots,
    excludes: readonly string[],
    readonly limits: ScanLimits = DEFAULT_SCAN_LIMITS,
  ) {
    this.filters = roots.roots.map((root) => new FileFilter(root.path, excludes));
  }

  /** Every indexable file; `truncated` when maxFiles was reached. */
  async scan(signal: AbortSignal): Promise<{ files: ScannedFile[]; truncated: boolean }> {
    const files: ScannedFile[] = [];
    for (const [index, root] of this.roots.roots.entries()) {
      const stack: string[] = [""];
      while (stack.length > 0) {
        signal?.throwIfAborted();
        const folder = stack.pop()!;
        let entries: Dirent[];
        try {
          entries = await fs.readdir(path.join(root.path, ...folder.split("/").filter(Boolean)), { withFileTypes: true });
        } catch {
          continue; // unreadable or gone since: nothing to index there
        }
        entries.sort((a, b) => (a.name < b.name ? 1 : -1)); // popped in name order
        for (const entry of entries) {
          const relative = folder === "" ? entry.name : `${folder}/${entry.name}`;
          if (entry.isSymbolicLink()) continue;
          if (entry.isDirectory()) {
            if (!(await this.filters[index]!.excluded(relative, true))) stack.push(relative);
            continue;
          }
          if (!entry.isFile() || (await this.filters[index]!.excluded(relative, false))) continue;
          const absolute = path.join(root.path, ...relative.split("/"));
          const stat = await fs.lstat(absolute).catch(() => undefined);
          if (!stat?.isFile() || stat.size > this.limits.maxFileBytes) continue;
          files.push({ root: index, absolute, relative, size: stat.size, mtimeMs: stat.mtimeMs });
          if (files.length >= this.limits.maxFiles) return { files, truncated: true };
        }
      }
    }
    return { files, truncated: false };
  }

  /**
   * One file by any name (a changed path from the editor): confined after resolving every symlink
   * on the way; undefined when it is outside the workspace, excluded, too large or gone.
   */
  async file(requested: string): Promise<ScannedFile | { gone: true; root: number; relative: string } | undefined> {
    const resolved = await this.roots.resolveInside(requested);
    if (!resolved.ok) {
      const missing = await this.missingInside(requested);
      return missing ? { gone: true, ...missing } : undefined;
    }
    const root = this.roots.roots.indexOf(resolved.root);
    const relative = resolved.relative.split(path.sep).join("/");
    if (relative === "" || (await this.filters[root]!.excluded(relative, false))) return undefined;
    const stat = await fs.lstat(resolved.path).catch(() => undefined);
    if (!stat?.isFile() || stat.size > this.limits.maxFileBytes) return undefined;
    return { root, absolute: resolved.path, relative, size: stat.size, mtimeMs: stat.mtimeMs };
  }

  /** The text of a scanned file; undefined for binary, non-UTF-8, hard-linked or swapped files. */
  async read(file: ScannedFile): Promise<string | undefined> {
    const bytes = await readFileConfined(file.absolute, { maxBytes: this.limits.maxFileBytes }).catch(() => undefined);
    if (!bytes || looksBinary(bytes)) return undefined;
    const text = bytes.toString("utf8");
    return looksGenerated(text) ? undefined : text;
  }

  /** A deleted file's place: its folder must exist inside a workspace folder (resolved), the name is gone. */
  private async missingInside(requested: string): Promise<{ root: number; relative: string } | undefined> {
    const parent = await this.roots.resolveInside(path.dirname(requested));
    if (!parent.ok) return undefined;
    const exists = await fs.lstat(path.join(parent.path, path.basename(requested))).then(() => true, () => false);
    if (exists) return undefined;
    const relative = [...parent.relative.split(path.sep).filter(Boolean), path.basename(requested)].join("/");
    return { root: this.roots.roots.indexOf(parent.root), relative };
  }

  rootOf(index: number): WorkspaceRoot {
    return this.roots.roots[index]!;
  }
}

/** NUL in the first 8 KiB, or mostly invalid UTF-8: not text. */
export function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return true;
  const decoded = head.toString("utf8");
  let replaced = 0;
  for (const ch of decoded) if (ch === "\uFFFD") replaced++;
  return replaced > 8 && replaced / Math.max(1, decoded.length) > 0.05;
}

/** Minified or generated text (very long lines on average) has no useful chunks. */
export function looksGenerated(text: string): boolean {
  if (text.length < 20_000) return false;
  let lines = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++;
  return text.length / lines > 400;
}
