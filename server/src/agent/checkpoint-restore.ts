// Undo's writes (checkpoints.ts decides what to restore; this puts it back). Undo is a write the person asks for,
// so what a command left behind must not steer it: a path whose folder now resolves elsewhere (a symlink swapped
// in) and protected configuration (.git, .vscode, .pincer, *.code-workspace, also through links) are reported as
// conflicts, never written; links are removed before files are put back, and every write goes through the confined
// writers. A file whose content is not what the agent left is the person's: a conflict, left alone.
import { promises as fs } from "node:fs";
import path from "node:path";
import { mkdirConfined, verifyFolder, writeFileConfined } from "../platform/confined-fs";
import { protectedKind, type WorkspaceRoots } from "../platform/workspace-paths";
import { ABSENT, blobId, type ShadowGit, type TreeChange } from "./shadow-git";
import type { FileWriter, UndoReport } from "./tool-types";

export class CheckpointRestorer {
  constructor(
    private readonly git: ShadowGit,
    private readonly roots: WorkspaceRoots,
    private readonly files: FileWriter,
  ) {}

  /**
   * Puts each changed path back to its old state where the file is still what the agent left. Entries that did
   * not exist before (a link a command made, a new file) go first, deepest first, so a folder swapped for a
   * link is a folder again before files are put back into it.
   */
  async restore(changes: TreeChange[], signal: AbortSignal): Promise<UndoReport> {
    const report: UndoReport = { restored: [], conflicts: [] };
    const removals = changes.filter((c) => c.oldId === ABSENT).sort((a, b) => (a.path < b.path ? 1 : -1));
    const writes = changes.filter((c) => c.oldId !== ABSENT).sort((a, b) => (a.path < b.path ? -1 : 1));
    const blobs = await this.git.readBlobs(writes.map((c) => c.oldId), signal);
    for (const change of [...removals, ...writes]) {
      signal.throwIfAborted();
      const absolute = path.join(this.git.workTree, ...change.path.split("/"));
      const current = await currentId(absolute);
      if (current === change.oldId) {
        report.restored.push(change.path);
        continue;
      }
      if (current !== change.newId) {
        const reason =
          change.newId === ABSENT ? "the agent deleted it, and it exists again" : current === ABSENT ? "deleted after the agent changed it" : "changed after the agent's edit (or by a later step: undo that first)";
        report.conflicts.push({ path: change.path, reason });
        continue;
      }
      const problem = await this.restoreProblem(change, absolute);
      if (problem) {
        report.conflicts.push({ path: change.path, reason: problem });
        continue;
      }
      if (change.oldId === ABSENT) {
        await this.files.delete(absolute, signal);
        await removeEmptyFolders(path.dirname(absolute), this.git.workTree);
      } else {
        const content = blobs.get(change.oldId);
        if (!content) throw new Error(`shadow git: blob ${change.oldId} for ${change.path} is missing`);
        await this.writeEntry(absolute, change.oldMode, content, change.newId === ABSENT ? undefined : change.newMode, signal);
      }
      report.restored.push(change.path);
    }
    return report;
  }

  /**
   * Why undo must not write `absolute`: its folder resolves elsewhere now than the recorded path (a symlink a
   * command swapped in), it is not what the agent left (a link where a file was), or it is protected
   * configuration (also by way of a link). Undefined when it is safe to restore.
   */
  private async restoreProblem(change: TreeChange, absolute: string): Promise<string | undefined> {
    const folder = path.dirname(absolute);
    const parent = await this.roots.resolveInside(folder, { forWrite: true });
    if (!parent.ok) return `not restored: its folder ${parent.reason}`;
    if (!samePath(parent.path, folder, parent.root.caseInsensitive)) {
      return `not restored: its folder leads elsewhere now (through a symlink), to ${parent.relative.split(path.sep).join("/") || "."}; undo never writes through a link`;
    }
    const entry = await fs.lstat(absolute).catch(() => undefined);
    if (entry?.isSymbolicLink() && change.newMode !== "120000") return "not restored: it is a symlink now, not the file the agent left";
    // A link is judged by its own name and folder (removing or making it does not write where it points).
    const link = entry?.isSymbolicLink() === true || (entry === undefined && change.oldMode === "120000");
    const target = link ? undefined : await this.roots.resolveInside(absolute, { forWrite: true });
    if (target && !target.ok) return `not restored: ${target.reason}`;
    const kind = parent.protectedKind ?? (target ? target.protectedKind : protectedKind(change.path, { caseInsensitive: parent.root.caseInsensitive }));
    if (kind) {
      const by = change.oldId === ABSENT ? "delete it by hand if you want it gone" : `its old content is \`git --git-dir=${this.git.gitDir} cat-file -p ${change.oldId}\``;
      return `protected configuration (${kind}): undo does not write there; ${by}`;
    }
    return undefined;
  }

  private async writeEntry(absolute: string, mode: string, content: Buffer, currentMode: string | undefined, signal: AbortSignal): Promise<void> {
    if (mode === "120000") {
      if (currentMode !== undefined) await this.files.delete(absolute, signal);
      await mkdirConfined(path.dirname(absolute));
      await fs.symlink(content.toString("utf8"), absolute);
      return;
    }
    if (currentMode === "120000") await this.files.delete(absolute, signal);
    const text = content.toString("utf8");
    const executable = mode === "100755";
    // Text goes through the host's writer (editors see it); bytes that are not UTF-8 are written as they are.
    if (Buffer.from(text, "utf8").equals(content)) await this.files.write(absolute, text, signal);
    else await writeFileConfined(absolute, content, { mode: executable ? 0o755 : 0o644 });
    const stat = await fs.lstat(absolute);
    if (stat.isFile() && executable !== ((stat.mode & 0o111) !== 0)) await fs.chmod(absolute, executable ? stat.mode | 0o111 : stat.mode & ~0o111);
  }

}

/** Folders a removal left empty, up to (not including) the workspace folder, as git checkout does. */
async function removeEmptyFolders(folder: string, workTree: string): Promise<void> {
  let current = folder;
  while (current !== workTree && current.startsWith(workTree + path.sep)) {
    if (!(await verifyFolder(current).then(() => true, () => false))) return;
    if (!(await fs.rmdir(current).then(() => true, () => false))) return;
    current = path.dirname(current);
  }
}

function samePath(a: string, b: string, caseInsensitive: boolean): boolean {
  return a === b || (caseInsensitive && a.toLowerCase() === b.toLowerCase());
}

/** The git blob id of what is at `absolute` now (a symlink: its target text); ABSENT when nothing is there. */
async function currentId(absolute: string): Promise<string> {
  const entry = await fs.lstat(absolute).catch(() => undefined);
  if (!entry) return ABSENT;
  if (entry.isSymbolicLink()) return blobId(Buffer.from(await fs.readlink(absolute), "utf8"));
  if (!entry.isFile()) return "directory";
  return blobId(await fs.readFile(absolute));
}
