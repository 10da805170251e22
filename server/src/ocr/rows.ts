// Words → visual rows. Tesseract may put the cells of one table row into different blocks (one
// per column); rows are rebuilt from the boxes so a row reads left to right, whatever block its
// words came from. Lines are kept in the order of their first appearance (tesseract's reading order).
import type { Box, OcrLine, OcrWord } from "./types";
import { joinWords } from "./cjk-spacing";

export function unionBox(boxes: readonly Box[]): Box {
  return {
    x0: Math.min(...boxes.map((b) => b.x0)),
    y0: Math.min(...boxes.map((b) => b.y0)),
    x1: Math.max(...boxes.map((b) => b.x1)),
    y1: Math.max(...boxes.map((b) => b.y1)),
  };
}

export function lineFromWords(words: OcrWord[]): OcrLine {
  const sorted = [...words].sort((a, b) => a.box.x0 - b.box.x0);
  const confidence = sorted.reduce((sum, w) => sum + w.confidence, 0) / Math.max(1, sorted.length);
  return { text: joinWords(sorted), confidence: Math.round(confidence * 10) / 10, box: unionBox(sorted.map((w) => w.box)), words: sorted };
}

function verticalOverlap(a: Box, b: Box): number {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return overlap / Math.max(1, Math.min(a.y1 - a.y0, b.y1 - b.y0));
}

function horizontalOverlap(a: Box, b: Box): boolean {
  return Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0;
}

/** Merges lines that sit on the same visual row and do not overlap horizontally. */
export function mergeRows(lines: readonly OcrLine[]): OcrLine[] {
  const rows: OcrWord[][] = [];
  const rowBoxes: Box[] = [];
  for (const line of lines) {
    if (line.words.length === 0) continue;
    const index = rowBoxes.findIndex((box, i) => verticalOverlap(box, line.box) >= 0.6 && !rows[i]!.some((w) => horizontalOverlap(w.box, line.box)));
    if (index >= 0) {
      rows[index]!.push(...line.words);
      rowBoxes[index] = unionBox([rowBoxes[index]!, line.box]);
    } else {
      rows.push([...line.words]);
      rowBoxes.push(line.box);
    }
  }
  return rows.map(lineFromWords);
}
