// Where a search/replace block applies. Exact text first; then line by line ignoring trailing
// whitespace; then ignoring indentation too (the replacement is re-indented to the file's). A block
// must match exactly one place. When it matches none, the closest windows of the file are listed
// so the model can copy the real text; when it matches several, their lines are listed.

import { hasInvisibleEscape, restoreInvisible } from "../../platform/invisible-unicode";

export type BlockMatch =
  | { ok: true; content: string; startLine: number; oldLineCount: number; newLineCount: number; how: "exact" | "trailing-whitespace" | "indentation" }
  | { ok: false; error: string };

interface LineMatch {
  start: number;
  how: "trailing-whitespace" | "indentation";
}

/**
 * Applies one block to `content` (LF line endings); the caller converts CRLF files both ways. The model
 * saw invisible characters as `<U+XXXX>` escapes (platform/invisible-unicode.ts); when a search text
 * with such escapes matches nowhere as written, it is tried again with the characters put back.
 */
export function applyBlock(content: string, search: string, replace: string): BlockMatch {
  const written = applyBlockAsWritten(content, search, replace);
  if (written.ok || !hasInvisibleEscape(search)) return written;
  const restored = applyBlockAsWritten(content, restoreInvisible(search), restoreInvisible(replace));
  return restored.ok ? restored : written;
}

function applyBlockAsWritten(content: string, search: string, replace: string): BlockMatch {
  if (search.trim() === "") return { ok: false, error: "the search text is empty; to add a file use create_file, to add to one include the lines around the insertion point" };
  const exact = occurrences(content, search);
  if (exact.length === 1) {
    const index = exact[0]!;
    const startLine = lineOf(content, index);
    return { ok: true, content: content.slice(0, index) + replace + content.slice(index + search.length), startLine, oldLineCount: search.split("\n").length, newLineCount: replace.split("\n").length, how: "exact" };
  }
  if (exact.length > 1) return { ok: false, error: `the search text matches ${exact.length} places (lines ${exact.map((i) => lineOf(content, i)).join(", ")}); add surrounding lines so it matches one` };

  const fileLines = content.split("\n");
  const searchLines = trimBlankEdges(search.split("\n"));
  for (const how of ["trailing-whitespace", "indentation"] as const) {
    const normalize = how === "trailing-whitespace" ? (s: string) => s.trimEnd() : (s: string) => s.trim();
    const wanted = searchLines.map(normalize);
    const found: LineMatch[] = [];
    for (let i = 0; i + wanted.length <= fileLines.length; i++) {
      if (wanted.every((line, k) => normalize(fileLines[i + k]!) === line)) found.push({ start: i, how });
    }
    if (found.length > 1) return { ok: false, error: `the search text matches ${found.length} places when whitespace is ignored (lines ${found.map((m) => m.start + 1).join(", ")}); add surrounding lines so it matches one` };
    if (found.length === 1) {
      const start = found[0]!.start;
      let replacement = trimBlankEdges(replace.split("\n"));
      if (replace.trim() === "") replacement = [];
      if (how === "indentation") replacement = reindent(replacement, indentOf(searchLines), indentOf(fileLines.slice(start, start + searchLines.length)));
      const next = [...fileLines.slice(0, start), ...replacement, ...fileLines.slice(start + searchLines.length)];
      return { ok: true, content: next.join("\n"), startLine: start + 1, oldLineCount: searchLines.length, newLineCount: replacement.length, how };
    }
  }
  return { ok: false, error: noMatchMessage(fileLines, searchLines) };
}

function occurrences(content: string, search: string): number[] {
  const found: number[] = [];
  for (let i = content.indexOf(search); i >= 0 && found.length < 20; i = content.indexOf(search, i + 1)) found.push(i);
  return found;
}

function lineOf(content: string, index: number): number {
  let line = 1;
  for (let i = content.indexOf("\n"); i >= 0 && i < index; i = content.indexOf("\n", i + 1)) line++;
  return line;
}

function trimBlankEdges(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start++;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  return lines.slice(start, end);
}

/** Indentation of the first non-blank line. */
function indentOf(lines: string[]): string {
  const line = lines.find((l) => l.trim() !== "");
  return line === undefined ? "" : /^[ \t]*/.exec(line)![0];
}

function reindent(lines: string[], from: string, to: string): string[] {
  if (from === to) return lines;
  return lines.map((line) => {
    if (line.trim() === "") return line;
    if (line.startsWith(from)) return to + line.slice(from.length);
    return to + line.trimStart();
  });
}

/** Similarity of two lines in [0, 1]: Dice coefficient over character bigrams of the trimmed text. */
export function lineSimilarity(a: string, b: string): number {
  const x = a.trim().slice(0, 300);
  const y = b.trim().slice(0, 300);
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const grams = new Map<string, number>();
  for (let i = 0; i < x.length - 1; i++) {
    const gram = x.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < y.length - 1; i++) {
    const gram = y.slice(i, i + 2);
    const count = grams.get(gram) ?? 0;
    if (count > 0) {
      shared++;
      grams.set(gram, count - 1);
    }
  }
  return (2 * shared) / (x.length - 1 + y.length - 1);
}

/** The windows of the file most like the search block (at most `count`, not overlapping). */
export function closestCandidates(fileLines: string[], searchLines: string[], count = 3): { startLine: number; score: number; text: string }[] {
  const size = Math.max(1, searchLines.length);
  const scored: { start: number; score: number }[] = [];
  const limit = Math.min(fileLines.length, 20_000);
  for (let i = 0; i + Math.min(size, fileLines.length) <= limit; i++) {
    let total = 0;
    for (let k = 0; k < size; k++) total += lineSimilarity(searchLines[k] ?? "", fileLines[i + k] ?? "");
    scored.push({ start: i, score: total / size });
  }
  scored.sort((a, b) => b.score - a.score);
  const chosen: { start: number; score: number }[] = [];
  for (const candidate of scored) {
    if (chosen.length >= count || candidate.score < 0.3) break;
    if (chosen.some((c) => Math.abs(c.start - candidate.start) < size)) continue;
    chosen.push(candidate);
  }
  return chosen.map((c) => ({ startLine: c.start + 1, score: c.score, text: fileLines.slice(c.start, c.start + Math.min(size, 15)).join("\n") }));
}

function noMatchMessage(fileLines: string[], searchLines: string[]): string {
  const candidates = closestCandidates(fileLines, searchLines);
  if (candidates.length === 0) return "the search text does not match the file, and nothing in it looks similar; read_file first and copy the lines exactly";
  const listed = candidates.map((c) => `lines ${c.startLine}-${c.startLine + searchLines.length - 1} (${Math.round(c.score * 100)}% similar):\n${c.text}`);
  return `the search text does not match the file. Closest places:\n${listed.join("\n---\n")}\nCopy the exact current text into search.`;
}

/** A unified-diff hunk for the changed lines (3 lines of context), for the UI and the transcript. */
export function diffHunk(displayPath: string, before: string, after: string): string {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - 3);
  const toA = Math.min(a.length, endA + 3);
  const toB = Math.min(b.length, endB + 3);
  const lines = [
    `--- a/${displayPath}`,
    `+++ b/${displayPath}`,
    `@@ -${from + 1},${toA - from} +${from + 1},${toB - from} @@`,
    ...a.slice(from, start).map((l) => ` ${l}`),
    ...a.slice(start, endA).map((l) => `-${l}`),
    ...b.slice(start, endB).map((l) => `+${l}`),
    ...a.slice(endA, toA).map((l) => ` ${l}`),
  ];
  return lines.join("\n");
}
