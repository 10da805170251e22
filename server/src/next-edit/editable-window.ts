// The editable window: the lines around the cursor (the end of the last edit) that a next-edit model
// may rewrite, and the context lines shown around it. The model answers with the window rewritten;
// the suggestion is the changed lines of that answer, as one edit of the document.

export interface WindowShape {
  /** Editable lines above and below the cursor's line. */
  before: number;
  after: number;
  /** Read-only lines shown above and below the editable window. */
  context: number;
}

export interface EditableWindow {
  /** 0-based first editable line, and the line after the last one. */
  startLine: number;
  endLine: number;
  /** Offsets of the editable text in the document (end is at the end of the last line, before its newline). */
  startOffset: number;
  endOffset: number;
  /** The editable lines joined by "\n". */
  text: string;
  /** The cursor's offset inside `text`. */
  cursor: number;
  /** Read-only context: whole lines before and after the window (no trailing/leading newline). */
  contextBefore: string;
  contextAfter: string;
  /** Whether the window's context starts at the document's first line. */
  atStartOfFile: boolean;
}

export interface NextEditSuggestion {
  /** Offsets in the document the edit replaces. */
  start: number;
  end: number;
  text: string;
}

export function editableWindow(text: string, cursor: number, shape: WindowShape): EditableWindow {
  const starts = lineStarts(text);
  const lineOf = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const lineEnd = (line: number) => (line + 1 < starts.length ? starts[line + 1]! - 1 : text.length);
  const cursorLine = lineOf(Math.min(Math.max(0, cursor), text.length));
  const startLine = Math.max(0, cursorLine - shape.before);
  const endLine = Math.min(starts.length, cursorLine + shape.after + 1);
  const startOffset = starts[startLine]!;
  const endOffset = lineEnd(endLine - 1);
  const contextStart = Math.max(0, startLine - shape.context);
  const contextEnd = Math.min(starts.length, endLine + shape.context);
  return {
    startLine,
    endLine,
    startOffset,
    endOffset,
    text: text.slice(startOffset, endOffset),
    cursor: Math.min(Math.max(0, cursor), text.length) - startOffset,
    contextBefore: startLine > contextStart ? text.slice(starts[contextStart]!, startOffset - 1) : "",
    contextAfter: contextEnd > endLine ? text.slice(endOffset + 1, lineEnd(contextEnd - 1)) : "",
    atStartOfFile: contextStart === 0,
  };
}

/**
 * The edit that turns the window into `rewritten`: the changed lines only (unchanged lines at both
 * ends are left out), as one replacement. Undefined when nothing changed.
 */
export function suggestionFrom(window: Pick<EditableWindow, "text" | "startOffset">, rewritten: string): NextEditSuggestion | undefined {
  const oldLines = window.text.split("\n");
  const newLines = rewritten.replace(/\r\n/g, "\n").split("\n");
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  if (head === oldLines.length && head === newLines.length) return undefined;
  let tail = 0;
  while (tail < oldLines.length - head && tail < newLines.length - head && oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]) tail++;
  const oldChanged = oldLines.slice(head, oldLines.length - tail);
  const newChanged = newLines.slice(head, newLines.length - tail);
  const offsetOfLine = (line: number) => oldLines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0);
  const base = window.startOffset;
  if (oldChanged.length === 0) {
    // Lines inserted before line `head` (or after the last line).
    if (head < oldLines.length) return { start: base + offsetOfLine(head), end: base + offsetOfLine(head), text: newChanged.join("\n") + "\n" };
    return { start: base + window.text.length, end: base + window.text.length, text: "\n" + newChanged.join("\n") };
  }
  const start = offsetOfLine(head);
  const end = start + oldChanged.join("\n").length;
  if (newChanged.length === 0) {
    // Lines deleted: take one newline with them.
    if (head + oldChanged.length < oldLines.length) return { start: base + start, end: base + end + 1, text: "" };
    return { start: base + Math.max(0, start - 1), end: base + end, text: "" };
  }
  return { start: base + start, end: base + end, text: newChanged.join("\n") };
}

/** Applies a suggestion to the document text. */
export function applySuggestion(text: string, suggestion: NextEditSuggestion): string {
  return text.slice(0, suggestion.start) + suggestion.text + text.slice(suggestion.end);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  return starts;
}
