// Checkpoints for agent runs in a shadow git repository (shadow-git.ts). Before and after every
// mutating step the workspace is snapshotted into a parentless commit recorded under
// refs/pincer/runs/<run>/<step>/{before,after}; git's content addressing and its index's stat
// cache make each snapshot incremental (only changed files are hashed and stored).
//
// Undo restores exactly the files a step (or run) changed, and only where the file is still what
// the agent left: a file the person changed since is reported as a conflict and left alone.
// Files the person changed that the agent did not touch are never looked at.
//
// Snapshots honour the workspace's .gitignore, but a path a tool names (a touched ignored file, a
// .env) is added by force and stays tracked for the rest of the shadow repository's life. A name git refuses
// (.GIT/x, git~1, a .gitmodules symlink, ...) is left out and reported once (`notCovered`), so one odd file
// cannot break the snapshots of every later step.
//
// Undo is a write the person asks for, so what a command left behind must not steer it: a path whose folder
// now resolves elsewhere (a symlink swapped in) and protected configuration (.git, .vscode, .pincer,
// *.code-workspace, also through links) are reported as conflicts, never written; links are removed before
// files are put back, and every write goes through the confined writers.
import { promises as fs } from "node:fs";
import path from "node:path";
import { mkdirConfined, verifyFolder, writeFileConfined } from "../platform/confined-fs";
import { gitRefusedName, protectedKind, type WorkspaceRoots } from "../platform/workspace-paths";
import { CliFileWriter } from "./cli-file-writer";
import { ABSENT, blobId, parseRawDiff, ShadowGit, type TreeChange } from "./shadow-git";
import type { CheckpointStore, FileWriter, UndoReport } from "./tool-types";

export interface ShadowCheckpointsOptions {
  /** Pincer's storage folder (outside every workspace); repositories go to <storageDir>/checkpoints/. */
  storageDir: string;
  /** The first folder is snapshotted (multi-root workspaces: the others are not covered). */
  roots: WorkspaceRoots;
  /** How restored files are written (VS Code: workspace/applyEdit); default atomic files. */
  files?: FileWriter;
  /** Size budget of the shadow repository; older runs are dropped beyond it (default 1 GiB). */
  maxBytes?: number;
  /** New files bigger than this are left out of snapshots unless a tool names them (default 50 MiB). */
  maxFileBytes?: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REF_ROOT = "refs/pincer/runs";

export class ShadowCheckpoints implements CheckpointStore {
  private readonly git: ShadowGit;
  private readonly files: FileWriter;
  private readonly maxBytes: number;
  private readonly maxFileBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** Paths named by the step's tool calls, force-added even when ignored. */
  private readonly touched = new Map<string, string[]>();
  /** Names git refuses, already reported as not covered (each is reported once per store). */
  private readonly reported = new Set<string>();
  /** Found by a snapshot, reported by the next afterStep. */
  private notCovered: string[] = [];
  private checked: Promise<void> | undefined;

  constructor(private readonly options: ShadowCheckpointsOptions) {
    const root = options.roots.roots[0];
    if (!root) throw new Error("no workspace folder to checkpoint");
    this.git = ShadowGit.forWorkspace(options.storageDir, root.path);
    this.files = options.files ?? new CliFileWriter();
    this.maxBytes = options.maxBytes ?? 1024 ** 3;
    this.maxFileBytes = options.maxFileBytes ?? 50 * 1024 ** 2;
  }

  get repositoryPath(): string {
    return this.git.gitDir;
  }

  /** One git operation at a time: they share the shadow index. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(work);
    this.queue = next;
    return next;
  }

  /** `paths`: what the step's tool call names (its targets), so ignored files it touches are kept too. */
  async beforeStep(runId: string, step: number, signal: AbortSignal, paths: readonly string[] = []): Promise<string> {
    checkIds(runId, step);
    return this.serial(async () => {
      const forced = await this.forcedPaths(paths);
      this.touched.set(`${runId}/${step}`, forced);
      return this.snapshot(`${runId}/${step}/before`, forced, signal);
    });
  }

  async afterStep(runId: string, step: number, signal: AbortSignal): Promise<{ changedPaths: string[]; notCovered: string[] }> {
    checkIds(runId, step);
    return this.serial(async () => {
      const forced = this.touched.get(`${runId}/${step}`) ?? [];
      this.touched.delete(`${runId}/${step}`);
      await this.snapshot(`${runId}/${step}/after`, forced, signal);
      const changes = await this.stepChanges(runId, step, signal);
      await this.pruneIfNeeded(runId, signal);
      const notCovered = this.notCovered;
      this.notCovered = [];
      return { changedPaths: changes.map((c) => c.path), notCovered };
    });
  }

  async undoStep(runId: string, step: number, signal: AbortSignal): Promise<UndoReport> {
    checkIds(runId, step);
    return this.serial(async () => this.restore(await this.stepChanges(runId, step, signal), signal));
  }

  async undoRun(runId: string, signal: AbortSignal): Promise<UndoReport> {
    checkIds(runId, 0);
    return this.serial(async () => {
      const steps = (await this.refs(signal)).filter((r) => r.runId === runId);
      if (steps.length === 0) throw new Error(`no checkpoints for run ${runId}`);
      const numbers = [...new Set(steps.map((r) => r.step))].sort((a, b) => a - b);
      // Per path: the state before the first step that changed it, and what the last one left.
      const merged = new Map<string, TreeChange>();
      for (const step of numbers) {
        for (const change of await this.stepChanges(runId, step, signal)) {
          const first = merged.get(change.path);
          merged.set(change.path, first ? { ...first, newMode: change.newMode, newId: change.newId } : change);
        }
      }
      return this.restore([...merged.values()].filter((c) => c.oldId !== c.newId || c.oldMode !== c.newMode), signal);
    });
  }

  async listRuns(signal: AbortSignal): Promise<{ runId: string; startedAt: string; steps: number }[]> {
    const runs = new Map<string, { startedAt: string; steps: Set<number> }>();
    for (const ref of await this.serial(() => this.refs(signal))) {
      const run = runs.get(ref.runId) ?? { startedAt: ref.date, steps: new Set<number>() };
      if (ref.date < run.startedAt) run.startedAt = ref.date;
      run.steps.add(ref.step);
      runs.set(ref.runId, run);
    }
    return [...runs.entries()].map(([runId, run]) => ({ runId, startedAt: run.startedAt, steps: run.steps.size })).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Bytes the shadow repository takes on disk. */
  sizeBytes(): Promise<number> {
    return this.git.sizeBytes();
  }

  /**
   * The shadow repository, created on first use. Its storage must be outside EVERY workspace folder (by any name:
   * as given, through a symlink, resolved): inside one, the agent could edit its config (a clean filter runs at
   * the next snapshot) or its history.
   */
  private ensure(signal: AbortSignal): Promise<void> {
    this.checked ??= (async () => {
      const root = await this.options.roots.rootContaining(this.git.gitDir);
      if (root) {
        throw new Error(
          `the checkpoint storage ${path.dirname(this.git.gitDir)} is inside the workspace folder ${root.folder}; Pincer keeps checkpoints only outside every workspace folder (the agent could change them there), so steps that change files cannot run`,
        );
      }
    })().catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked.then(() => this.git.ensure(signal));
  }

  /** Workspace-relative paths (forward slashes) of the named files that are inside and not in a .git folder. */
  private async forcedPaths(paths: readonly string[]): Promise<string[]> {
    const result: string[] = [];
    for (const requested of paths) {
      const resolved = await this.options.roots.resolveInside(requested, { forWrite: true });
      if (!resolved.ok || resolved.root.path !== this.git.workTree || resolved.relative === "") continue;
      const relative = resolved.relative.split(path.sep).join("/");
      if (relative.split("/").includes(".git") || gitRefusedName(relative)) continue;
      result.push(relative);
    }
    return result;
  }

  private async snapshot(name: string, forced: readonly string[], signal: AbortSignal): Promise<string> {
    await this.ensure(signal);
    const untracked = (await this.git.run(["ls-files", "-z", "--others", "--exclude-standard"], signal)).toString("utf8").split("\0").filter(Boolean);
    await this.excludeLargeNewFiles(untracked, forced, signal);
    const refused = await this.refusedNames(untracked);
    const failed: string[] = [];
    const collect = (stderr: string) => failed.push(...unaddable(stderr));
    // --ignore-errors: a file git cannot add (a name it refuses, an unreadable file) is left out, not fatal.
    await this.git.run(["add", "--all", "--ignore-errors", "--", ".", ...refused.map((relative) => `:(exclude,literal)${relative}`)], signal, { ok: [1], stderr: collect });
    const existing: string[] = [];
    for (const relative of forced) if (await fs.lstat(path.join(this.git.workTree, relative)).then(() => true, () => false)) existing.push(relative);
    if (existing.length > 0) await this.git.run(["add", "--force", "--ignore-errors", "--", ...existing], signal, { ok: [1], stderr: collect });
    for (const relative of [...refused, ...failed]) {
      if (this.reported.has(relative)) continue;
      this.reported.add(relative);
      this.notCovered.push(relative);
    }
    const tree = (await this.git.text(["write-tree"], signal)).trim();
    const commit = (await this.git.text(["commit-tree", tree, "-m", `pincer ${name}`], signal)).trim();
    await this.git.run(["update-ref", `${REF_ROOT}/${name}`, commit], signal);
    return commit;
  }

  /** Untracked paths git would refuse to add (names that are .git somewhere, .gitmodules symlinks). */
  private async refusedNames(untracked: readonly string[]): Promise<string[]> {
    const refused: string[] = [];
    for (const relative of untracked) {
      if (gitRefusedName(relative)) refused.push(relative);
      else if (gitRefusedName(relative, { symlink: true })) {
        const entry = await fs.lstat(path.join(this.git.workTree, relative)).catch(() => undefined);
        if (entry?.isSymbolicLink()) refused.push(relative);
      }
    }
    return refused;
  }

  /**
   * A video or a dataset dropped into the workspace would be copied into every run's history (peers
   * reached 4 GB per task): new untracked files over maxFileBytes go to the shadow repository's
   * info/exclude instead, unless a tool names them. Files already tracked stay tracked.
   */
  private async excludeLargeNewFiles(untracked: readonly string[], forced: readonly string[], signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const large: string[] = [];
    for (const relative of untracked) {
      if (forced.includes(relative) || relative.includes("\n")) continue;
      const size = (await fs.lstat(path.join(this.git.workTree, relative)).catch(() => undefined))?.size ?? 0;
      if (size > this.maxFileBytes) large.push(relative);
    }
    if (large.length === 0) return;
    const excludeFile = path.join(this.git.gitDir, "info", "exclude");
    await fs.mkdir(path.dirname(excludeFile), { recursive: true, mode: 0o700 });
    await fs.appendFile(excludeFile, large.map((relative) => `${exactPattern(relative)}\n`).join(""), { mode: 0o600 });
  }

  private async stepChanges(runId: string, step: number, signal: AbortSignal): Promise<TreeChange[]> {
    await this.ensure(signal);
    const before = `${REF_ROOT}/${runId}/${step}/before`;
    let after = `${REF_ROOT}/${runId}/${step}/after`;
    if (!(await this.hasRef(before, signal))) throw new Error(`no checkpoint for run ${runId} step ${step}`);
    // A step that never finished (crash, kill): compare with the workspace as it is now.
    if (!(await this.hasRef(after, signal))) after = await this.snapshot(`${runId}/${step}/after`, this.touched.get(`${runId}/${step}`) ?? [], signal);
    return parseRawDiff(await this.git.run(["diff-tree", "-r", "-z", "--no-renames", before, after], signal));
  }

  private async hasRef(ref: string, signal: AbortSignal): Promise<boolean> {
    return (await this.git.run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], signal, { ok: [1] })).length > 0;
  }

  private async refs(signal: AbortSignal): Promise<{ runId: string; step: number; date: string }[]> {
    await this.ensure(signal);
    const text = await this.git.text(["for-each-ref", "--format=%(refname)%00%(committerdate:iso-strict)", REF_ROOT], signal);
    const refs: { runId: string; step: number; date: string }[] = [];
    for (const line of text.split("\n")) {
      const [name, date] = line.split("\0");
      const match = name ? /^refs\/pincer\/runs\/([^/]+)\/(\d+)\/(before|after)$/.exec(name) : null;
      if (match && date) refs.push({ runId: match[1]!, step: Number(match[2]), date });
    }
    return refs;
  }

  /**
   * Puts each changed path back to its old state where the file is still what the agent left. Entries that did
   * not exist before (a link a command made, a new file) go first, deepest first, so a folder swapped for a
   * link is a folder again before files are put back into it.
   */
  private async restore(changes: TreeChange[], signal: AbortSignal): Promise<UndoReport> {
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
    const parent = await this.options.roots.resolveInside(folder, { forWrite: true });
    if (!parent.ok) return `not restored: its folder ${parent.reason}`;
    if (!samePath(parent.path, folder, parent.root.caseInsensitive)) {
      return `not restored: its folder leads elsewhere now (through a symlink), to ${parent.relative.split(path.sep).join("/") || "."}; undo never writes through a link`;
    }
    const entry = await fs.lstat(absolute).catch(() => undefined);
    if (entry?.isSymbolicLink() && change.newMode !== "120000") return "not restored: it is a symlink now, not the file the agent left";
    // A link is judged by its own name and folder (removing or making it does not write where it points).
    const link = entry?.isSymbolicLink() === true || (entry === undefined && change.oldMode === "120000");
    const target = link ? undefined : await this.options.roots.resolveInside(absolute, { forWrite: true });
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

  /** Over budget: pack first (loose objects are most of the size), then drop the oldest runs but the current one. */
  private async pruneIfNeeded(currentRun: string, signal: AbortSignal): Promise<void> {
    if ((await this.git.sizeBytes()) <= this.maxBytes) return;
    await this.git.run(["gc", "--quiet", "--prune=now"], signal);
    const runs = (await this.listRunsUnlocked(signal)).filter((r) => r.runId !== currentRun).reverse();
    for (const run of runs) {
      if ((await this.git.sizeBytes()) <= this.maxBytes) return;
      const refs = (await this.git.text(["for-each-ref", "--format=%(refname)", `${REF_ROOT}/${run.runId}/`], signal)).split("\n").filter(Boolean);
      for (const ref of refs) await this.git.run(["update-ref", "-d", ref], signal);
      await this.git.run(["gc", "--quiet", "--prune=now"], signal);
    }
  }

  private async listRunsUnlocked(signal: AbortSignal): Promise<{ runId: string; startedAt: string }[]> {
    const first = new Map<string, string>();
    for (const ref of await this.refs(signal)) if (!first.has(ref.runId) || ref.date < first.get(ref.runId)!) first.set(ref.runId, ref.date);
    return [...first.entries()].map(([runId, startedAt]) => ({ runId, startedAt })).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }
}

/** A .gitignore pattern that matches exactly this workspace-relative path. */
export function exactPattern(relative: string): string {
  return `/${relative.replace(/[\\*?[\]!# ]/g, (c) => `\\${c}`)}`;
}

function checkIds(runId: string, step: number): void {
  if (!RUN_ID.test(runId) || runId.includes("..") || runId.endsWith(".lock") || runId.endsWith(".")) throw new Error(`invalid run id ${JSON.stringify(runId)} (letters, digits, . _ -)`);
  if (!Number.isInteger(step) || step < 0) throw new Error(`invalid step ${step}`);
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

/** What `git add --ignore-errors` says for a file it could not add (LC_ALL=C). */
const UNADDABLE = [/^error: invalid path '(.+)'$/, /^error: unable to add '(.+)' to index$/, /^error: unable to index file '(.+)'$/, /^error: open\("(.+)"\): .+$/];

/** Paths `git add --ignore-errors` reported it could not add. */
function unaddable(stderr: string): string[] {
  const paths = new Set<string>();
  for (const line of stderr.split("\n")) {
    for (const pattern of UNADDABLE) {
      const match = pattern.exec(line.trim());
      if (match?.[1]) paths.add(match[1]);
    }
  }
  return [...paths];
}

/** The git blob id of what is at `absolute` now (a symlink: its target text); ABSENT when nothing is there. */
async function currentId(absolute: string): Promise<string> {
  const entry = await fs.lstat(absolute).catch(() => undefined);
  if (!entry) return ABSENT;
  if (entry.isSymbolicLink()) return blobId(Buffer.from(await fs.readlink(absolute), "utf8"));
  if (!entry.isFile()) return "directory";
  return blobId(await fs.readFile(absolute));
}
