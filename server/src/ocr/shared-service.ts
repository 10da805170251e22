// One OCR service per process, so the LSP handler, chat attachments and the agent tool share
// its warm workers and its cache. The host configures it once (workers, cache folder).
import { OcrService, type OcrServiceOptions } from "./ocr-service";

let shared: OcrService | undefined;
let sharedOptions: OcrServiceOptions = {};

export function configureOcr(options: OcrServiceOptions): void {
  const changed = options.workers !== sharedOptions.workers || options.cacheDir !== sharedOptions.cacheDir;
  sharedOptions = options;
  if (changed && shared) {
    void shared.dispose();
    shared = undefined;
  }
}

export function sharedOcrService(): OcrService {
  shared ??= new OcrService(sharedOptions);
  return shared;
}

export async function disposeSharedOcr(): Promise<void> {
  const service = shared;
  shared = undefined;
  await service?.dispose();
}
