// OCR bench: generates the corpus (bench/ocr/corpus.ts), OCRs it with Pincer's OCR service and
// prints character and word error rates, table-cell accuracy and pages per second per group.
// Usage: node --import tsx bench/ocr.ts [--workers N]
import { parseArgs } from "node:util";
import { OcrService } from "../server/src/ocr/ocr-service";
import { mergeRows } from "../server/src/ocr/rows";
import { segmentBlocks } from "../server/src/ocr/table-rebuild";
import { chineseSamples, cjkFont, englishSamples, mixedSamples, tableSamples, type Sample } from "./ocr/corpus";
import { addCellErrors, addCharErrors, addWordErrors, rate, type Tally } from "./ocr/metrics";

/** Work these tests never cancel still takes a signal (every domain call does). */
const NEVER_ABORTED = new AbortController().signal;

const { values } = parseArgs({ options: { workers: { type: "string", default: "1" } } });
const workers = Math.max(1, Number(values.workers) || 1);

const samples: Sample[] = [...englishSamples(), ...tableSamples()];
const font = cjkFont();
if (font) samples.push(...chineseSamples(font), ...mixedSamples(font));
else console.log("Chinese skipped: no CJK font installed (fc-list :lang=zh is empty; apt-get install fonts-noto-cjk).");

interface GroupStats {
  chars: Tally;
  /** CER of the words joined with spaces, as before CJK spacing was joined. */
  rawChars: Tally;
  words: Tally;
  cells: Tally;
  pages: number;
  ms: number;
}

const service = new OcrService({ workers });
const groups = new Map<string, GroupStats>();
const started = Date.now();
await Promise.all(
  Array.from({ length: workers }, async (_, lane) => {
    for (let i = lane; i < samples.length; i += workers) {
      const sample = samples[i]!;
      const t0 = Date.now();
      const result = await service.ocrBytes(sample.image, { signal: NEVER_ABORTED, languages: sample.languages });
      const ms = Date.now() - t0;
      const lines = result.pages.flatMap((p) => p.lines);
      // CER counts spaces: Pincer's text (CJK spacing joined, ocr/cjk-spacing.ts) and, before that
      // step, tesseract's words joined with a space each (the "raw" column).
      const text = lines.map((l) => l.text).join("\n");
      const raw = lines.map((l) => l.words.map((w) => w.text).join(" ")).join("\n");
      const stats = groups.get(sample.group) ?? { chars: { errors: 0, total: 0 }, rawChars: { errors: 0, total: 0 }, words: { errors: 0, total: 0 }, cells: { errors: 0, total: 0 }, pages: 0, ms: 0 };
      addCharErrors(stats.chars, sample.text, text);
      addCharErrors(stats.rawChars, sample.text, raw);
      addWordErrors(stats.words, sample.text, text);
      if (sample.table) {
        const table = segmentBlocks(mergeRows(lines)).find((b) => b.kind === "table");
        addCellErrors(stats.cells, sample.table, table?.kind === "table" ? table.rows : undefined);
      }
      stats.pages++;
      stats.ms += ms;
      groups.set(sample.group, stats);
    }
  }),
);
const wall = (Date.now() - started) / 1000;
await service.dispose();

const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
console.log(`\nOCR bench: ${samples.length} pages, ${workers} worker(s), ${wall.toFixed(1)} s wall, ${(samples.length / wall).toFixed(2)} pages/s overall\n`);
console.log("| Group | Pages | CER (spaces counted) | CER before CJK spacing | WER | Table cells correct | Pages/s (per worker) |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [name, s] of [...groups].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))) {
  console.log(`| ${name} | ${s.pages} | ${pct(rate(s.chars))} | ${pct(rate(s.rawChars))} | ${pct(rate(s.words))} | ${s.cells.total ? pct(1 - rate(s.cells)) : "–"} | ${(s.pages / (s.ms / 1000)).toFixed(2)} |`);
}
const tableStats = [...groups].filter(([name]) => name.startsWith("Tables")).map(([, s]) => s);
const sum = (pick: (s: GroupStats) => Tally): Tally => tableStats.reduce((t, s) => ({ errors: t.errors + pick(s).errors, total: t.total + pick(s).total }), { errors: 0, total: 0 });
const cells = sum((s) => s.cells);
const tablePages = tableStats.reduce((n, s) => n + s.pages, 0);
const tableSeconds = tableStats.reduce((n, s) => n + s.ms / 1000, 0);
console.log(
  `| All tables | ${tablePages} | ${pct(rate(sum((s) => s.chars)))} | ${pct(rate(sum((s) => s.rawChars)))} | ${pct(rate(sum((s) => s.words)))} | ${pct(1 - rate(cells))} (${cells.total - cells.errors}/${cells.total}) | ${(tablePages / tableSeconds).toFixed(2)} |`,
);
