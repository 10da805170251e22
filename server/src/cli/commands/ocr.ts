// pincer ocr: an image or PDF → Markdown on stdout (or the full result with boxes as JSON).
import path from "node:path";
import { localeFromEnv } from "../../chat/answer-language";
import { OcrService } from "../../ocr/ocr-service";
import { OCR_NOTES } from "../../ocr/types";
import { messagesFor, translateNote } from "../../platform/messages";
import { defaultCacheDir } from "../../store/json-store";
import { ProgressBar } from "../progress-bar";
import { EXIT_OK } from "../usage";

export async function ocr(args: { file: string; languages?: string; json: boolean }, signal: AbortSignal): Promise<number> {
  const file = path.resolve(args.file);
  // One worker: the CLI OCRs one document, page after page.
  const service = new OcrService({ workers: 1, cacheDir: defaultCacheDir() });
  const bar = new ProgressBar(`OCR ${path.basename(file)}`);
  try {
    const result = await service.ocrFile(file, {
      languages: args.languages?.split("+"),
      signal,
      onProgress: ({ done, total, message }) => bar.update(total > 0 ? done / total : 0, message),
    });
    bar.finish("");
    const messages = messagesFor(localeFromEnv());
    for (const note of result.notes) process.stderr.write(`pincer: ${translateNote(note, OCR_NOTES, messages)}\n`);
    if (args.json) process.stdout.write(`${JSON.stringify({ file, ...result })}\n`);
    else process.stdout.write(`${result.markdown}\n`);
    return EXIT_OK;
  } catch (error) {
    bar.finish("");
    throw error;
  } finally {
    await service.dispose();
  }
}
