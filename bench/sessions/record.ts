// bench/sessions/record: makes a typing session for bench/completion.ts from real source files.
// In each file it picks places, removes a span there (the rest of a line, sometimes a few lines)
// and re-types it character by character with human-like delays from a seeded PRNG: mostly
// 60-250 ms between keys, longer after spaces and punctuation, an occasional 600-1500 ms pause, a
// rare typo fixed with Backspace, and a reading pause after each cursor jump. A newline and the
// indentation after it arrive as one key, as an editor's auto-indent does.
//
// The recording names files by path relative to the repository root, with their sha256 and line
// count so a replay can tell when a file changed, and stores only the events and the removed text.
//
// Usage: node --import tsx bench/sessions/record.ts [--files F...] [--spans-per-file N]
//   [--max-span-chars N] [--seed N] [--out bench/sessions/typing.json]
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { mulberry32 } from "../../test/support/synthetic-model";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const DEFAULT_SESSION = path.join(REPO_ROOT, "bench", "sessions", "typing.json");

/**
 * Real, hand-written source files of 500-3000 lines, copied into bench/sessions/files (MIT, Microsoft's
 * vscode-languageserver-node: vscode-languageserver 11.0.0, vscode-jsonrpc 10.0.0, vscode-languageclient
 * 11.0.0). Copies, not node_modules: a dependency update changed two of those files and left the
 * recorded session pointing at text that was no longer there.
 */
export const DEFAULT_FILES = [
  "bench/sessions/files/vscode-languageserver-server.js",
  "bench/sessions/files/vscode-jsonrpc-connection.js",
  "bench/sessions/files/vscode-languageclient-client.js",
];

/** One key: `type` inserts text at the cursor (one character, or a newline with its indentation); `backspace` deletes one character before it. */
export type KeyEvent = { dt: number; type: string } | { dt: number; backspace: 1 };

export interface Span {
  /** Index into `files`. */
  file: number;
  /** Where the cursor jumps to, in the original file (0-based line, UTF-16 character, as in LSP). */
  line: number;
  character: number;
  /** The text removed at the jump and then typed again. */
  text: string;
  /** Milliseconds from the first suggestion at the jump to the first key (the user reads it and the code there). */
  readMs: number;
  keys: KeyEvent[];
}

export interface TypingSession {
  version: 1;
  description: string;
  seed: number;
  files: { path: string; sha256: string; lines: number }[];
  spans: Span[];
}

export interface RecordOptions {
  files: string[];
  spansPerFile: number;
  maxSpanChars: number;
  seed: number;
}

/** A seeded generator of floats in [0, 1), on the synthetic model's PRNG. */
export function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function recordSession(options: RecordOptions): TypingSession {
  const random = prng(options.seed);
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  const files: TypingSession["files"] = [];
  const spans: Span[] = [];

  options.files.forEach((file, fileIndex) => {
    const text = readFileSync(path.resolve(REPO_ROOT, file), "utf8");
    const lines = text.split("\n");
    if (lineCount(text) < 500) throw new Error(`${file} has ${lines.length} lines; the bench wants real files of at least 500.`);
    files.push({ path: file.split(path.sep).join("/"), sha256: sha256(text), lines: lineCount(text) });

    // Places spread over the file, away from its first 10% (most prefixes are long, as in real edits).
    const used = new Set<number>();
    for (let n = 0; n < options.spansPerFile; n++) {
      // Some spans are a short line and the one or two after it, typed with auto-indent.
      const multiLine = random() < 0.4;
      let line = -1;
      for (let attempt = 0; attempt < 500 && line < 0; attempt++) {
        const lo = Math.floor(lines.length * (0.1 + (0.85 * n) / options.spansPerFile));
        const hi = Math.floor(lines.length * (0.1 + (0.85 * (n + 1)) / options.spansPerFile));
        const candidate = between(lo, hi - 1);
        const content = lines[candidate] ?? "";
        const trimmed = content.trim();
        // A line of code worth typing: not blank, not a comment, not only brackets.
        if (trimmed.length < 16 || trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) continue;
        if (used.has(candidate)) continue;
        const nextTrimmed = (lines[candidate + 1] ?? "").trim();
        if (multiLine && (nextTrimmed === "" || trimmed.length + nextTrimmed.length + 1 > options.maxSpanChars)) continue;
        line = candidate;
      }
      if (line < 0) throw new Error(`no line to type found in ${file}`);
      used.add(line);
      const content = lines[line]!;
      const indent = content.length - content.trimStart().length;
      // Start at a word boundary in the first half of the code on the line, or at its indentation.
      const boundaries = [indent];
      for (let i = indent + 1; i < indent + Math.floor((content.length - indent) / 2); i++) {
        if (/[\s.(=,]/.test(content[i - 1]!) && /\S/.test(content[i]!)) boundaries.push(i);
      }
      const character = multiLine ? indent : boundaries[Math.floor(random() * boundaries.length)]!;
      let removed = content.slice(character);
      // Sometimes the span goes on for one or two more lines (typed with auto-indent).
      if (multiLine) {
        const extra = between(1, 2);
        for (let k = 1; k <= extra && line + k < lines.length; k++) {
          const next = lines[line + k]!;
          // The indentation arrives with the newline key, so only the code counts toward the size.
          if (next.trim() === "" || typedLength(removed) + next.trim().length + 1 > options.maxSpanChars) break;
          removed += "\n" + next;
        }
      }
      if (typedLength(removed) > options.maxSpanChars) removed = removed.slice(0, options.maxSpanChars);
      removed = removed.replace(/\s+$/, "");
      if (removed.length < 4) {
        n--;
        continue;
      }
      spans.push({ file: fileIndex, line, character, text: removed, readMs: between(1500, 4000), keys: typeKeys(removed, random, between) });
    }
  });
  return {
    version: 1,
    description:
      "Typing session for bench/completion.ts: at each span the cursor jumps to (line, character) of the original file, the span's text is removed, " +
      "and readMs after the first suggestion there the keys re-type it (dt = ms since the previous key; a newline key carries the indentation an editor inserts).",
    seed: options.seed,
    files,
    spans,
  };
}

export function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** Characters the user types for `text` (indentation after a newline comes with the newline key). */
function typedLength(text: string): number {
  return text.replace(/\n[ \t]+/g, "\n").length;
}

function typeKeys(text: string, random: () => number, between: (lo: number, hi: number) => number): KeyEvent[] {
  const keys: KeyEvent[] = [];
  const typingDelay = (previous: string) => {
    if (random() < 0.06) return between(600, 1500); // a pause to think
    // Skewed toward the fast end: most keys come 60-150 ms apart, some up to 250 ms.
    let dt = 60 + Math.round(190 * random() ** 1.8);
    if (/[\s.,;()]/.test(previous)) dt += between(20, 80);
    return dt;
  };
  let previous = "";
  for (let i = 0; i < text.length; i++) {
    let piece = text[i]!;
    if (piece === "\n") {
      let j = i + 1;
      while (j < text.length && (text[j] === " " || text[j] === "\t")) j++;
      piece = text.slice(i, j);
      i = j - 1;
    }
    // A typo now and then: a wrong letter, noticed and deleted.
    if (/[a-z]/i.test(piece) && random() < 0.03) {
      keys.push({ dt: typingDelay(previous), type: String.fromCharCode(97 + Math.floor(random() * 26)) });
      keys.push({ dt: between(150, 400), backspace: 1 });
    }
    keys.push({ dt: keys.length === 0 ? 0 : typingDelay(previous), type: piece });
    previous = piece;
  }
  return keys;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      files: { type: "string", multiple: true },
      "spans-per-file": { type: "string", default: "2" },
      "max-span-chars": { type: "string", default: "50" },
      seed: { type: "string", default: "20240611" },
      out: { type: "string", default: path.relative(process.cwd(), DEFAULT_SESSION) },
    },
  });
  const session = recordSession({
    files: values.files ?? DEFAULT_FILES,
    spansPerFile: Number(values["spans-per-file"]),
    maxSpanChars: Number(values["max-span-chars"]),
    seed: Number(values.seed),
  });
  const json = JSON.stringify(session, null, 1).replace(/\{\n\s+"dt": (\d+),\n\s+("type"|"backspace"): ("(?:[^"\\]|\\.)*"|1)\n\s+\}/g, '{ "dt": $1, $2: $3 }') + "\n";
  writeFileSync(path.resolve(values.out), json);
  const keys = session.spans.reduce((n, s) => n + s.keys.length, 0);
  const typingMs = session.spans.reduce((n, s) => n + s.readMs + s.keys.reduce((m, k) => m + k.dt, 0), 0);
  console.log(`${values.out}: ${session.files.length} files, ${session.spans.length} spans, ${keys} keys, ${(typingMs / 1000).toFixed(0)} s of typing, ${json.length} bytes`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
