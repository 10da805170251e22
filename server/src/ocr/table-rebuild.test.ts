import assert from "node:assert/strict";
import { markdownTable, pageMarkdown } from "./markdown";
import { lineFromWords, mergeRows } from "./rows";
import { segmentBlocks } from "./table-rebuild";
import type { OcrLine, OcrWord } from "./types";

const H = 20;
/** A row of words at y; each word [text, x] is 12 px per character wide. */
function row(y: number, words: [string, number][]): OcrLine {
  return lineFromWords(words.map(([text, x]): OcrWord => ({ text, confidence: 95, box: { x0: x, y0: y, x1: x + text.length * 12, y1: y + H } })));
}

describe("ocr table rebuild", () => {
  it("rebuilds a left-aligned 3-column table", () => {
    const lines = [
      row(0, [["Name", 0], ["City", 300], ["Role", 600]]),
      row(40, [["Ada", 0], ["London", 300], ["Engineer", 600]]),
      row(80, [["Grace", 0], ["New", 300], ["York", 348], ["Admiral", 600]]),
    ];
    const blocks = segmentBlocks(lines);
    assert.equal(blocks.length, 1);
    assert.equal(blocks[0]!.kind, "table");
    assert.deepEqual(blocks[0]!.kind === "table" && blocks[0]!.rows, [
      ["Name", "City", "Role"],
      ["Ada", "London", "Engineer"],
      ["Grace", "New York", "Admiral"],
    ]);
  });

  it("keeps right-aligned numbers in their column and leaves an empty cell empty", () => {
    const lines = [
      row(0, [["Item", 0], ["Qty", 264], ["Price", 440]]),
      row(40, [["Apples", 0], ["12", 276], ["3.50", 452]]),
      row(80, [["Pears", 0], ["1200", 252]]),
      row(120, [["Plums", 0], ["7", 288], ["12.25", 440]]),
    ];
    const blocks = segmentBlocks(lines);
    assert.equal(blocks[0]!.kind, "table");
    assert.deepEqual(blocks[0]!.kind === "table" && blocks[0]!.rows, [
      ["Item", "Qty", "Price"],
      ["Apples", "12", "3.50"],
      ["Pears", "1200", ""],
      ["Plums", "7", "12.25"],
    ]);
  });

  it("rebuilds an 8-column table between paragraphs", () => {
    const header = Array.from({ length: 8 }, (_, c): [string, number] => [`C${c}`, c * 120]);
    const body = Array.from({ length: 8 }, (_, c): [string, number] => [`${c * 7}`, c * 120]);
    const lines = [row(0, [["Intro", 0], ["text", 72]]), row(60, header), row(100, body), row(160, [["After", 0], ["the", 72], ["table", 120]])];
    const kinds = segmentBlocks(lines).map((b) => b.kind);
    assert.deepEqual(kinds, ["text", "table", "text"]);
    const markdown = pageMarkdown(lines);
    assert.match(markdown, /\| C0 \| C1 \| C2 \| C3 \| C4 \| C5 \| C6 \| C7 \|\n\| --- \|/);
    assert.match(markdown, /\| 0 \| 7 \| 14 \| 21 \| 28 \| 35 \| 42 \| 49 \|/);
  });

  it("does not turn two columns of prose into a table", () => {
    const prose = (y: number) => row(y, [["the", 0], ["cat", 48], ["sat", 96], ["on", 144], ["a", 180], ["warm", 204], ["mat", 264], ["and", 500], ["then", 548], ["went", 608], ["out", 668], ["to", 716], ["play", 752], ["again", 812]]);
    assert.ok(segmentBlocks([prose(0), prose(40), prose(80)]).every((b) => b.kind === "text"));
  });

  it("does not make a table from a single row with a wide gap", () => {
    assert.deepEqual(segmentBlocks([row(0, [["Total", 0], ["42", 500]]), row(60, [["Thanks", 0]])]).map((b) => b.kind), ["text"]);
  });

  it("merges cells that tesseract returned as separate blocks into one row, left to right", () => {
    const columnA = [row(0, [["Name", 0]]), row(40, [["Ada", 0]])];
    const columnB = [row(2, [["Score", 400]]), row(41, [["97", 400]])];
    const rows = mergeRows([...columnA, ...columnB]);
    assert.deepEqual(rows.map((r) => r.text), ["Name Score", "Ada 97"]);
  });

  it("escapes pipes in cells and Markdown syntax in text, and flags low-confidence lines", () => {
    assert.equal(markdownTable([["a|b", "c"], ["1", "2"]]), "| a\\|b | c |\n| --- | --- |\n| 1 | 2 |");
    const low = { ...row(0, [["#", 0], ["not", 24], ["a", 72], ["heading", 96]]), confidence: 40 };
    assert.equal(pageMarkdown([low]), "\\# not a heading <!-- OCR confidence 40% -->");
  });
});
