// The session's edits as before/after pairs, for next-edit prompts: next-edit models are trained on
// the edits themselves (unified diffs, or original/updated blocks), not on where they happened. The
// completion's RecentEdits keeps line ranges of the current text; this keeps what changed.
// Keystrokes at one place coalesce into one event, as a person would describe the edit.
import { structuredPatch } from "diff";

export interface EditEvent {
  uri: string;
  /** The document's text before the first keystroke of this event, and after the last. */
  before: string;
  after: string;
  at: number;
}

export interface EditHunk {
  /** 0-based first line of the hunk in the old and the new text. */
  oldStart: number;
  newStart: number;
  oldLines: string[];
  newLines: string[];
  /** The hunk's lines in unified-diff form (" ", "-", "+" prefixes), with context. */
  lines: string[];
}

/** Events kept, oldest dropped first. */
const MAX_EVENTS = 8;
/** An edit within this many lines of the last event's change, in the same document, joins it. */
const JOIN_LINES = 2;
/** ...and within this many milliseconds of it: a pause starts a new event. */
const JOIN_MS = 10_000;
/** Documents above this size are not snapshotted (the diff of a 10 MB file per keystroke is too slow). */
const MAX_DOCUMENT_CHARS = 512 * 1024;

export class EditHistory {
  private readonly texts = new Map<string, string>();
  private events: (EditEvent & { lastLine: number })[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A document was opened, or its text is known for the first time: the baseline for its edits. */
  open(uri: string, text: string): void {
    if (text.length <= MAX_DOCUMENT_CHARS) this.texts.set(uri, text);
  }

  forget(uri: string): void {
    this.texts.delete(uri);
    this.events = this.events.filter((event) => event.uri !== uri);
  }

  /** The document's text is now `text`; records the change from the last known text. */
  change(uri: string, text: string): void {
    const before = this.texts.get(uri);
    if (text.length > MAX_DOCUMENT_CHARS) {
      this.forget(uri);
      return;
    }
    this.texts.set(uri, text);
    if (before === undefined || before === text) return;
    const line = changedLine(before, text);
    const at = this.now();
    const last = this.events.at(-1);
    if (last && last.uri === uri && at - last.at <= JOIN_MS && Math.abs(line - last.lastLine) <= JOIN_LINES) {
      last.after = text;
      last.at = at;
      last.lastLine = line;
      // Typing that returns to the text before the event leaves nothing to show.
      if (last.before === last.after) this.events.pop();
      return;
    }
    this.events.push({ uri, before, after: text, at, lastLine: line });
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** The last `limit` events, oldest first (the order models read them in). */
  recent(limit = MAX_EVENTS): EditEvent[] {
    return this.events.slice(-limit).map(({ uri, before, after, at }) => ({ uri, before, after, at }));
  }

  /** The last event's document, or undefined before any edit. */
  lastEdited(): EditEvent | undefined {
    const last = this.events.at(-1);
    return last && { uri: last.uri, before: last.before, after: last.after, at: last.at };
  }
}

/** The hunks of one event, with `context` unchanged lines around each change. */
export function eventHunks(event: Pick<EditEvent, "before" | "after">, context = 3): EditHunk[] {
  const patch = structuredPatch("a", "b", event.before, event.after, undefined, undefined, { context });
  return patch.hunks.map((hunk) => {
    const lines = hunk.lines.filter((line) => !line.startsWith("\\"));
    return {
      oldStart: Math.max(0, hunk.oldStart - 1),
      newStart: Math.max(0, hunk.newStart - 1),
      oldLines: lines.filter((l) => l[0] !== "+").map((l) => l.slice(1)),
      newLines: lines.filter((l) => l[0] !== "-").map((l) => l.slice(1)),
      lines,
    };
  });
}

/** An event as a unified diff body (`@@` headers and lines), without file headers. */
export function unifiedDiff(event: Pick<EditEvent, "before" | "after">, context = 3): string {
  return eventHunks(event, context)
    .map((hunk) => {
      const header = `@@ -${hunk.oldStart + 1},${hunk.oldLines.length} +${hunk.newStart + 1},${hunk.newLines.length} @@`;
      return [header, ...hunk.lines].join("\n");
    })
    .join("\n");
}

/** 0-based line of the first difference between two texts (in the new text). */
export function changedLine(before: string, after: string): number {
  let at = 0;
  const limit = Math.min(before.length, after.length);
  while (at < limit && before.charCodeAt(at) === after.charCodeAt(at)) at++;
  let line = 0;
  for (let i = after.indexOf("\n"); i !== -1 && i < at; i = after.indexOf("\n", i + 1)) line++;
  return line;
}
