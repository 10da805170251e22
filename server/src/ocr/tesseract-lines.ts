// tesseract.js's block → paragraph → line → word tree → Pincer's lines (boxes in image pixels).
import type { RecognizedPage } from "./worker-pool";
import type { OcrLine, OcrWord } from "./types";
import { joinWords } from "./cjk-spacing";

export function linesFromTesseract(page: RecognizedPage): OcrLine[] {
  const lines: OcrLine[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const words: OcrWord[] = line.words
          .filter((w) => w.text.trim() !== "")
          .map((w) => ({ text: w.text.trim(), confidence: Math.round(w.confidence * 10) / 10, box: { ...w.bbox } }));
        if (words.length === 0) continue;
        lines.push({ text: joinWords(words), confidence: Math.round(line.confidence * 10) / 10, box: { ...line.bbox }, words });
      }
    }
  }
  return lines;
}
