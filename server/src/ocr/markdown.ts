// Rows in reading order → Markdown: paragraphs split at wide vertical gaps, tables as Markdown
// tables, and lines OCR was unsure of flagged with an HTML comment (invisible when rendered).
import { segmentBlocks } from "./table-rebuild";
import type { OcrLine } from "./types";

/** Lines below this confidence (0..100) get a visible-in-source note. */
export const LOW_CONFIDENCE = 60;

export function pageMarkdown(lines: readonly OcrLine[]): string {
  const parts: string[] = [];
  for (const block of segmentBlocks(lines)) {
    if (block.kind === "table") parts.push(markdownTable(block.rows));
    else parts.push(...paragraphs(block.lines));
  }
  return parts.join("\n\n");
}

export function markdownTable(rows: readonly string[][]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const cell = (text: string | undefined) => (text ?? "").replace(/\\/g, "\\\\").replace(/\|/g, "\\|").trim();
  const render = (row: readonly string[]) => `| ${Array.from({ length: width }, (_, i) => cell(row[i])).join(" | ")} |`;
  const [header, ...body] = rows;
  return [render(header!), `| ${Array.from({ length: width }, () => "---").join(" | ")} |`, ...body.map(render)].join("\n");
}

function paragraphs(lines: readonly OcrLine[]): string[] {
  const out: string[][] = [];
  let previous: OcrLine | undefined;
  for (const line of lines) {
    const height = line.box.y1 - line.box.y0;
    const gap = previous ? line.box.y0 - previous.box.y1 : 0;
    if (!previous || gap > height * 0.9 || gap < -height) out.push([]);
    out.at(-1)!.push(lineText(line));
    previous = line;
  }
  // Markdown joins lines of a paragraph; a trailing double space keeps the scan's line breaks.
  return out.map((lines) => lines.join("  \n"));
}

function lineText(line: OcrLine): string {
  const text = escapeMarkdown(line.text);
  return line.confidence < LOW_CONFIDENCE ? `${text} <!-- OCR confidence ${Math.round(line.confidence)}% -->` : text;
}

/** Characters that would turn OCR text into Markdown structure at the start of a line or inline. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_<>[\]])/g, "\\$1").replace(/^(#|>|-|\+|\d+\.)(\s)/, "\\$1$2");
}
