// node-llama-cpp's model downloader (parallel, resumable), exposed without its types so that the
// model manager does not import node-llama-cpp itself: only engine/ does.
import { createModelDownloader } from "node-llama-cpp";

export interface FileDownload {
  url: string;
  dirPath: string;
  fileName: string;
  signal?: AbortSignal;
  onProgress?: (downloadedBytes: number, totalBytes: number) => void;
}

/** Downloads into dirPath/fileName; a partial file left by a cancelled attempt is resumed. */
export async function downloadFile(request: FileDownload): Promise<string> {
  request.signal?.throwIfAborted();
  const downloader = await createModelDownloader({
    modelUrl: request.url,
    dirPath: request.dirPath,
    fileName: request.fileName,
    deleteTempFileOnCancel: false, // keep the partial file so the next attempt resumes it
    skipExisting: false,
    parallelDownloads: 1,
    showCliProgress: false,
    onProgress: (status) => request.onProgress?.(status.downloadedSize, status.totalSize),
  });
  // The signal is not handed to node-llama-cpp: after a cancel its download() resolves as if the
  // file were complete, or never settles when a response body ended just as it was aborted (undici
  // drops the end of a body whose fetch was aborted, and ipull waits for it). So a cancel is raced
  // here and waits for the downloader to close. ipull keeps `<file>.ipull` and records progress per
  // 5 MiB chunk, so the next attempt resumes after the last complete chunk (the chunk's bytes and
  // that record may land on disk just after the close).
  const { signal } = request;
  let cancelling: Promise<void> | undefined;
  let wake = (): void => undefined;
  const aborted = new Promise<undefined>((resolve) => (wake = () => resolve(undefined)));
  const onAbort = (): void => {
    cancelling ??= downloader.cancel().catch(() => undefined);
    wake();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    const downloading = downloader.download();
    downloading.catch(() => undefined); // it may still settle after a cancel was reported
    const filePath = await Promise.race([downloading, aborted]);
    signal?.throwIfAborted();
    return filePath!;
  } catch (error) {
    if (!signal?.aborted) throw error;
    onAbort();
    await cancelling;
    throw signal.reason;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
