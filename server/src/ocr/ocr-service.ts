// OCR of one document: detect the input, hash it, answer from the cache or process it page by
// page (text layer or OCR), reporting progress; every step checks the AbortSignal.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import { messagesFor } from "../platform/messages";
import { ACCEPTED_INPUTS, detectInputKind } from "./input-kind";
import { parseLanguages } from "./language-data";
import { pageMarkdown } from "./markdown";
import { OcrCache } from "./ocr-cache";
import { openPdf, renderPage, textLayerLines } from "./pdf-input";
import { prepareRaster } from "./raster-input";
import { mergeRows } from "./rows";
import { linesFromTesseract } from "./tesseract-lines";
import { OcrInputError, type InputKind, type OcrLine, type OcrOptions, type OcrPage, type OcrResult } from "./types";
import { OcrWorkerPool, abortError } from "./worker-pool";

/** Files above this size are refused before they are read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Pages processed per document; the rest are named in a note (a 1,000-page PDF stays bounded). */
export const DEFAULT_MAX_PAGES = 300;
/** One page's OCR may take this long before its worker is stopped. */
export const PAGE_TIMEOUT_MS = 120_000;

export interface OcrServiceOptions {
  workers?: number;
  /** Where results are cached on disk; memory only when absent. */
  cacheDir?: string;
  maxPages?: number;
  pageTimeoutMs?: number;
}

export class OcrService {
  private readonly pool: OcrWorkerPool;
  private readonly cache: OcrCache;
  private readonly maxPages: number;
  private readonly pageTimeoutMs: number;

  constructor(options: OcrServiceOptions = {}) {
    this.pool = new OcrWorkerPool({ size: options.workers });
    this.cache = new OcrCache(options.cacheDir);
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.pageTimeoutMs = options.pageTimeoutMs ?? PAGE_TIMEOUT_MS;
  }

  get workers(): number {
    return this.pool.size;
  }

  async ocrFile(filePath: string, options: OcrOptions): Promise<OcrResult> {
    const stat = await fs.stat(filePath).catch((error: NodeJS.ErrnoException) => {
      throw new OcrInputError(`Cannot read ${filePath}: ${error.code ?? error.message}`);
    });
    if (!stat.isFile()) throw new OcrInputError(`${filePath} is not a file.`);
    if (stat.size > MAX_FILE_BYTES) throw new OcrInputError(`${filePath} is ${(stat.size / 1e6).toFixed(0)} MB; OCR takes files up to ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
    return this.ocrBytes(await fs.readFile(filePath), options);
  }

  async ocrBytes(bytes: Buffer, options: OcrOptions): Promise<OcrResult> {
    const started = Date.now();
    const languages = parseLanguages(options.languages);
    const kind = detectInputKind(bytes.subarray(0, 1024));
    if (!kind) throw new OcrInputError(`This is not an image or PDF that OCR can read (expected ${ACCEPTED_INPUTS}).`);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const key = OcrCache.key(sha256, languages);
    const hit = await this.cache.get(key);
    if (hit) return { ...hit, cached: true, elapsedMs: Date.now() - started };
    options.signal?.throwIfAborted();

    const notes: string[] = [];
    const pages: OcrPage[] = [];
    let pageCount = 1;
    if (kind === "pdf") {
      pageCount = await this.ocrPdf(bytes, languages, options, pages, notes);
    } else {
      options.onProgress?.({ done: 0, total: 1, message: "Recognising the image" });
      const image = await prepareRaster(bytes, kind, options.signal);
      if (image.note) notes.push(image.note);
      const recognised = await this.pool.recognize(image.png, languages, { signal: options.signal, timeoutMs: this.pageTimeoutMs });
      pages.push(makePage(1, "ocr", image.width, image.height, mergeRows(linesFromTesseract(recognised))));
      options.onProgress?.({ done: 1, total: 1, message: "Done" });
    }
    const result = assemble({ sha256, kind, languages, pages, pageCount, notes, started });
    await this.cache.set(key, result);
    return result;
  }

  private async ocrPdf(bytes: Buffer, languages: string[], options: OcrOptions, pages: OcrPage[], notes: string[]): Promise<number> {
    // pdfjs takes ownership of (detaches) the buffer it gets: give it a copy.
    const document = await openPdf(new Uint8Array(bytes));
    const onAbort = () => void document.destroy();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const total = Math.min(document.numPages, this.maxPages);
      if (document.numPages > total) notes.push(messagesFor("en")("ocr.pageLimit", total, document.numPages));
      for (let number = 1; number <= total; number++) {
        if (options.signal?.aborted) throw abortError();
        options.onProgress?.({ done: number - 1, total, message: `Page ${number} of ${total}` });
        const page = await document.getPage(number);
        try {
          const text = await textLayerLines(page);
          if (text) {
            pages.push(makePage(number, "text-layer", text.width, text.height, text.lines));
          } else {
            const image = await renderPage(page);
            const recognised = await this.pool.recognize(image.png, languages, { signal: options.signal, timeoutMs: this.pageTimeoutMs });
            pages.push(makePage(number, "ocr", image.width, image.height, mergeRows(linesFromTesseract(recognised))));
          }
        } finally {
          page.cleanup();
        }
      }
      options.onProgress?.({ done: total, total, message: "Done" });
      return document.numPages;
    } catch (error) {
      if (options.signal?.aborted) throw abortError();
      throw error;
    } finally {
      options.signal?.removeEventListener("abort", onAbort);
      await document.destroy().catch(() => undefined);
    }
  }

  dispose(): Promise<void> {
    return this.pool.dispose();
  }
}

function makePage(page: number, source: OcrPage["source"], width: number, height: number, lines: OcrLine[]): OcrPage {
  return { page, source, width, height, lines, markdown: pageMarkdown(lines) };
}

function assemble(parts: { sha256: string; kind: InputKind; languages: string[]; pages: OcrPage[]; pageCount: number; notes: string[]; started: number }): OcrResult {
  const ocrLines = parts.pages.filter((p) => p.source === "ocr").flatMap((p) => p.lines);
  const confidence = ocrLines.length === 0 ? 100 : ocrLines.reduce((sum, l) => sum + l.confidence, 0) / ocrLines.length;
  const markdown =
    parts.pages.length <= 1
      ? (parts.pages[0]?.markdown ?? "")
      : parts.pages.map((p) => `<!-- page ${p.page} -->\n\n${p.markdown}`).join("\n\n");
  return {
    sha256: parts.sha256,
    kind: parts.kind,
    languages: parts.languages,
    pages: parts.pages,
    pageCount: parts.pageCount,
    markdown,
    confidence: Math.round(confidence * 10) / 10,
    notes: parts.notes,
    cached: false,
    elapsedMs: Date.now() - parts.started,
  };
}
