// Whose change is it? A snapshot covers the whole workspace, so the difference between a step's before and after
// snapshots holds what the step did AND whatever else changed meanwhile. The rule (ARCHITECTURE.md, "Undo:
// whose change"):
//
// - An edit tool's changes are exactly the paths it names (its targets) and reports; anything else that changed
//   during the step was written by someone else.
// - A command's changes are every path that changed during the step, except paths the editor reports having
//   written meanwhile (saved, created, deleted, renamed: editor-writes.ts). Nothing can tell a command's write
//   from another program's (a second editor, a terminal) during the command: those count as the command's.
// - An editor report that only repeats the state before the step (a save of unchanged text, the late notice of an
//   earlier save) is not a change during the step; nor, for an edit tool's own path, one that matches what the
//   agent wrote (VS Code saves the agent's edits itself, and reports those saves like any other).
// - Other Pincer runs never write during the step: mutating steps and undo hold the workspace lock.
// - Between two steps of a run, someone else may change a file the run changes again: undoing the run puts it back
//   to how they left it, not to before the run (their work is kept), and says so.
//
// Records travel in the snapshot commits' messages, so attribution survives the process that made it.
import type { EditorWrite, EditorWriteKind } from "./editor-writes";
import { ABSENT, type TreeChange } from "./shadow-git";

export type StepKind = "edit" | "command";

/** In the before snapshot's message: what the step is, when it began, the paths its tool names. */
export interface BeforeRecord {
  kind: StepKind;
  start: number;
  targets: string[];
}

/** In the after snapshot's message: when the step ended, what its tool reported, what was someone else's. */
export interface AfterRecord {
  end: number;
  own: string[];
  foreign: ForeignChange[];
}

export interface ForeignChange {
  path: string;
  reason: string;
}

/** How long after a step an editor's notice of a save still counts for it (the notice follows the disk write). */
export const EDITOR_NOTICE_GRACE_MS = 2_000;

const RECORD_VERSION = 1;

export function recordMessage(title: string, record: BeforeRecord | AfterRecord): string {
  return `${title}\n\n${JSON.stringify({ v: RECORD_VERSION, ...record })}\n`;
}

export function parseBeforeRecord(message: string | undefined): BeforeRecord | undefined {
  const value = parseRecord(message);
  if (!value || (value.kind !== "edit" && value.kind !== "command") || typeof value.start !== "number" || !stringArray(value.targets)) return undefined;
  return { kind: value.kind, start: value.start, targets: value.targets };
}

export function parseAfterRecord(message: string | undefined): AfterRecord | undefined {
  const value = parseRecord(message);
  if (!value || typeof value.end !== "number" || !stringArray(value.own) || !Array.isArray(value.foreign)) return undefined;
  const foreign = value.foreign.filter((f): f is ForeignChange => typeof (f as ForeignChange)?.path === "string" && typeof (f as ForeignChange)?.reason === "string");
  return { end: value.end, own: value.own, foreign };
}

/**
 * Splits one step's changes into the agent's own and someone else's. `before` undefined: a step recorded before
 * attribution existed, whose changes all count as the agent's. `editor`: the editor's writes in the step's window.
 */
export function attributeStep(
  step: number,
  changes: readonly TreeChange[],
  before: BeforeRecord | undefined,
  after: Pick<AfterRecord, "own"> & Partial<Pick<AfterRecord, "foreign">>,
  editor: readonly EditorWrite[],
): { own: TreeChange[]; foreign: ForeignChange[] } {
  if (!before) return { own: [...changes], foreign: [] };
  const recorded = new Map((after.foreign ?? []).map((f) => [f.path, f.reason]));
  const named = [...before.targets, ...after.own];
  const own: TreeChange[] = [];
  const foreign: ForeignChange[] = [];
  for (const change of changes) {
    const earlier = recorded.get(change.path);
    const mine = named.some((p) => covers(p, change.path));
    const write = editor.find((w) => covers(w.path, change.path) && !describesBefore(w, change) && !(before.kind === "edit" && mine && describesAgent(w, change)));
    if (earlier !== undefined) foreign.push({ path: change.path, reason: earlier });
    else if (write) foreign.push({ path: change.path, reason: `${EDITOR_VERBS[write.by]} in the editor while step ${step} ran; not the agent's change, left as it is` });
    else if (before.kind === "edit" && !mine) {
      foreign.push({ path: change.path, reason: `changed while step ${step} ran, but not by the agent (another program or the person); left as it is` });
    } else own.push(change);
  }
  return { own, foreign };
}

/**
 * One change per path for undoing a whole run, from its steps' own changes in step order. Where a step's "before"
 * is not what the run's previous change to that path left, someone else changed it in between: the run is undone
 * back to their version only (`breaks` says between which steps).
 */
export function mergeRunChanges(steps: readonly { step: number; own: readonly TreeChange[] }[]): { changes: TreeChange[]; breaks: Map<string, { after: number; before: number }> } {
  const chains = new Map<string, { step: number; change: TreeChange }[]>();
  for (const { step, own } of [...steps].sort((a, b) => a.step - b.step)) {
    for (const change of own) {
      const chain = chains.get(change.path) ?? [];
      chain.push({ step, change });
      chains.set(change.path, chain);
    }
  }
  const changes: TreeChange[] = [];
  const breaks = new Map<string, { after: number; before: number }>();
  for (const [file, chain] of chains) {
    let first = 0;
    for (let i = 1; i < chain.length; i++) {
      const previous = chain[i - 1]!.change;
      const current = chain[i]!.change;
      if (current.oldId !== previous.newId || current.oldMode !== previous.newMode) first = i;
    }
    if (first > 0) breaks.set(file, { after: chain[first - 1]!.step, before: chain[first]!.step });
    const last = chain[chain.length - 1]!.change;
    const start = chain[first]!.change;
    const merged = { ...start, newMode: last.newMode, newId: last.newId };
    if (merged.oldId !== merged.newId || merged.oldMode !== merged.newMode) changes.push(merged);
  }
  return { changes, breaks };
}

export function breakReason(at: { after: number; before: number }): string {
  return `changed by someone else between steps ${at.after} and ${at.before} of this run: put back to how it was before step ${at.before}; the run's earlier changes to it stay`;
}

/** The editor's write left what was there before the step: it is not a change made during it. */
function describesBefore(write: EditorWrite, change: TreeChange): boolean {
  if (write.by === "save") return write.hash === change.oldId;
  if (write.by === "create") return change.oldId !== ABSENT;
  if (write.by === "delete") return change.oldId === ABSENT;
  return false;
}

/** The editor's write is the agent's own edit as VS Code saved (created, deleted, renamed) it. */
function describesAgent(write: EditorWrite, change: TreeChange): boolean {
  if (write.by === "save") return write.hash === change.newId;
  if (write.by === "create") return change.newId !== ABSENT;
  if (write.by === "delete") return change.newId === ABSENT;
  return true;
}

const EDITOR_VERBS: Record<EditorWriteKind, string> = { save: "saved", create: "created", delete: "deleted", rename: "renamed" };

/** `named` is the path itself or a folder above it. */
function covers(named: string, file: string): boolean {
  return named === file || named === "." || file.startsWith(`${named}/`);
}

function parseRecord(message: string | undefined): Record<string, unknown> | undefined {
  const body = message?.slice(message.indexOf("\n\n") + 2).trim();
  if (!body || message?.indexOf("\n\n") === -1) return undefined;
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    return value && typeof value === "object" && value.v === RECORD_VERSION ? value : undefined;
  } catch {
    return undefined;
  }
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
