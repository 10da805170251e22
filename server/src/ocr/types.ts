// The OCR result shape shared by the CLI (--json), the LSP request and the agent tool.
import { PincerError } from "../platform/errors";

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  /** 0..100; 100 for words from a PDF text layer. */
  confidence: number;
  box: Box;
}

export interface OcrLine {
  text: string;
  confidence: number;
  box: Box;
  words: OcrWord[];
}

export interface OcrPage {
  /** 1-based. */
  page: number;
  /** "text-layer": the PDF's own text; "ocr": recognised from pixels. */
  source: "text-layer" | "ocr";
  width: number;
  height: number;
  lines: OcrLine[];
  /** Markdown of this page in reading order, tables rebuilt. */
  markdown: string;
}

export interface OcrResult {
  /** sha256 of the input bytes: the cache key together with the languages. */
  sha256: string;
  kind: InputKind;
  languages: string[];
  pages: OcrPage[];
  /** Pages in the document (may exceed pages.length when the page limit stopped the job). */
  pageCount: number;
  markdown: string;
  /** Mean line confidence over OCR'd lines (100 when everything came from text layers). */
  confidence: number;
  /** Notes for the reader: pages skipped by the limit, images scaled down. */
  notes: string[];
  cached: boolean;
  elapsedMs: number;
}

export type InputKind = "png" | "jpeg" | "webp" | "tiff" | "bmp" | "gif" | "pdf";

export interface OcrProgress {
  /** Pages finished so far and the pages this job will process. */
  done: number;
  total: number;
  message: string;
}

export interface OcrOptions {
  /** Tesseract language codes, e.g. ["eng", "chi_sim"]. */
  languages?: string[];
  signal: AbortSignal;
  onProgress?: (progress: OcrProgress) => void;
}

/** A problem with the input or the request that the user can fix; the message says what. */
export class OcrInputError extends PincerError {
  override name = "OcrInputError";
  constructor(message: string) {
    super(message, "failed");
  }
}

/** The catalogue's OCR notes (OcrResult.notes are these, in English): translateNote shows them to the person. */
export const OCR_NOTES = ["ocr.imageScaled", "ocr.pageLimit"] as const;
