// pincer/ocrDocument: a thin layer over ocr/: confine the file to the workspace, report page
// progress through workDoneProgress, turn $/cancelRequest into the job's AbortSignal.
import { OCR_NOTES } from "../ocr/types";
import { messagesFor, translateNote } from "../platform/messages";
import { PincerError } from "../platform/errors";
import { fileURLToPath } from "node:url";
import type { Connection } from "vscode-languageserver";
import { configureOcr, sharedOcrService } from "../ocr/shared-service";
import { OcrDocumentRequest, type OcrDocumentParams, type OcrDocumentResult } from "../protocol";
import { defaultCacheDir } from "../store/json-store";
import { toAbortSignal } from "./cancellation";
import type { ServerContext } from "./context";

export function registerOcr(connection: Connection, context: ServerContext): void {
  configureOcr({ cacheDir: defaultCacheDir() });
  connection.onRequest(OcrDocumentRequest, async (params: OcrDocumentParams, token): Promise<OcrDocumentResult> => {
    if (!params.uri.startsWith("file:")) throw new PincerError("OCR needs a file: URI.", "invalid-params");
    const resolved = await (await context.roots()).resolveInside(fileURLToPath(params.uri));
    if (!resolved.ok) throw new PincerError(`Cannot OCR this file: ${resolved.reason}.`, "invalid-params");
    if (!resolved.exists) throw new PincerError(`${resolved.relative} does not exist.`, "invalid-params");
    const progress = await connection.window.attachWorkDoneProgress(params.workDoneToken);
    progress.begin(`OCR ${resolved.relative}`, 0, undefined, true);
    try {
      const result = await sharedOcrService().ocrFile(resolved.path, {
        languages: Array.isArray(params.languages) ? params.languages.filter((l) => typeof l === "string") : undefined,
        signal: toAbortSignal(token),
        onProgress: ({ done, total, message }) => progress.report(total > 0 ? Math.round((done / total) * 100) : 0, message),
      });
      context.log("info", `OCR ${resolved.relative}: ${result.pages.length} page(s), ${result.cached ? "cached" : `${result.elapsedMs} ms`}.`);
      return {
        markdown: result.markdown,
        kind: result.kind,
        pages: result.pages.length,
        pageCount: result.pageCount,
        confidence: result.confidence,
        // Shown to the person: in their language (the result and the model keep English).
        notes: result.notes.map((note) => translateNote(note, OCR_NOTES, messagesFor(context.locale()))),
        cached: result.cached,
        elapsedMs: result.elapsedMs,
      };
    } finally {
      progress.done();
    }
  });
}
