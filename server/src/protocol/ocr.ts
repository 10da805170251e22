// pincer/ocr/document: OCR one workspace image or PDF. Progress comes as workDoneProgress
// (pass a workDoneToken), cancellation as $/cancelRequest.
import { arrayOf, object, optional, str, workDoneToken } from "./checks";
import { PincerRequest } from "./rpc";

export interface OcrDocumentParams {
  /** file: URI of the image or PDF; it must lie inside a workspace folder. */
  uri: string;
  /** Tesseract language codes (default ["eng"]). */
  languages?: string[];
  workDoneToken?: string | number;
}

export interface OcrDocumentResult {
  markdown: string;
  kind: string;
  /** Pages processed, and pages in the document. */
  pages: number;
  pageCount: number;
  /** Mean line confidence 0..100 over OCR'd lines. */
  confidence: number;
  notes: string[];
  cached: boolean;
  elapsedMs: number;
}

export const OcrDocumentRequest = new PincerRequest<OcrDocumentParams, OcrDocumentResult>(
  "pincer/ocr/document",
  object({ uri: str({ min: 1, max: 4096 }), languages: optional(arrayOf(str({ min: 1, max: 40 }), 8)), workDoneToken }),
);

/** File name endings of the images and PDFs OCR reads (the explorer menu and the chat's file picker use them). */
export const OCR_FILE_PATTERN = /\.(png|jpe?g|webp|tiff?|bmp|gif|pdf)$/i;
