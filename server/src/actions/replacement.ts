// Turns an action's generated code into a replacement of the range it was asked about. Offsets are
// UTF-16 offsets into the document text as the server saw it.
import type { EditActionKind } from "./action-prompts";
import { extractCode } from "./extract-code";

export interface Replacement {
  start: number;
  end: number;
  newText: string;
}

/** The lines the range touches, whole: a diagnostic or partial selection is fixed line by line. */
export function wholeLines(text: string, start: number, end: number): { start: number; end: number } {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  // A selection that ends at column 0 does not include that line.
  const effectiveEnd = end > start && text[end - 1] === "\n" ? end - 1 : end;
  const newline = text.indexOf("\n", effectiveEnd);
  return { start: lineStart, end: newline === -1 ? text.length : newline };
}

export function replacementFor(kind: EditActionKind, text: string, range: { start: number; end: number }, answer: string): Replacement {
  const code = extractCode(answer);
  const original = text.slice(range.start, range.end);
  if (kind === "tests") {
    // Tests go after the code they test; the code itself stays as it was.
    return { start: range.end, end: range.end, newText: `\n\n${code}${original.endsWith("\n") ? "\n" : ""}` };
  }
  // Keep the selection's trailing newline so the next line does not join the replacement.
  const keepNewline = original.endsWith("\n") && !code.endsWith("\n");
  return { start: range.start, end: range.end, newText: keepNewline ? `${code}\n` : code };
}

export function applyReplacement(text: string, replacement: Replacement): string {
  return text.slice(0, replacement.start) + replacement.newText + text.slice(replacement.end);
}
