// Held-out lines for bench/completion-real: real JavaScript from pinned dependencies in node_modules,
// sampled with a seed. A position is a line of a file; its document is the file with that line
// emptied, the cursor at the start of the empty line, and the answer is the line itself. The prompt
// window is the file from its start, so every position's prefix fits (and the two systems compared
// see the same text); positions of one file come in line order, so each prompt extends the last.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** Package folders (exact versions pinned in package-lock.json) whose .js files are sampled. */
export const SOURCE_PACKAGES = ["yaml/dist", "node-llama-cpp/dist", "tesseract.js/src"];

export interface Position {
  file: string;
  /** 0-based line that is held out. */
  line: number;
  expected: string;
  /** The file with the line emptied. */
  document: string;
  /** Offset of the cursor in `document` (start of the emptied line). */
  offset: number;
}

export interface SampleOptions {
  nodeModules: string;
  positions: number;
  seed: number;
  /** Most prompt tokens a position's prefix may take. */
  windowTokens: number;
  /** Most positions taken from one file. */
  perFile: number;
  countTokens(text: string): number;
}

/** mulberry32: a small seeded generator, so a seed names the same sample on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Source files worth completing in: plain .js, 1–40 KB, no minified lines. Sorted, so the seed alone decides. */
export function sourceFiles(nodeModules: string, packages: readonly string[] = SOURCE_PACKAGES): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(".js") && !entry.name.endsWith(".min.js")) {
        const size = statSync(full).size;
        if (size < 1024 || size > 40 * 1024) continue;
        const text = readFileSync(full, "utf8");
        if (text.split("\n").every((line) => line.length <= 200)) files.push(full);
      }
    }
  };
  for (const pkg of packages) walk(path.join(nodeModules, pkg));
  return files.sort();
}

/** A line worth predicting: real code with a word in it, not a bare bracket or a blank. */
export function isCandidateLine(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length >= 4 && trimmed.length <= 120 && /[A-Za-z_$][\w$]{2,}/.test(trimmed);
}

export function holdOut(lines: readonly string[], line: number): { document: string; offset: number } {
  const before = lines.slice(0, line).join("\n");
  const offset = line === 0 ? 0 : before.length + 1;
  return { document: [...lines.slice(0, line), "", ...lines.slice(line + 1)].join("\n"), offset };
}

export function samplePositions(options: SampleOptions): Position[] {
  const random = seededRandom(options.seed);
  const files = shuffle(sourceFiles(options.nodeModules), random);
  const positions: Position[] = [];
  for (const file of files) {
    if (positions.length >= options.positions) break;
    const lines = readFileSync(file, "utf8").split("\n");
    // Lines whose prefix fits the window: the prefix only grows with the line number.
    let fitting = 0;
    while (fitting < lines.length && options.countTokens(lines.slice(0, fitting + 1).join("\n")) <= options.windowTokens) fitting++;
    const candidates = [];
    for (let line = 3; line < fitting; line++) if (isCandidateLine(lines[line]!)) candidates.push(line);
    const take = shuffle(candidates, random)
      .slice(0, Math.min(options.perFile, options.positions - positions.length))
      .sort((a, b) => a - b);
    for (const line of take) positions.push({ file, line, expected: lines[line]!, ...holdOut(lines, line) });
  }
  return positions;
}

/** The first line of a suggestion, compared as an editor would show it (trailing blanks dropped). */
export function firstLine(text: string): string {
  return (text.split("\n", 1)[0] ?? "").replace(/\s+$/, "");
}
