// Tables from word boxes: a row splits into cells where the gap between words is much wider
// than a space; consecutive rows with two or more cells whose x-ranges fall into the same
// columns (the union of all cells' x-ranges, merged where they overlap) form a table. Left,
// right and centred columns all work, because only the cells' horizontal extents matter.
import type { OcrLine } from "./types";
import { joinWords } from "./cjk-spacing";

export interface Cell {
  text: string;
  x0: number;
  x1: number;
}

export type Block = { kind: "text"; lines: OcrLine[] } | { kind: "table"; rows: string[][]; lines: OcrLine[] };

/** Gap (in multiples of the row's median word height) that separates two cells. */
const CELL_GAP = 1.2;
/** Cells of prose are long; a "table" whose cells average more words is two text columns. */
const MAX_MEAN_WORDS_PER_CELL = 5;

export function splitCells(line: OcrLine): Cell[] {
  const words = line.words;
  if (words.length === 0) return [];
  const heights = words.map((w) => w.box.y1 - w.box.y0).sort((a, b) => a - b);
  const gap = Math.max(4, heights[Math.floor(heights.length / 2)]! * CELL_GAP);
  const cells: Cell[] = [];
  let current = { words: [words[0]!], x0: words[0]!.box.x0, x1: words[0]!.box.x1 };
  for (const word of words.slice(1)) {
    if (word.box.x0 - current.x1 > gap) {
      cells.push({ text: joinWords(current.words), x0: current.x0, x1: current.x1 });
      current = { words: [word], x0: word.box.x0, x1: word.box.x1 };
    } else {
      current.words.push(word);
      current.x1 = Math.max(current.x1, word.box.x1);
    }
  }
  cells.push({ text: joinWords(current.words), x0: current.x0, x1: current.x1 });
  return cells;
}

/** Column spans: the x-ranges of all cells, merged where they overlap. */
export function columnSpans(rows: readonly Cell[][]): { x0: number; x1: number }[] {
  const spans = rows
    .flat()
    .map((c) => ({ x0: c.x0, x1: c.x1 }))
    .sort((a, b) => a.x0 - b.x0);
  const merged: { x0: number; x1: number }[] = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span.x0 <= last.x1) last.x1 = Math.max(last.x1, span.x1);
    else merged.push({ ...span });
  }
  return merged;
}

/** Places each row's cells into the columns; cells sharing a column are joined. */
export function tableFromRows(rows: readonly Cell[][]): string[][] | undefined {
  const columns = columnSpans(rows);
  if (columns.length < 2) return undefined;
  const table = rows.map((cells) => {
    const out = columns.map(() => [] as string[]);
    for (const cell of cells) {
      const index = columns.findIndex((c) => cell.x0 < c.x1 && cell.x1 > c.x0);
      out[Math.max(0, index)]!.push(cell.text);
    }
    return out.map((parts) => parts.join(" "));
  });
  // Every column must be filled in at least two rows, or it is stray text, not a column.
  const filled = columns.map((_, i) => table.filter((row) => row[i] !== "").length);
  if (filled.some((n) => n < Math.min(2, rows.length))) return undefined;
  return table;
}

/** Groups rows (already in reading order) into text runs and tables. */
export function segmentBlocks(lines: readonly OcrLine[]): Block[] {
  const blocks: Block[] = [];
  const cellsOf = lines.map(splitCells);
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j < lines.length && cellsOf[j]!.length >= 2) j++;
    if (j - i >= 2) {
      const run = cellsOf.slice(i, j);
      const cellCount = run.reduce((n, cells) => n + cells.length, 0);
      const wordCount = lines.slice(i, j).reduce((n, line) => n + line.words.length, 0);
      const rows = wordCount / cellCount <= MAX_MEAN_WORDS_PER_CELL ? tableFromRows(run) : undefined;
      if (rows) {
        blocks.push({ kind: "table", rows, lines: lines.slice(i, j) });
        i = j;
        continue;
      }
    }
    const end = Math.max(j, i + 1);
    const last = blocks.at(-1);
    if (last?.kind === "text") last.lines.push(...lines.slice(i, end));
    else blocks.push({ kind: "text", lines: lines.slice(i, end) });
    i = end;
  }
  return blocks;
}
