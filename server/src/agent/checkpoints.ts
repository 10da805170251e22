// Checkpoints for agent runs in a shadow git repository (shadow-git.ts). Before and after every
// mutating step the workspace is snapshotted into a parentless commit recorded under
// refs/pincer/runs/<run>/<step>/{before,after}; git's content addressing and its index's stat
// cache make each snapshot incremental (only changed files are hashed and stored).
//
// Undo restores exactly what a step (or run) itself changed, and only where the file is still what
// the agent left: a file the person changed since is reported as a conflict and left alone. A
// snapshot sees every writer, so each step's changes are attributed (step-attribution.ts): what
// someone else wrote while the step ran is theirs, reported by undo and never reverted or deleted.
//
// One workspace, many processes (the VS Code server, `pincer run`, `pincer undo`): every mutating
// step (from its before snapshot to its after snapshot) and every undo holds the workspace lock
// (platform/process-lock.ts) in Pincer's state folder, so no other run writes while a step runs and
// no two gits share the shadow index. A lock whose holder was killed is taken over, and the git lock
// files a killed git left are removed then (shadow-git.ts).
//
// Snapshots honour the workspace's .gitignore, but a path a tool names (a touched ignored file, a
// .env) is added by force and stays tracked for the rest of the shadow repository's life. A name git refuses
// (.GIT/x, git~1, a .gitmodules symlink, ...) is left out and reported once (`notCovered`), so one odd file
// cannot break the snapshots of every later step. Undo's writes: checkpoint-restore.ts.
import { promises as fs } from "node:fs";
import path from "node:path";
import { acquireProcessLock, describeHolder, LockBusyError, type ProcessLock } from "../platform/process-lock";
import { gitRefusedName, type WorkspaceRoots } from "../platform/workspace-paths";
import { CheckpointRestorer } from "./checkpoint-restore";
import { CliFileWriter } from "./cli-file-writer";
import { EditorWriteJournal, type EditorWrite } from "./editor-writes";
import { CheckpointError, parseRawDiff, ShadowGit, workspaceKey, type TreeChange } from "./shadow-git";
import {
  attributeStep,
  breakReason,
  EDITOR_NOTICE_GRACE_MS,
  mergeRunChanges,
  parseAfterRecord,
  parseBeforeRecord,
  recordMessage,
  type AfterRecord,
  type BeforeRecord,
  type ForeignChange,
  type StepKind,
} from "./step-attribution";
import { WorkspaceBusyError, type CheckpointStore, type FileWriter, type UndoReport } from "./tool-types";

export interface ShadowCheckpointsOptions {
  /** Pincer's storage folder (outside every workspace); repositories go to <storageDir>/checkpoints/. */
  storageDir: string;
  /**
   * Where the workspace lock and the editor's write journal live; the same for every Pincer process on this
   * machine (hosts pass <cache>/workspaces), default <storageDir>/workspaces. Outside every workspace folder.
   */
  stateDir?: string;
  /** The first folder is snapshotted (multi-root workspaces: the others are not covered). */
  roots: WorkspaceRoots;
  /** How restored files are written (VS Code: workspace/applyEdit); default atomic files. */
  files?: FileWriter;
  /** Size budget of the shadow repository; older runs are dropped beyond it (default 1 GiB). */
  maxBytes?: number;
  /** New files bigger than this are left out of snapshots unless a tool names them (default 50 MiB). */
  maxFileBytes?: number;
  /** Who this process is, in the lock ("pincer run", "VS Code"). */
  holderName?: string;
  /** How long a step or undo waits for another process's step or undo (default 120 s, a command's default timeout). */
  lockWaitMs?: number;
  /** Told once per wait, with who holds the workspace ("pid 123, pincer run: step 2 of run …, since …"). */
  onWait?: (holder: string) => void;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REF_ROOT = "refs/pincer/runs";

export class ShadowCheckpoints implements CheckpointStore {
  private readonly git: ShadowGit;
  private readonly restorer: CheckpointRestorer;
  private readonly journal: EditorWriteJournal;
  private readonly stateDir: string;
  private readonly maxBytes: number;
  private readonly maxFileBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  /** The workspace lock, while a step or an undo of this store runs. */
  private lock: ProcessLock | undefined;
  /** Per running step: the paths its tool names (force-added even when ignored), its kind and start. */
  private readonly steps = new Map<string, BeforeRecord>();
  /** Names git refuses, already reported as not covered (each is reported once per store). */
  private readonly reported = new Set<string>();
  /** Found by a snapshot, reported by the next afterStep. */
  private notCovered: string[] = [];
  private checked: Promise<void> | undefined;

  constructor(private readonly options: ShadowCheckpointsOptions) {
    const root = options.roots.roots[0];
    if (!root) throw new Error("no workspace folder to checkpoint");
    this.git = ShadowGit.forWorkspace(options.storageDir, root.path, { onChild: (pid) => this.lock?.recordChild(pid), lockHeld: () => this.lock !== undefined });
    this.restorer = new CheckpointRestorer(this.git, options.roots, options.files ?? new CliFileWriter());
    this.stateDir = options.stateDir ?? path.join(options.storageDir, "workspaces");
    this.journal = new EditorWriteJournal(this.stateDir, root.path);
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

  /**
   * `paths`: what the step's tool call names (its targets), so ignored files it touches are kept too. `kind`: an
   * edit tool's changes are only the paths it names; a command's are whatever changed (default).
   */
  async beforeStep(runId: string, step: number, signal: AbortSignal, paths: readonly string[] = [], kind: StepKind = "command"): Promise<string> {
    checkIds(runId, step);
    await this.checkStorage();
    // Held until afterStep: while this step runs, no other run writes to the workspace.
    await this.takeLock(`step ${step} of run ${runId}`, signal);
    try {
      return await this.serial(async () => {
        const record: BeforeRecord = { kind, start: Date.now(), targets: await this.forcedPaths(paths) };
        this.steps.set(`${runId}/${step}`, record);
        return this.commit(`${runId}/${step}/before`, await this.snapshotTree(record.targets, signal), recordMessage(`pincer ${runId}/${step}/before`, record), signal);
      });
    } catch (error) {
      this.steps.delete(`${runId}/${step}`);
      await this.releaseLock();
      throw error;
    }
  }

  /** `own`: the paths the tool reported changing. Returns the step's own changes (not what others wrote meanwhile). */
  async afterStep(runId: string, step: number, signal: AbortSignal, own: readonly string[] = []): Promise<{ changedPaths: string[]; notCovered: string[] }> {
    checkIds(runId, step);
    try {
      return await this.serial(async () => {
        const key = `${runId}/${step}`;
        const before = this.steps.get(key) ?? { kind: "command", start: Date.now(), targets: [] };
        this.steps.delete(key);
        const tree = await this.snapshotTree(before.targets, signal);
        const changes = parseRawDiff(await this.git.run(["diff-tree", "-r", "-z", "--no-renames", `${REF_ROOT}/${key}/before`, tree], signal));
        const end = Date.now();
        const ownPaths = await this.forcedPaths(own);
        const attributed = attributeStep(step, changes, before, { own: ownPaths }, await this.journal.between(before.start, end));
        await this.commit(`${key}/after`, tree, recordMessage(`pincer ${key}/after`, { end, own: ownPaths, foreign: attributed.foreign }), signal);
        await this.pruneIfNeeded(runId, signal);
        const notCovered = this.notCovered;
        this.notCovered = [];
        return { changedPaths: attributed.own.map((c) => c.path), notCovered };
      });
    } finally {
      await this.releaseLock();
    }
  }

  async undoStep(runId: string, step: number, signal: AbortSignal): Promise<UndoReport> {
    checkIds(runId, step);
    return this.undo(`undo of step ${step} of run ${runId}`, signal, async () => {
      const { own, foreign } = await this.attributedChanges(runId, step, await this.runMessages(runId, signal), await this.journal.between(0, Infinity), signal);
      return withForeign(await this.restorer.restore(own, signal), foreign);
    });
  }

  async undoRun(runId: string, signal: AbortSignal): Promise<UndoReport> {
    checkIds(runId, 0);
    return this.undo(`undo of run ${runId}`, signal, async () => {
      const messages = await this.runMessages(runId, signal);
      const numbers = [...new Set([...messages.keys()].map((ref) => Number(/\/(\d+)\/(?:before|after)$/.exec(ref)?.[1] ?? Number.NaN)).filter(Number.isInteger))].sort((a, b) => a - b);
      if (numbers.length === 0) throw new CheckpointError(`no checkpoints for run ${runId}`);
      const attributed: { step: number; own: TreeChange[] }[] = [];
      const foreign: ForeignChange[] = [];
      const journal = await this.journal.between(0, Infinity);
      for (const step of numbers) {
        const changes = await this.attributedChanges(runId, step, messages, journal, signal);
        attributed.push({ step, own: changes.own });
        foreign.push(...changes.foreign);
      }
      // Per path: the state before the first step that changed it (or before the first step after someone else
      // changed it in between), and what the last one left.
      const merged = mergeRunChanges(attributed);
      const report = await this.restorer.restore(merged.changes, signal);
      for (const [file, at] of merged.breaks) if (report.restored.includes(file)) report.conflicts.push({ path: file, reason: breakReason(at) });
      return withForeign(report, foreign);
    });
  }

  async listRuns(signal: AbortSignal): Promise<{ runId: string; startedAt: string; steps: number }[]> {
    const runs = new Map<string, { startedAt: string; steps: Set<number> }>();
    // Reading refs needs no lock, and an absent store is no runs (listing creates nothing); an existing store
    // made by an older version is made private here too.
    await this.checkStorage();
    if (!(await this.git.exists())) return [];
    await this.git.ensure(signal);
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

  private async undo(what: string, signal: AbortSignal, work: () => Promise<UndoReport>): Promise<UndoReport> {
    await this.checkStorage();
    const mine = this.lock === undefined;
    if (mine) await this.takeLock(what, signal);
    try {
      return await this.serial(async () => {
        await this.git.ensure(signal);
        return work();
      });
    } finally {
      if (mine) await this.releaseLock();
    }
  }

  private async takeLock(what: string, signal: AbortSignal): Promise<void> {
    if (this.lock) return;
    const file = path.join(this.stateDir, `${workspaceKey(this.git.workTree)}.lock`);
    const waitMs = this.options.lockWaitMs ?? 120_000;
    try {
      this.lock = await acquireProcessLock(file, { what: `${this.options.holderName ?? "Pincer"}: ${what}`, signal, waitMs, onWait: (holder) => this.options.onWait?.(describeHolder(holder)) });
    } catch (error) {
      if (!(error instanceof LockBusyError)) throw error;
      throw new WorkspaceBusyError(`another agent run is using this workspace (${describeHolder(error.holder)}) and has not finished its step within ${waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`}`);
    }
  }

  private async releaseLock(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release();
  }

  /**
   * Pincer's storage and state must be outside EVERY workspace folder (by any name: as given, through a symlink,
   * resolved): inside one, the agent could edit the shadow repository's config (a clean filter runs at the next
   * snapshot) or history, or forge the lock and the editor's journal.
   */
  private checkStorage(): Promise<void> {
    this.checked ??= (async () => {
      for (const [what, folder] of [["checkpoint storage", path.dirname(this.git.gitDir)], ["agent state folder", this.stateDir]] as const) {
        const root = await this.options.roots.rootContaining(folder);
        if (root) {
          throw new CheckpointError(
            `the ${what} ${folder} is inside the workspace folder ${root.folder}; Pincer keeps checkpoints only outside every workspace folder (the agent could change them there), so steps that change files cannot run`,
          );
        }
      }
    })().catch((error: unknown) => {
      this.checked = undefined;
      throw error;
    });
    return this.checked;
  }

  /** Workspace-relative paths (forward slashes) of the named files that are inside and not in a .git folder. */
  private async forcedPaths(paths: readonly string[]): Promise<string[]> {
    const result: string[] = [];
    for (const requested of paths) {
      const resolved = await this.options.roots.resolveInside(requested, { forWrite: true });
      if (!resolved.ok || resolved.root.path !== this.git.workTree || resolved.relative === "") continue;
      const relative = resolved.relative.split(path.sep).join("/");
      if (relative.split("/").includes(".git") || gitRefusedName(relative)) continue;
      if (!result.includes(relative)) result.push(relative);
    }
    return result;
  }

  /** The workspace as a tree in the shadow repository (the index is its stat cache). */
  private async snapshotTree(forced: readonly string[], signal: AbortSignal): Promise<string> {
    await this.checkStorage();
    await this.git.ensure(signal);
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
    return (await this.git.text(["write-tree"], signal)).trim();
  }

  /** A parentless commit of `tree` (its message carries the step's record), under refs/pincer/runs/<name>. */
  private async commit(name: string, tree: string, message: string, signal: AbortSignal): Promise<string> {
    const commit = (await this.git.text(["commit-tree", tree, "-F", "-"], signal, { input: message })).trim();
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

  /** A step's changes split into the agent's own and someone else's (editor writes read again: late notices count). */
  private async attributedChanges(runId: string, step: number, messages: ReadonlyMap<string, string>, journal: readonly EditorWrite[], signal: AbortSignal): Promise<{ own: TreeChange[]; foreign: ForeignChange[] }> {
    const before = `${REF_ROOT}/${runId}/${step}/before`;
    let after = `${REF_ROOT}/${runId}/${step}/after`;
    if (!messages.has(before)) throw new CheckpointError(`no checkpoint for run ${runId} step ${step}`);
    const beforeRecord = parseBeforeRecord(messages.get(before));
    let afterRecord: AfterRecord | undefined;
    if (messages.has(after)) {
      afterRecord = parseAfterRecord(messages.get(after));
    } else {
      // A step that never finished (crash, kill): compare with the workspace as it is now.
      afterRecord = { end: Date.now(), own: [], foreign: [] };
      const tree = await this.snapshotTree(beforeRecord?.targets ?? [], signal);
      after = await this.commit(`${runId}/${step}/after`, tree, recordMessage(`pincer ${runId}/${step}/after (the step did not finish)`, afterRecord), signal);
    }
    const changes = parseRawDiff(await this.git.run(["diff-tree", "-r", "-z", "--no-renames", before, after], signal));
    // Read again at every undo: an editor's notice that arrived after the step ended still counts.
    const until = (afterRecord?.end ?? Date.now()) + EDITOR_NOTICE_GRACE_MS;
    const editor = beforeRecord ? journal.filter((write) => write.t >= beforeRecord.start && write.t <= until) : [];
    return attributeStep(step, changes, beforeRecord, afterRecord ?? { own: [] }, editor);
  }

  /** The messages of a run's snapshot commits by ref name, in one git call. */
  private async runMessages(runId: string, signal: AbortSignal): Promise<Map<string, string>> {
    const parts = (await this.git.text(["for-each-ref", "--format=%(refname)%00%(contents)%00", `${REF_ROOT}/${runId}/`], signal)).split("\0");
    const messages = new Map<string, string>();
    for (let i = 0; i + 1 < parts.length; i += 2) messages.set(parts[i]!.trim(), parts[i + 1]!);
    return messages;
  }

  private async refs(signal: AbortSignal): Promise<{ runId: string; step: number; date: string }[]> {
    const text = await this.git.text(["for-each-ref", "--format=%(refname)%00%(committerdate:iso-strict)", REF_ROOT], signal);
    const refs: { runId: string; step: number; date: string }[] = [];
    for (const line of text.split("\n")) {
      const [name, date] = line.split("\0");
      const match = name ? /^refs\/pincer\/runs\/([^/]+)\/(\d+)\/(before|after)$/.exec(name) : null;
      if (match && date) refs.push({ runId: match[1]!, step: Number(match[2]), date });
    }
    return refs;
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

/** Someone else's changes that undo left alone, each path once, unless undo already speaks of it. */
function withForeign(report: UndoReport, foreign: readonly ForeignChange[]): UndoReport {
  const mentioned = new Set([...report.restored, ...report.conflicts.map((c) => c.path)]);
  for (const change of foreign) {
    if (mentioned.has(change.path)) continue;
    mentioned.add(change.path);
    report.conflicts.push(change);
  }
  return report;
}

function checkIds(runId: string, step: number): void {
  if (!RUN_ID.test(runId) || runId.includes("..") || runId.endsWith(".lock") || runId.endsWith(".")) throw new CheckpointError(`invalid run id ${JSON.stringify(runId)} (letters, digits, . _ -)`);
  if (!Number.isInteger(step) || step < 0) throw new CheckpointError(`invalid step ${step}`);
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
